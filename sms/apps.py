from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "手机短信"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from disclosure_pages.models import DisclosureItemPage

        from . import signal_handlers

        # dispatch_uid: ready() may run twice in some test runners.
        page_published.connect(
            signal_handlers.item_published, sender=DisclosureItemPage, dispatch_uid="sms.item_published"
        )
