from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "档案管理"
    default_auto_field = "django.db.models.BigAutoField"
