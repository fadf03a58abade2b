"""量化考核: the scheme a superior sets for one year over one region, and its weighted criteria.

南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》（考核评价制度）：“制定量化考核标准……将党务公开工作纳入
党建工作目标管理考核”。The criteria themselves (what each one counts) live in supervision.assessment.CRITERIA;
a scheme names some of them by key, each with a weight. The score of a unit is the weighted mean of its
criteria's ratios × 100 (see supervision.assessment.scheme_results).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable, Page


def criterion_choices() -> list[tuple[str, str]]:
    """The registry's criteria, read when a form is built (a new criterion needs no migration)."""
    from .assessment import CRITERIA

    return [(key, criterion.label) for key, criterion in CRITERIA.items()]


class EmptyPolicy(models.TextChoices):
    FULL = "full", "计满分（无可计事项视为全部达标）"
    EXCLUDE = "exclude", "不计入（该单位此项不参与加权平均）"


class AssessmentScheme(ClusterableModel):
    """One year's 量化考核 of every unit in a region, configured by a supervisor whose reach covers it."""

    region = models.ForeignKey(
        Page,
        verbose_name="考核范围",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="行政区域（区域内全部公开单位参加考核）；须在您的监督范围内。",
    )
    year = models.PositiveSmallIntegerField(
        "考核年度",
        validators=[
            MinValueValidator(2000, "考核年度应在2000年至2100年之间。"),
            MaxValueValidator(2100, "考核年度应在2000年至2100年之间。"),
        ],
    )
    title = models.CharField("考核名称", max_length=100, help_text="如“2026年度党务公开工作量化考核”。")
    empty_policy = models.CharField(
        "无可计事项时",
        max_length=8,
        choices=EmptyPolicy.choices,
        default=EmptyPolicy.EXCLUDE,
        help_text="某单位某项考核内容当年没有可计的事项（如没有收到依申请公开申请）时如何计分。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="考核方案变更记录")

    class Meta:
        verbose_name = "量化考核方案"
        verbose_name_plural = "量化考核方案"
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="one_assessment_scheme_per_region_year",
                violation_error_message="该区域该年度已有考核方案，请直接修改原方案。",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.region_id:
            from disclosure_pages.models import RegionPage

            if not isinstance(self.region.specific, RegionPage):
                raise ValidationError({"region": "考核范围必须是行政区域。"})


class SchemeCriterion(Orderable):
    """One criterion of a scheme, with its weight."""

    scheme = ParentalKey(AssessmentScheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField("考核内容", max_length=40, choices=criterion_choices)
    weight = models.DecimalField(
        "权重",
        max_digits=7,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.01"), "权重必须大于0。")],
        help_text="正数，可带两位小数。",
    )
    panels = [FieldRowPanel([FieldPanel("key"), FieldPanel("weight")])]

    class Meta(Orderable.Meta):
        verbose_name = "考核内容"
        verbose_name_plural = "考核内容"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "key"],
                name="one_weight_per_criterion",
                violation_error_message="每项考核内容只能设置一次。",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="assessment_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}（权重{self.weight.normalize():f}）"
