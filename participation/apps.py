from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "依申请公开与意见建议"
    default_auto_field = "django.db.models.BigAutoField"
