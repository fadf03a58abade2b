"""The call log (来电记录) of the call-centre operators."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import CallOutcome

QUESTION_MAX = 2000
ANSWER_MAX = 4000


class CallRecord(models.Model):
    """One call: what the caller asked, what the operator answered, the public items read out, and
    the request or feedback filed on the caller's behalf. The caller's number is never kept in
    plain text: a masked form to show (138****5678) and a keyed hash to find a caller's earlier
    calls (callcentre.services.phone_digest)."""

    started_at = models.DateTimeField("来电时间", default=timezone.now, db_index=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="坐席员", on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField("来电人咨询的问题", max_length=QUESTION_MAX)
    answer = models.TextField("答复内容", max_length=ANSWER_MAX, blank=True)
    items = models.ManyToManyField(
        "disclosure_pages.DisclosureItemPage", verbose_name="引用的公开事项", blank=True, related_name="+"
    )
    caller_phone_masked = models.CharField("来电号码", max_length=20, blank=True, editable=False)
    caller_phone_hash = models.CharField("来电号码摘要", max_length=64, blank=True, editable=False, db_index=True)
    outcome = models.CharField("办理结果", max_length=12, choices=CallOutcome.choices, default=CallOutcome.ANSWERED)
    disclosure_request = models.ForeignKey(
        "participation.DisclosureRequest",
        verbose_name="代为提交的依申请公开",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback = models.ForeignKey(
        "participation.Feedback",
        verbose_name="代为提交的意见建议",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "来电记录"
        verbose_name_plural = "来电记录"
        ordering = ["-started_at", "-pk"]
        permissions = [("use_console", "使用人工坐席工作台")]

    def __str__(self) -> str:
        return f"来电 {timezone.localtime(self.started_at):%Y-%m-%d %H:%M} {self.question[:20]}"

    @property
    def operator_name(self) -> str:
        from wagtail.admin.utils import get_user_display_name

        return get_user_display_name(self.operator)

    @property
    def cited_items(self) -> str:
        return "、".join(item.title for item in sorted(self.items.all(), key=lambda item: item.path))

    @property
    def tracking_number(self) -> str:
        request = self.disclosure_request
        return request.tracking_number if request is not None and request.tracking_number else ""
