"""党员评议: a period the superior opens, the marker that a member has cast a ballot, and the ratings.

南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》（考核评价制度）：“适时组织党员对基层党组织党务公开情况进行评议，
并及时公布评议结果”。

Anonymity is structural, not a promise of the views: who voted (BallotCast) and what was said (Rating) are
two tables with no link between them. A Rating has no user, no ballot, no timestamp and a random UUID key;
ratings are listed by choice, then by that random key, so neither a query nor an ordering leads from a
rating to a member or to the order of casting. Neither model keeps a change history (django-simple-history
would record who and when). Both rows are written in one transaction (services.rating_cast).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Page

from .choices import PeriodState, Satisfaction

COMMENT_MAX = 500


class EvaluationPeriod(models.Model):
    """A period of 党员评议 of one unit, or of every unit of a region, opened by a supervisor over it."""

    target = models.ForeignKey(
        Page,
        verbose_name="评议对象",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="公开单位，或行政区域（区域内全部公开单位）；须在您的监督范围内。",
    )
    title = models.CharField("评议名称", max_length=100, help_text="如“2026年度党务公开工作党员评议”。")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", help_text="含当日；结束后本单位党员和上级可查看评议结果。")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="评议期变更记录")

    panels = [FieldPanel("target"), FieldPanel("title"), FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])]

    class Meta:
        verbose_name = "党员评议"
        verbose_name_plural = "党员评议"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="evaluation_period_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
        if self.target_id:
            from disclosure_pages.models import RegionPage, UnitPage

            if not isinstance(self.target.specific, (RegionPage, UnitPage)):
                raise ValidationError({"target": "评议对象必须是公开单位或行政区域。"})

    def state(self, today) -> str:
        if today < self.starts_on:
            return PeriodState.UPCOMING
        if today > self.ends_on:
            return PeriodState.ENDED
        return PeriodState.OPEN

    def state_label(self, today) -> str:
        return PeriodState(self.state(today)).label

    def units(self):
        """The live units rated in this period: the target unit, or every unit under the target region."""
        from disclosure_pages.models import UnitPage

        return UnitPage.objects.live().filter(path__startswith=self.target.path).order_by("path")

    def covers(self, unit) -> bool:
        return unit.path.startswith(self.target.path)


class BallotCast(models.Model):
    """That a member has rated a unit in a period: nothing about what they said, and no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(EvaluationPeriod, verbose_name="评议", on_delete=models.CASCADE, related_name="ballots")
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="党员", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "已参评记录"
        verbose_name_plural = "已参评记录"
        ordering = ["period", "unit", "member"]
        # The rule “once per member” lives in the database: two submissions racing past the service's
        # check cannot both commit, and the loser's rating goes with its rolled-back transaction.
        constraints = [models.UniqueConstraint(fields=["period", "unit", "member"], name="one_ballot_per_member")]

    def __str__(self) -> str:
        return f"{self.period} · {self.member}"


class Rating(models.Model):
    """One member's rating, with no way back to the member (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(EvaluationPeriod, verbose_name="评议", on_delete=models.CASCADE, related_name="ratings")
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    choice = models.CharField("评议意见", max_length=16, choices=Satisfaction.choices)
    comment = models.TextField("意见建议", max_length=COMMENT_MAX, blank=True)

    class Meta:
        verbose_name = "评议意见"
        verbose_name_plural = "评议意见"
        ordering = ["choice", "id"]

    def __str__(self) -> str:
        return self.get_choice_display()

from .models_annualreport import AnnualReport, ReportState  # noqa: E402,F401  (年度报告)
from .models_assessment import AssessmentScheme, EmptyPolicy, SchemeCriterion  # noqa: E402, F401  (量化考核)
from .models_hotline import DisclosureMonitor, MonitorOpinion  # noqa: E402, F401  (党务公开监督员 and 直通车)
from .models_inspections import Bulletin, Finding, Inspection, Rectification  # noqa: E402, F401
