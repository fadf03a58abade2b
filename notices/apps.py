from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "站内消息"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
