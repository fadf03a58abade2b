"""Filings with the superior body: 报备 (for the record) and 报批 (for consent).

One mechanism for everything a unit sends up (《关于在全区基层党组织中推进和深化党务公开工作的实施意见》
五(一)2, 六.1, 六.2): its catalogue (目录备案) and later changes to it (目录变更), items outside the
catalogue (目录外事项), items not fit to publish for now (暂不宜公开事项), refusals of on-request
disclosure (不予公开答复) and the handling of every request (依申请办理情况). A filing names what it is
about (a generic relation: the unit, a catalogue node, an item, a request), the superior body that must
act (the region whose organisation made the unit's catalogue), a due date in working days, the answer
with its reason, and every state change with who and when (FilingEvent).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

__all__ = ["Filing", "FilingEvent", "FilingKind", "FilingState", "FilingSubject", "FilingAction", "SUBJECT_KINDS"]


class FilingKind(models.TextChoices):
    RECORD = "record", "报备"
    CONSENT = "consent", "报批"


class FilingSubject(models.TextChoices):
    CATALOGUE = "catalogue", "目录备案"
    CATALOGUE_CHANGE = "catalogue_change", "目录变更"
    EXTRA_ITEM = "extra_item", "目录外事项"
    WITHHELD_ITEM = "withheld_item", "暂不宜公开事项"
    WITHHOLDING_ANSWER = "withholding_answer", "不予公开答复"
    REQUEST_HANDLING = "request_handling", "依申请办理情况"
    WITHDRAWAL = "withdrawal", "撤销"
    CORRECTION = "correction", "更正"


# What each subject needs from the superior: the seed texts say 备案 (record) or 审核同意/批准/同意 (consent).
SUBJECT_KINDS: dict[str, str] = {
    FilingSubject.CATALOGUE: FilingKind.RECORD,
    FilingSubject.CATALOGUE_CHANGE: FilingKind.CONSENT,
    FilingSubject.EXTRA_ITEM: FilingKind.CONSENT,
    FilingSubject.WITHHELD_ITEM: FilingKind.RECORD,
    FilingSubject.WITHHOLDING_ANSWER: FilingKind.CONSENT,
    FilingSubject.REQUEST_HANDLING: FilingKind.RECORD,
    FilingSubject.WITHDRAWAL: FilingKind.CONSENT,
    FilingSubject.CORRECTION: FilingKind.RECORD,
}


class FilingState(models.TextChoices):
    PENDING = "pending", "待上级处理"
    ACKNOWLEDGED = "acknowledged", "已备案"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "不同意"


class FilingAction(models.TextChoices):
    SUBMITTED = "submitted", "提交"
    ACKNOWLEDGED = "acknowledged", "确认备案"
    APPROVED = "approved", "同意"
    REFUSED = "refused", "不同意"
    FOLLOWED_UP = "followed_up", "后续办理"


class Filing(models.Model):
    kind = models.CharField("类别", max_length=8, choices=FilingKind.choices)
    subject = models.CharField("事项类型", max_length=20, choices=FilingSubject.choices)
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="报送单位", on_delete=models.PROTECT, related_name="filings"
    )
    superior = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="上级党组织",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="制定本单位党务公开目录的党组织（本单位所在的行政区域）。",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name="对象类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    subject_object = GenericForeignKey("content_type", "object_id")
    title = models.CharField("标题", max_length=255)
    statement = models.TextField("说明", blank=True)
    details = models.JSONField("报送内容", default=dict, blank=True)
    state = models.CharField("状态", max_length=12, choices=FilingState.choices, default=FilingState.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间")
    due_date = models.DateField("办理期限")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.TextField("上级意见及理由", blank=True)

    class Meta:
        verbose_name = "报备报批"
        verbose_name_plural = "报备报批"
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="filing_object"),
            models.Index(fields=["state", "due_date"], name="filing_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.get_subject_display()}：{self.title}"

    @property
    def number(self) -> str:
        return f"BB{self.submitted_at:%Y}-{self.pk:05d}" if self.pk and self.submitted_at else ""

    @property
    def is_pending(self) -> bool:
        return self.state == FilingState.PENDING


class FilingEvent(models.Model):
    """One state change of a filing: who, when, what, why (append-only by use: services only add)."""

    filing = models.ForeignKey(Filing, verbose_name="报备报批", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=12, choices=FilingAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")
    text = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "报备报批记录"
        verbose_name_plural = "报备报批记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
