"""On-request disclosure (依申请公开) and feedback / topic requests (意见建议, 点题, 回音壁).

Seed 001: “凡党员、群众要求实行点题式公开并按规定可以公开的事项，在5日内受理申请，15日内以适当形式公开。”
Seed 004: “申请事项及办理情况应报上一级党组织备案。” “通过设置‘点题栏’、‘回音壁’等方式……在一定期限内予以解答公开或反馈。”
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from .choices import AnswerFrom, EventAction, FeedbackKind, Outcome, PauseKind, RequestStatus

REQUEST_TEXT_MAX = 2000
PURPOSE_MAX = 500
FEEDBACK_MAX = 1000
REPLY_MAX = 5000
# 《龙口市科技局党支部党务公开工作实施方案》：点题式公开事项“在5日内受理申请，15日内以适当形式公开”。
# A 点题 has no acceptance step of its own here, so the answer is due 15 working days after it arrives,
# counted on the holiday calendar; the due date is stored with the row, so a later change of the
# calendar or of this figure never moves the date already told to the submitter.
TOPIC_ANSWER_WORKING_DAYS = 15


class RuleSet(models.Model):
    """Time limits for handling a request: a rule set, chosen per region, never constants in code."""

    name = models.CharField("名称", max_length=100, unique=True)
    basis = models.CharField(
        "依据", max_length=255, blank=True, help_text="如“《龙口市科技局党支部党务公开工作实施方案》：在5日内受理申请，15日内以适当形式公开”。"
    )
    accept_days = models.PositiveSmallIntegerField(
        "受理期限（天）", validators=[MinValueValidator(0), MaxValueValidator(365)], help_text="自收到申请次日起计算。"
    )
    accept_working_days = models.BooleanField("受理期限按工作日计算", default=False)
    answer_days = models.PositiveSmallIntegerField(
        "答复期限（天）", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    answer_working_days = models.BooleanField("答复期限按工作日计算", default=False)
    answer_from = models.CharField(
        "答复期限起算",
        max_length=12,
        choices=AnswerFrom.choices,
        default=AnswerFrom.ACCEPTED,
        help_text="《龙口市科技局党支部党务公开工作实施方案》：受理后15日内公开（自受理之日起）；政府信息公开条例：自收到申请之日起20个工作日内答复。",
    )
    max_extension_days = models.PositiveSmallIntegerField(
        "最长延期（天）",
        default=0,
        validators=[MaxValueValidator(365)],
        help_text="答复期限可延长的最长天数，计算方式同答复期限；0表示不得延期。",
    )
    roll_forward = models.BooleanField(
        "期满日为休息日时顺延",
        default=True,
        help_text="按自然日计算的期限，最后一日是法定休假日的，以休假日结束的次日为最后一日（民法典第二百零三条）。",
    )
    is_default = models.BooleanField(
        "默认规则", default=False, help_text="未为所在区域指定规则时使用。只能有一个默认规则。"
    )

    history = HistoricalRecords(verbose_name="时限规则变更记录")

    panels = [
        FieldPanel("name"),
        FieldPanel("basis"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("accept_days"), FieldPanel("accept_working_days")]),
                FieldRowPanel(
                    [FieldPanel("answer_days"), FieldPanel("answer_working_days"), FieldPanel("answer_from")]
                ),
                FieldRowPanel([FieldPanel("max_extension_days"), FieldPanel("roll_forward")]),
            ],
            heading="时限",
        ),
        FieldPanel("is_default"),
    ]

    class Meta:
        verbose_name = "依申请公开时限规则"
        verbose_name_plural = "依申请公开时限规则"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_ruleset"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.is_default and RuleSet.objects.filter(is_default=True).exclude(pk=self.pk).exists():
            raise ValidationError({"is_default": "已有默认规则，请先取消原默认规则。"})

    @property
    def summary(self) -> str:
        def span(days: int, working: bool) -> str:
            return f"{days}{'个工作日' if working else '日'}"

        text = f"{span(self.accept_days, self.accept_working_days)}内受理，{self.get_answer_from_display()}{span(self.answer_days, self.answer_working_days)}内答复"
        if self.max_extension_days:
            text += f"，可延长{span(self.max_extension_days, self.answer_working_days)}"
        return text

    def snapshot(self) -> dict:
        """The rule as it stood when a request arrived: later edits do not move open requests' deadlines."""
        return {
            "id": self.pk,
            "name": self.name,
            "accept_days": self.accept_days,
            "accept_working_days": self.accept_working_days,
            "answer_days": self.answer_days,
            "answer_working_days": self.answer_working_days,
            "answer_from": self.answer_from,
            "max_extension_days": self.max_extension_days,
            "roll_forward": self.roll_forward,
        }


class RegionRuleSet(models.Model):
    """Which rule set a region uses; the nearest region above a unit wins."""

    region = models.OneToOneField(
        "disclosure_pages.RegionPage", verbose_name="行政区域", on_delete=models.CASCADE, related_name="+"
    )
    rule_set = models.ForeignKey(RuleSet, verbose_name="时限规则", on_delete=models.PROTECT, related_name="regions")

    history = HistoricalRecords(verbose_name="区域时限规则变更记录")

    panels = [FieldPanel("region"), FieldPanel("rule_set")]

    class Meta:
        verbose_name = "区域时限规则"
        verbose_name_plural = "区域时限规则"

    def __str__(self) -> str:
        return f"{self.region.title} · {self.rule_set.name}"


