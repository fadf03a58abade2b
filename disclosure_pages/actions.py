"""State changes as action objects: check() then execute() (like wagtail/actions/unpublish.py)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import WorkflowState

from .choices import UNIT_WITHDRAWAL_KINDS, Role, WithdrawalKind
from .models import DisclosureItemPage, WithdrawalNotice
from .permissions import can_revoke, can_withdraw, roles_for
from .signals import item_revoked

logger = logging.getLogger(__name__)

REVOKE_LOG_ACTION = "disclosure_pages.revoke"
WITHDRAW_LOG_ACTION = "disclosure_pages.withdraw"
CORRECT_LOG_ACTION = "disclosure_pages.correct"
REASON_MAX = 2000


class RevokePermissionError(PermissionDenied):
    """The user's supervision reach does not cover the item."""


class WithdrawPermissionError(PermissionDenied):
    """The user may not approve a 变更/撤销/终止 of the item."""


class TakeDownAction:
    """Take a published item off every public surface and leave a notice at its address.

    In one transaction: the take-down is archived (the `item_revoked` signal, which the archive files
    while the live revision is still known; a failing receiver fails the take-down), the item is unpublished through Wagtail's
    UnpublishPageAction (so `page_unpublished` fires and search drops it), a workflow still
    running on it is cancelled (an approval must not quietly bring it back), the take-down is
    logged with its reason, and a WithdrawalNotice keeps what the public sees at the old address.
    Subclasses say who may do it (check) and of what kind it is.
    """

    kind: str = WithdrawalKind.REVOKED
    log_action: str = REVOKE_LOG_ACTION

    def __init__(self, item, *, user, reason: str, public_reason: str = "", approval: str = "", replacement=None):
        self.item = item if isinstance(item, DisclosureItemPage) else item.specific
        self.user = user
        self.reason = (reason or "").strip()
        self.public_reason = (public_reason or "").strip() or self.reason
        self.approval = (approval or "").strip()
        self.replacement = replacement.specific if replacement is not None and not isinstance(replacement, DisclosureItemPage) else replacement
        self.notice: WithdrawalNotice | None = None
        self.delivery = None

    def check(self) -> None:
        if not self.item.live:
            raise ValidationError(f"本事项当前未发布，无需{WithdrawalKind(self.kind).label}。")
        if not self.reason:
            raise ValidationError({"reason": f"请填写{WithdrawalKind(self.kind).label}理由。"})
        if len(self.reason) > REASON_MAX or len(self.public_reason) > REASON_MAX:
            raise ValidationError({"reason": f"理由不能超过{REASON_MAX}字。"})

    def archive_reason(self) -> str:
        return self.reason if self.kind == WithdrawalKind.REVOKED else f"{WithdrawalKind(self.kind).label}：{self.reason}"

    @transaction.atomic
    def execute(self):
        self.check()
        notice = self._notice_for(self.item)
        # Sent inside this transaction: a receiver that fails makes the whole take-down fail.
        responses = item_revoked.send(
            sender=DisclosureItemPage, item=self.item, user=self.user, reason=self.archive_reason()
        )
        record = next((answer for _, answer in responses if answer is not None), None)
        revision = self.item.live_revision
        UnpublishPageAction(self.item, user=self.user, log_action=False).execute(skip_permission_checks=True)
        for state in WorkflowState.objects.active().filter(
            base_content_type=self.item.get_base_content_type(), object_id=str(self.item.pk)
        ):
            state.cancel(user=self.user)
        log(
            instance=self.item,
            action=self.log_action,
            user=self.user,
            revision=revision,
            data={
                "reason": self.reason,
                "kind": self.kind,
                "public_reason": self.public_reason,
                "replacement": getattr(self.replacement, "pk", None),
                "archive_record": getattr(record, "pk", None),
            },
        )
        notice.save()
        self.notice = notice
        logger.info("%s %s（%s）：%s", WithdrawalKind(self.kind).label, self.item.title, self.item.pk, self.reason)
        self.delivery = self.notify()
        return record

    def _notice_for(self, item: DisclosureItemPage) -> WithdrawalNotice:
        node = item.catalog_node
        unit = item.unit
        return WithdrawalNotice(
            item=item,
            kind=self.kind,
            reason=self.public_reason,
            approval=self.approval,
            replacement=self.replacement,
            unit_name=unit.display_name if unit else "",
            catalog_label=f"{node.code} {node.title}".strip() if node else "",
            period_label=item.period_label,
            scope=item.scope,
            published_at=item.first_published_at,
            withdrawn_at=timezone.now(),
            withdrawn_by=self.user,
        )

    def notify(self):
        return None


