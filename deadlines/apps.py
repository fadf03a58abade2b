from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "公开时限与督查"
    default_auto_field = "django.db.models.BigAutoField"
