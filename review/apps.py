from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The review procedure: workflow tasks and their states, the approval
    form (审批表), the pre-screen, filings with the superior (报备/报批)."""

    name = "review"
    verbose_name = "审核与报批"
    default_auto_field = "django.db.models.BigAutoField"
