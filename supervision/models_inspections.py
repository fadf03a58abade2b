"""监督检查: the superior's half-yearly inspection of the units in reach, its findings, 整改 and 通报.

《中共惠农区委党务公开若干制度（试行）》第五十一条：“每半年对各乡镇、街道，各部门（单位）党务公开工作开展情况进行督导检查，
并将情况在全区通报”；第五十三条：“被检查部门（单位）和党组织，对检查出的问题应当及时整改”。

Who may do what is the one policy's (disclosure_pages.permissions, OBJECT_RULES): supervisors whose reach
covers the inspection's target open it, record findings and confirm 整改; a unit's staff read their unit's
findings and answer its 整改; the 通报 is drafted by one supervisor and approved by another.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords
from wagtail.models import Page

from .inspection_choices import BulletinState, ChecklistItem, Grade, Half, InspectionState, RectificationState

TEXT_MAX = 2000


class Inspection(models.Model):
    target = models.ForeignKey(
        Page,
        verbose_name="检查对象",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="行政区域（区域内全部公开单位）或公开单位；须在您的监督范围内。",
    )
    region = models.ForeignKey(
        "disclosure_pages.RegionPage",
        verbose_name="通报范围",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="通报在本区域公开：检查对象本身是区域时即为它，否则为单位所在的区域。",
    )
    units = models.ManyToManyField("disclosure_pages.UnitPage", verbose_name="被检查单位", related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("半年", max_length=1, choices=Half.choices)
    title = models.CharField("检查名称", max_length=100)
    state = models.CharField("状态", max_length=16, choices=InspectionState.choices, default=InspectionState.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="结束人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    history = HistoricalRecords(verbose_name="监督检查变更记录")

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-year", "-half", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.get_half_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == InspectionState.OPEN


class Finding(models.Model):
    """What the inspection found in one unit on one checklist item."""

    inspection = models.ForeignKey(Inspection, verbose_name="监督检查", on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey("disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("检查内容", max_length=16, choices=ChecklistItem.choices)
    grade = models.CharField("检查结果", max_length=16, choices=Grade.choices)
    text = models.TextField("情况说明", max_length=TEXT_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    history = HistoricalRecords(verbose_name="检查结果变更记录")

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["inspection", "unit__path", "item"]
        constraints = [models.UniqueConstraint(fields=["inspection", "unit", "item"], name="one_finding_per_item")]

    def __str__(self) -> str:
        return f"{self.get_item_display()}：{self.get_grade_display()}"


class Rectification(models.Model):
    """整改: a problem found in a unit, fixed by a due date; the unit reports, the superior confirms or returns it."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="监督检查", on_delete=models.CASCADE, related_name="rectifications"
    )
    unit = models.ForeignKey("disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("检查内容", max_length=16, choices=ChecklistItem.choices, blank=True)
    problem = models.TextField("问题及整改要求", max_length=TEXT_MAX)
    due_on = models.DateField("整改期限")
    state = models.CharField("状态", max_length=16, choices=RectificationState.choices, default=RectificationState.OPEN)
    report = models.TextField("整改情况", max_length=TEXT_MAX, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", max_length=TEXT_MAX, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("确认整改完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="整改变更记录")

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="rectification_closed_has_time"
            )
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    @property
    def is_closed(self) -> bool:
        return self.state == RectificationState.CLOSED

    def is_overdue(self, today) -> bool:
        return not self.is_closed and self.due_on < today


class Bulletin(models.Model):
    """通报: drafted from the findings, reviewed by a second supervisor, published on the public site.
    `return_reason` is internal: the public page shows the title, the text and the date only."""

    inspection = models.OneToOneField(Inspection, verbose_name="监督检查", on_delete=models.PROTECT, related_name="bulletin")
    title = models.CharField("通报标题", max_length=150)
    body = models.TextField("通报正文", max_length=20000)
    state = models.CharField("状态", max_length=16, choices=BulletinState.choices, default=BulletinState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("送审时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", max_length=TEXT_MAX, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    archived = models.BooleanField("已归档", default=False, editable=False)

    history = HistoricalRecords(verbose_name="通报变更记录")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == BulletinState.PUBLISHED
