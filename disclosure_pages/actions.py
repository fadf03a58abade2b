"""State changes as action objects: check() then execute() (like wagtail/actions/unpublish.py)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import WorkflowState

from .models import DisclosureItemPage
from .permissions import can_revoke
from .signals import item_revoked

logger = logging.getLogger(__name__)

REVOKE_LOG_ACTION = "disclosure_pages.revoke"


class RevokePermissionError(PermissionDenied):
    """The user's supervision reach does not cover the item."""


class RevokeItemAction:
    """撤消: a supervisor takes a wrongly published item off every public surface.

    Seed 000: 各级组织部门可以查看本级及下级党务公开单位的公开信息，并有权撤消已发布的错误的党务公开信息。

    In one transaction: the revocation is announced (`item_revoked`, which the archive files
    while the live revision is still known), the item is unpublished through Wagtail's
    UnpublishPageAction (so `page_unpublished` fires and search drops it), a workflow
    still running on it is cancelled (an approval must not quietly bring it back), the
    revocation is logged with its reason, and the unit's editors are told by mail.
    """

    def __init__(self, item, *, user, reason: str):
        self.item = item if isinstance(item, DisclosureItemPage) else item.specific
        self.user = user
        self.reason = (reason or "").strip()

    def check(self) -> None:
        if not can_revoke(self.user, self.item):
            raise RevokePermissionError("只有监督范围覆盖本事项所属单位的组织部门才能撤消。")
        if not self.item.live:
            raise ValidationError("本事项当前未发布，无需撤消。")
        if not self.reason:
            raise ValidationError({"reason": "请填写撤消理由。"})

    @transaction.atomic
    def execute(self):
        self.check()
        from .notifications import notify_revoked

        # The archive files the revocation while the live revision is still known; a receiver
        # that fails makes the whole revocation fail (the signal is sent inside this transaction).
        responses = item_revoked.send(sender=DisclosureItemPage, item=self.item, user=self.user, reason=self.reason)
        record = next((answer for _, answer in responses if answer is not None), None)
        revision = self.item.live_revision
        UnpublishPageAction(self.item, user=self.user, log_action=False).execute(skip_permission_checks=True)
        for state in WorkflowState.objects.active().filter(
            base_content_type=self.item.get_base_content_type(), object_id=str(self.item.pk)
        ):
            state.cancel(user=self.user)
        log(
            instance=self.item,
            action=REVOKE_LOG_ACTION,
            user=self.user,
            revision=revision,
            data={"reason": self.reason, "archive_record": getattr(record, "pk", None)},
        )
        logger.info("撤消 %s（%s）：%s", self.item.title, self.item.pk, self.reason)
        # Who was told, for the confirmation message (a unit may have no editor).
        self.delivery = notify_revoked(item=self.item, user=self.user, reason=self.reason)
        return record


def revoke_item(item, *, user, reason: str):
    """Revoke a published item (see RevokeItemAction); returns the archive record."""
    return RevokeItemAction(item, user=user, reason=reason).execute()