class RevokeItemAction(TakeDownAction):
    """撤消: a supervisor takes a wrongly published item off every public surface.

    《韶关市党风廉政信息公开平台规范》：各级组织部门可以查看本级及下级党务公开单位的公开信息，并有权撤消已发布的错误的党务公开信息。
    The unit's editors are told by mail.
    """

    def check(self) -> None:
        if not can_revoke(self.user, self.item):
            raise RevokePermissionError("只有监督范围覆盖本事项所属单位的组织部门才能撤消。")
        super().check()

    def notify(self):
        from .notifications import notify_revoked

        # Who was told, for the confirmation message (a unit may have no editor).
        return notify_revoked(item=self.item, user=self.user, reason=self.reason)


class WithdrawItemAction(TakeDownAction):
    """变更/撤销/终止 by the unit, with the approval of the body that made its catalogue (can_withdraw).

    南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：公开事项如需变更、撤销或终止，由制定党务公开目录的党组织批准，
    报上级党委备案后及时公布并作说明. The 说明 is `reason` and is public; a 变更 may name the item that now applies.
    """

    log_action = WITHDRAW_LOG_ACTION

    def __init__(self, item, *, kind: str, **kwargs):
        super().__init__(item, **kwargs)
        self.kind = kind

    def check(self) -> None:
        if self.kind not in UNIT_WITHDRAWAL_KINDS:
            raise ValidationError({"kind": "请选择变更、撤销或终止。"})
        if not can_withdraw(self.user, self.item):
            raise WithdrawPermissionError("只有本单位主要负责人或上级组织部门才能批准变更、撤销或终止公开事项。")
        if self.replacement is not None:
            if self.kind != WithdrawalKind.CHANGED:
                raise ValidationError({"replacement": "只有变更才能指定现行事项。"})
            unit = self.item.unit
            if self.replacement.pk == self.item.pk or not self.replacement.live or unit is None or not self.replacement.is_descendant_of(unit):
                raise ValidationError({"replacement": "现行事项须是本单位另一条已发布的公开事项。"})
        if not self.approval:
            self.approval = approval_text(self.user, self.item)
        super().check()


class CorrectItemAction(TakeDownAction):
    """更正: the published correction replaces the item it corrects (called when the correction is
    published, so the review workflow has approved it); the 更正说明 is the correction's own."""

    kind = WithdrawalKind.CORRECTED
    log_action = CORRECT_LOG_ACTION

    def __init__(self, correction: DisclosureItemPage, *, user):
        super().__init__(
            correction.corrects, user=user, reason=correction.correction_note, replacement=correction
        )

    def check(self) -> None:
        if self.replacement is None or not self.replacement.live:
            raise ValidationError("更正事项尚未发布。")
        super().check()


def approval_text(user, item) -> str:
    """Who approved, as the public notice names it: the body, never a person."""
    today = timezone.localdate()
    roles = roles_for(user)
    if roles.has_role_over(item.path, Role.LEADER) and not roles.supervises(item.path):
        return f"经本单位党组织（主要负责人）批准，{today:%Y年%m月%d日}"
    return f"经上级组织部门批准，{today:%Y年%m月%d日}"


def revoke_item(item, *, user, reason: str, public_reason: str = ""):
    """Revoke a published item (see RevokeItemAction); returns the archive record."""
    return RevokeItemAction(item, user=user, reason=reason, public_reason=public_reason).execute()
