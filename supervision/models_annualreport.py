"""年度报告: the superior's annual report on the disclosure work of a region or a unit.

Modelled on the 政府信息公开工作年度报告: the figures of a year (items published by kind and scope,
on-time rate, zero reports, requests and their outcomes, feedback, 党员评议, the hotline), charts, a
概述 and a note per section written by the superior (a supervisor whose reach covers the region or unit).

A draft shows the figures as computed now. Publishing freezes them: `figures` keeps the JSON of
supervision.annual_report.Figures as it was at that moment, and the public page and the PDF are drawn from
that JSON only, so a published report does not change when the data change later.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.models import Page

OVERVIEW_MAX = 4000
NOTE_MAX = 2000


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class AnnualReport(models.Model):
    subject = models.ForeignKey(
        Page,
        verbose_name="报告对象",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="行政区域（含下级区域的全部公开单位）或公开单位；须在您的监督范围内。",
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    overview = models.TextField("概述", max_length=OVERVIEW_MAX, blank=True)
    notes = models.JSONField("各部分说明", default=dict, blank=True)  # section key -> text
    state = models.CharField("状态", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    figures = models.JSONField("发布时的数据", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-year", "subject__path"]
        constraints = [models.UniqueConstraint(fields=["subject", "year"], name="one_annual_report_per_subject_year")]

    def __str__(self) -> str:
        return f"{self.subject.title}{self.year}年度党务公开工作年度报告"

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED

    def note(self, key: str) -> str:
        return (self.notes or {}).get(key, "")
