from django.apps import AppConfig


class DisclosurePagesConfig(AppConfig):
    name = "disclosure_pages"
    verbose_name = "党务公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.models import AbstractPage, Page
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_published

        from . import params, signal_handlers  # noqa: F401  (params registers the <id:…> URL converter)
        from .models import UnitMembership
        from .permissions import (
            MembershipPagePermissionPolicy,
            ReachMembershipPermissionPolicy,
            UnitDocumentPermissionPolicy,
        )

        # Page permissions follow unit memberships and supervisor reaches (issue 3): this
        # replaces Wagtail's group-only page policy for every page type.
        register_permission_policy(AbstractPage, MembershipPagePermissionPolicy(Page))
        register_permission_policy(UnitMembership, ReachMembershipPermissionPolicy(UnitMembership), exact_class=True)
        # Documents follow the units too (each unit's own collection). exact_class wins over the
        # policy wagtail.documents registers in its own ready(), which runs after this one.
        from wagtail.documents import get_document_model

        register_permission_policy(get_document_model(), UnitDocumentPermissionPolicy(), exact_class=True)
        # 政策解读 goes out with its document, in the publication's transaction (第三十条).
        from .models import DisclosureItemPage

        page_published.connect(
            signal_handlers.publish_interpretation, sender=DisclosureItemPage, dispatch_uid="disclosure_interpretation"
        )
