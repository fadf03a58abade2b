"""Signal handlers of this app, connected by importing this module in AppConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from .documents import unit_collection_sync
from .models import DisclosureItemPage, SupervisorReach, UnitMembership, UnitPage
from .services import item_correction_publish, item_publish_interpretation, roles_sync


@receiver([post_save, post_delete], sender=UnitMembership, dispatch_uid="disclosure_roles_membership")
@receiver([post_save, post_delete], sender=SupervisorReach, dispatch_uid="disclosure_roles_reach")
def keep_unit_users_group(sender, instance, **kwargs):
    roles_sync(user_id=instance.user_id)


@receiver(post_save, sender=UnitPage, dispatch_uid="disclosure_unit_collection")
def keep_unit_collection(sender, instance, raw=False, **kwargs):
    if not raw:
        unit_collection_sync(instance)


@receiver(page_published, sender=DisclosureItemPage, dispatch_uid="disclosure_correction_replaces_original")
def correction_replaces_original(sender, instance, **kwargs):
    item_correction_publish(item=instance)


def publish_interpretation(sender, instance, revision, **kwargs):
    item_publish_interpretation(item=instance, user=revision.user if revision is not None else None)
