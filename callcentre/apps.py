from django.apps import AppConfig


class CallcentreConfig(AppConfig):
    """人工坐席服务: a console in the admin for call-centre operators, who act for the public."""

    name = "callcentre"
    verbose_name = "人工坐席服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded

        from . import demo
        from .models import CallRecord
        from .permissions import CallRecordPermissionPolicy

        register_permission_policy(CallRecord, CallRecordPermissionPolicy(CallRecord), exact_class=True)

        demo_loaded.connect(demo.install_demo, sender=DisclosureItemPage, dispatch_uid="callcentre.install_demo")