class DisclosureRequest(models.Model):
    """An application for disclosure on request (依申请公开 / 点题式公开)."""

    tracking_number = models.CharField("申请编号", max_length=20, unique=True, null=True, editable=False)
    secret_hash = models.CharField("查询码摘要", max_length=128, editable=False)
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage",
        verbose_name="受理单位",
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    applicant_name = models.CharField("申请人姓名", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("电子邮箱", max_length=254, blank=True)
    request_text = models.TextField("申请公开的内容", max_length=REQUEST_TEXT_MAX)
    purpose = models.TextField("用途", max_length=PURPOSE_MAX, blank=True)

    status = models.CharField("办理状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    rule_set = models.ForeignKey(RuleSet, verbose_name="时限规则", on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField("时限规则（申请时）", default=dict, editable=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    refused_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    extension_days = models.PositiveSmallIntegerField("已延长天数", default=0)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    outcome = models.CharField("答复结果", max_length=20, choices=Outcome.choices, blank=True)
    answer_text = models.TextField("答复内容", max_length=REPLY_MAX, blank=True)
    outcome_reason = models.TextField("理由", blank=True)
    disclosure_item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="关联公开事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    filed_note = models.TextField("备案说明", blank=True)

    history = HistoricalRecords(verbose_name="依申请公开变更记录", excluded_fields=["secret_hash"])

    class Meta:
        verbose_name = "依申请公开申请"
        verbose_name_plural = "依申请公开申请"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.tracking_number or f"申请#{self.pk}"

    @property
    def is_paused(self) -> bool:
        return self.open_pause is not None

    @property
    def open_pause(self) -> RequestEvent | None:
        """The PAUSED event not yet followed by RESUMED (uses prefetched `events` when present)."""
        current = None
        for event in self.events.all():
            if event.action == EventAction.PAUSED:
                current = event
            elif event.action == EventAction.RESUMED:
                current = None
        return current


class RequestEvent(models.Model):
    """One step in a request's life: who, when, what, why. Append-only; shown as a timeline."""

    request = models.ForeignKey(DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=16, choices=EventAction.choices)
    pause_kind = models.CharField("暂停原因", max_length=12, choices=PauseKind.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    text = models.TextField("说明", blank=True)
    is_public = models.BooleanField("申请人可见", default=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} · {self.get_action_display()}"

    @property
    def label(self) -> str:
        if self.action == EventAction.PAUSED and self.pause_kind:
            return f"暂停计时：{PauseKind(self.pause_kind).label}"
        return self.get_action_display()

    @property
    def actor_label(self) -> str:
        if self.actor is None:
            return "申请人" if self.action in (EventAction.SUBMITTED, EventAction.CLARIFIED) else "系统"
        return self.actor.get_full_name() or self.actor.get_username()


def private_storage():
    """Answers' files: outside MEDIA_ROOT (never reachable by a URL of their own), served only
    through the applicant's status page (number + code) and the handlers' admin."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PARTICIPATION_PRIVATE_ROOT, base_url=None)


def _answer_file_path(instance: AnswerAttachment, filename: str) -> str:
    return f"answers/{timezone.localdate():%Y/%m}/{instance.request_id}/{filename}"


class AnswerAttachment(models.Model):
    """A file sent with the answer to a request (the disclosed document, a table, a scan)."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="answer_attachments"
    )
    file = models.FileField("文件", upload_to=_answer_file_path, storage=private_storage, max_length=255)
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Feedback(models.Model):
    """An opinion (意见建议) or a topic request (点题) on a unit or one of its items."""

    kind = models.CharField("类别", max_length=10, choices=FeedbackKind.choices, default=FeedbackKind.OPINION)
    # 点题 only: a number and a secret query code (only its salted hash is kept) to follow it, and the
    # day by which it is to be answered.
    tracking_number = models.CharField("点题编号", max_length=20, unique=True, null=True, blank=True, editable=False)
    secret_hash = models.CharField("查询码摘要", max_length=128, blank=True, editable=False)
    due_date = models.DateField("答复期限", null=True, blank=True, editable=False)
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.CASCADE, related_name="feedback"
    )
    item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="公开事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    content = models.TextField("内容", max_length=FEEDBACK_MAX)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    reply = models.TextField("答复", max_length=REPLY_MAX, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public_content = models.TextField(
        "公开的问题内容",
        max_length=FEEDBACK_MAX,
        blank=True,
        help_text="在回音壁公开的问题，可删去个人信息；留空则公开原文。",
    )
    is_published = models.BooleanField("在回音壁公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核公开人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="意见建议变更记录", excluded_fields=["secret_hash"])

    class Meta:
        verbose_name = "意见建议与点题"
        verbose_name_plural = "意见建议与点题"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["unit", "is_published"]), models.Index(fields=["due_date", "replied_at"])]

    def __str__(self) -> str:
        return self.tracking_number or f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_topic(self) -> bool:
        return self.kind == FeedbackKind.TOPIC

    def is_overdue(self, today) -> bool:
        """A 点题 not answered by its due date (answered late counts as answered: it leaves the dashboards)."""
        return self.due_date is not None and self.replied_at is None and self.due_date < today

    @property
    def shown_question(self) -> str:
        return self.public_content or self.content
