from django.apps import AppConfig


class DisclosurePagesConfig(AppConfig):
    name = "disclosure_pages"
    verbose_name = "党务公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401
