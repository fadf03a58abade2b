from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
