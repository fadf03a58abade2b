"""量化考核: what each criterion counts, and the scores and ranking of a scheme's units.

南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》（考核评价制度）：“制定量化考核标准”；
《中国共产党党务公开条例（试行）》第五十四条：党务公开工作纳入考核。

Criteria
    CRITERIA maps a key to a `Criterion`: a label, a description (shown to the superior with the score) and a
    function (unit, year) -> supervision.measures.Measure. Adding a criterion is one entry; the scheme form
    offers it at once (no migration). A criterion may also give `many(units, year) -> {unit_id: Measure}`,
    the same answers for many units in a fixed number of queries (the ranking uses it).

    How each one counts, "today" being deadlines.clock.today():

    - timeliness (按时公开): the catalogue's periods of the year already due (deadlines.selectors.
      compliance_rows, the very rows of the 按时率): met when 按时公开 or 零上报, as the 按时率 counts.
    - completeness (目录完整): the same due periods: met when anything was published for them, on time or
      late, or a 零上报 was filed; not met only when nothing was (未公开).
    - zero_reports (零上报): the months of 即时 nodes in which nothing happened (no event item; a month with
      events is judged by its events and is not counted here), once due (the 5th after the month, rolled to
      a working day): met when the month's report (normally the 零上报) was published by then.
    - requests (依申请公开按时办理): requests submitted in the year: met when refused within the acceptance
      limit, or accepted and answered within both limits (participation.selectors.request_deadlines, pauses
      and extensions included); not met when handled late, or still open past a limit; not counted while
      still within its limits (or paused).
    - feedback (意见建议与点题答复): feedback submitted in the year. A 点题 is met when answered by its due date
      and not met when answered late or still unanswered past it; one still within its limit is not counted.
      An 意见建议 has no due date of its own: met once answered; not met when still unanswered after the
      点题 limit (15 working days, participation.selectors.topic_due); not counted before that.
    - satisfaction (党员评议满意度): the ratings of the 党员评议 periods covering the unit that ended in the year
      and are over (supervision.selectors.evaluation_results): 满意 and 基本满意 are met, 不满意 is not.

Scores
    ratio = met / total; a criterion's points are ratio × 100. A unit's total is the weighted mean of its
    criteria's ratios × 100: Σ(weight × ratio) ÷ Σweight × 100 (weights need not sum to 100). A criterion with
    nothing to count (total 0) scores full marks or is left out of that unit's mean, as the scheme says; a
    unit with no criterion left has no total and ranks last. Totals are rounded to two decimals (half up);
    units with equal rounded totals share a rank (1, 1, 3), listed in tree order.

`scheme_results(scheme)` is the one way to the figures (the ranking screen, its exports, the annual report).
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deadlines import clock
from deadlines.choices import DUE_STATES, MET_STATES, ComplianceState
from deadlines.rules import PeriodKind
from deadlines.selectors import ComplianceRow, compliance_rows, page_names, units_within
from disclosure_pages.choices import Schedule
from disclosure_pages.models import UnitPage

from .measures import Evidence, Measure

UnitMeasures = dict[int, Measure]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    description: str
    measure: Callable[[UnitPage, int], Measure]
    many: Callable[[list[UnitPage], int], UnitMeasures] | None = None

    def measure_many(self, units: list[UnitPage], year: int) -> UnitMeasures:
        if self.many is not None:
            return self.many(units, year)
        return {unit.pk: self.measure(unit, year) for unit in units}


def by_name(dotted: str) -> Callable[[Any, int], Any]:
    """A criterion function named by its dotted path, imported when first called (for other modules'
    selectors: `Criterion("findings_closed", …, by_name("….findings_closed"), by_name("….findings_closed_many"))`:
    (unit, year) → Measure, and (units, year) → a Measure per unit, for a whole ranking in one go)."""

    def call(unit_or_units: Any, year: int) -> Any:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)(unit_or_units, year)

    call.__name__ = dotted
    return call


def _one(many: Callable[[list[UnitPage], int], UnitMeasures]) -> Callable[[UnitPage, int], Measure]:
    def measure(unit: UnitPage, year: int) -> Measure:
        return many([unit], year)[unit.pk]

    return measure


def _d(day: datetime.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


# --- the catalogue: timeliness, completeness, zero reports (deadlines.compliance) -------------------


def _rows_by_unit(units: list[UnitPage], year: int) -> dict[int, list[ComplianceRow]]:
    by_unit: dict[int, list[ComplianceRow]] = {unit.pk: [] for unit in units}
    if units:
        for row in compliance_rows(units=units, year=year, today=clock.today()):
            by_unit[row.unit_id].append(row)
    return by_unit


def _row_evidence(row: ComplianceRow, met: bool) -> Evidence:
    j = row.judgement
    detail = f"应于{_d(j.due.due)}前公开"
    if j.published:
        detail += f"，{_d(j.published)}公开"
    detail += f"（{j.state_label}）"
    if j.notes:
        detail += " " + " ".join(j.notes)
    return Evidence(
        label=f"{row.code} {row.node_title}（{j.period.label}）",
        detail=detail,
        met=met,
        url=reverse("deadlines:node_schedule", args=[row.node_id]) + f"?year={j.period.year}",
    )


def _catalogue_measures(units, year, *, counts: Callable[[ComplianceRow], bool], met: set, note: str) -> UnitMeasures:
    return {
        unit_id: Measure.of([_row_evidence(row, row.state in met) for row in rows if counts(row)], note=note)
        for unit_id, rows in _rows_by_unit(units, year).items()
    }


def timeliness_many(units: list[UnitPage], year: int) -> UnitMeasures:
    return _catalogue_measures(
        units,
        year,
        counts=lambda row: row.state in DUE_STATES,
        met=MET_STATES,
        note="已到期的目录周期中按时公开或按时零上报的比例（即公开时限督查的按时率）。",
    )


COMPLETE_STATES = {ComplianceState.ON_TIME, ComplianceState.LATE, ComplianceState.ZERO_REPORT}


def completeness_many(units: list[UnitPage], year: int) -> UnitMeasures:
    return _catalogue_measures(
        units,
        year,
        counts=lambda row: row.state in DUE_STATES,
        met=COMPLETE_STATES,
        note="已到期的目录周期中已有公开（含逾期公开）或已零上报的比例。",
    )


def is_quiet_month(row: ComplianceRow) -> bool:
    """A month of an 即时 node in which nothing happened: it owes its month report, normally the 零上报.
    (A month with events is judged by its events; deadlines.compliance notes them, and only them.)"""
    j = row.judgement
    return row.schedule == Schedule.IMMEDIATE and j.period.kind == PeriodKind.MONTH and not j.notes


def zero_reports_many(units: list[UnitPage], year: int) -> UnitMeasures:
    return _catalogue_measures(
        units,
        year,
        counts=lambda row: is_quiet_month(row) and row.state in DUE_STATES,
        met=MET_STATES,
        note="即时公开目录中当月无事项的月份（已到期）按时零上报的比例；逾期零上报和未零上报不达标。",
    )


# --- requests and feedback (participation) -----------------------------------------------------------


def _year_q(field_name: str, year: int) -> dict:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return {f"{field_name}__gte": start, f"{field_name}__lt": start.replace(year=year + 1)}


def requests_many(units: list[UnitPage], year: int) -> UnitMeasures:
    from participation.choices import RequestStatus
    from participation.models import DisclosureRequest
    from participation.selectors import request_deadlines

    today = clock.today()
    evidence: dict[int, list[Evidence]] = {unit.pk: [] for unit in units}
    requests = (
        DisclosureRequest.objects.filter(unit__in=[unit.pk for unit in units], **_year_q("submitted_at", year))
        .prefetch_related("events")
        .order_by("submitted_at", "pk")
    )
    for request in requests:
        d = request_deadlines(request, today=today)
        label = f"{request}（{timezone.localdate(request.submitted_at):%Y-%m-%d}提交）"
        url = reverse("participation_admin:request_detail", args=[request.pk])
        if request.status == RequestStatus.REFUSED:
            met = bool(d.accept_met)
            detail = f"不予受理，受理期限{_d(d.accept.due)}，{_d(timezone.localdate(request.refused_at))}办理"
        elif request.answered_at is not None:
            met = bool(d.accept_met) and bool(d.answer_met)
            detail = (
                f"受理期限{_d(d.accept.due)}，{_d(timezone.localdate(request.accepted_at)) if request.accepted_at else '未记录受理'}受理；"
                f"答复期限{_d(d.answer.due if d.answer else None)}，{_d(timezone.localdate(request.answered_at))}答复"
            )
        elif d.state == "overdue":
            met = False
            detail = f"已超过{'受理' if request.status == RequestStatus.SUBMITTED else '答复'}期限{_d(d.pending.due)}，尚未办结"
        else:
            continue  # within its limits, or paused: nothing to judge yet
        evidence[request.unit_id].append(Evidence(label, detail + ("（按时）" if met else "（逾期）"), met, url))
    note = "当年提交的依申请公开申请中在受理和答复期限内办结的比例；期限未到的不计。"
    return {unit_id: Measure.of(rows, note=note) for unit_id, rows in evidence.items()}


def feedback_many(units: list[UnitPage], year: int) -> UnitMeasures:
    from deadlines.calendar import WorkCalendar
    from participation.models import Feedback
    from participation.selectors import topic_due

    today = clock.today()
    calendar = WorkCalendar.from_db()
    evidence: dict[int, list[Evidence]] = {unit.pk: [] for unit in units}
    rows = Feedback.objects.filter(unit__in=[unit.pk for unit in units], **_year_q("submitted_at", year)).order_by(
        "submitted_at", "pk"
    )
    for feedback in rows:
        submitted = timezone.localdate(feedback.submitted_at)
        replied = timezone.localdate(feedback.replied_at) if feedback.replied_at else None
        label = f"{feedback.get_kind_display()} {feedback}（{submitted:%Y-%m-%d}提交）"
        url = reverse("participation_admin:feedback_detail", args=[feedback.pk])
        if feedback.due_date is not None:  # 点题
            due = feedback.due_date
            if replied is not None:
                met, detail = replied <= due, f"答复期限{_d(due)}，{_d(replied)}答复"
            elif due < today:
                met, detail = False, f"答复期限{_d(due)}，已超期未答复"
            else:
                continue
        else:  # 意见建议: answered at all; unanswered counts once the 点题 limit has passed
            if replied is not None:
                met, detail = True, f"{_d(replied)}答复"
            else:
                limit = topic_due(submitted, calendar=calendar).due
                if limit >= today:
                    continue
                met, detail = False, f"超过{_d(limit)}（15个工作日）仍未答复"
        evidence[feedback.unit_id].append(Evidence(label, detail, met, url))
    note = "当年收到的点题在答复期限内答复、意见建议已答复的比例；期限未到的不计。"
    return {unit_id: Measure.of(rows, note=note) for unit_id, rows in evidence.items()}


# --- 党员评议 (supervision.selectors.evaluation_results) ---------------------------------------------


def satisfaction_many(units: list[UnitPage], year: int) -> UnitMeasures:
    from .choices import Satisfaction
    from .models import EvaluationPeriod
    from .selectors import evaluation_results

    today = clock.today()
    ancestors = {unit.path[:n] for unit in units for n in range(UnitPage.steplen, len(unit.path) + 1, UnitPage.steplen)}
    periods = list(
        EvaluationPeriod.objects.filter(target__path__in=ancestors, ends_on__year=year, ends_on__lt=today)
        .select_related("target")
        .order_by("ends_on", "pk")
    )
    met_choices = {Satisfaction.SATISFIED, Satisfaction.BASIC}
    measures: UnitMeasures = {}
    for unit in units:
        rows: list[Evidence] = []
        for period in periods:
            if not period.covers(unit):
                continue
            results = evaluation_results(unit, period)
            url = reverse("supervision_periods:inspect", args=[period.pk])
            number = 0
            for count in results.counts:  # one row per rating, by choice: never the order they were cast
                for _ in range(count.count):
                    number += 1
                    rows.append(Evidence(f"{period.title} 第{number}份", count.label, count.choice in met_choices, url))
        measures[unit.pk] = Measure.of(rows, note="当年结束的党员评议中“满意”“基本满意”的比例。")
    return measures


# --- the registry ---------------------------------------------------------------------------------


def _criterion(key: str, label: str, description: str, many) -> Criterion:
    return Criterion(key, label, description, _one(many), many)


CRITERIA: dict[str, Criterion] = {
    c.key: c
    for c in [
        _criterion("timeliness", "按时公开", "目录各周期按公开时限按时公开（含按时零上报）。", timeliness_many),
        _criterion("completeness", "目录完整", "目录各到期周期均有公开或零上报（逾期公开也算已公开）。", completeness_many),
        _criterion("zero_reports", "按时零上报", "即时公开目录当月无事项的，于次月5日前零上报。", zero_reports_many),
        _criterion("requests", "依申请公开按时办理", "依申请公开在受理、答复期限内办结。", requests_many),
        _criterion("feedback", "意见建议与点题答复", "点题在答复期限内答复，意见建议予以答复。", feedback_many),
        _criterion("satisfaction", "党员评议满意度", "党员评议中“满意”“基本满意”所占比例。", satisfaction_many),
        Criterion(
            "opinions_answered", "监督意见答复", "监督员通过“直通车”提出的监督意见在答复期限内答复。",
            by_name("supervision.hotline_selectors.opinions_answered"),
            by_name("supervision.hotline_selectors.opinions_answered_many"),
        ),
        Criterion(
            "findings_closed", "检查问题整改", "监督检查提出的整改事项在整改期限内整改完毕并经上级确认。",
            by_name("supervision.inspection_selectors.findings_closed"),
            by_name("supervision.inspection_selectors.findings_closed_many"),
        ),
    ]
}


# --- scores -------------------------------------------------------------------------------------------

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _points(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) * HUNDRED / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionScore:
    key: str
    label: str
    weight: Decimal
    measure: Measure
    counted: bool  # False: nothing to count and the scheme leaves it out of the unit's mean
    ratio: Fraction | None  # the ratio that enters the mean (1 for nothing counted under "full marks")

    @property
    def points(self) -> Decimal | None:
        """ratio × 100, two decimals; None when left out."""
        return _points(self.ratio) if self.counted else None

    @property
    def points_text(self) -> str:
        if not self.counted:
            return "不计"
        return f"{self.points}" + ("（无可计事项，计满分）" if self.measure.total == 0 else "")


@dataclass
class UnitResult:
    unit: UnitPage
    unit_name: str
    scores: list[CriterionScore]
    total: Decimal | None  # Σ(weight × ratio) ÷ Σweight × 100, two decimals; None when nothing is counted
    rank: int = 0

    def score(self, key: str) -> CriterionScore:
        return next(score for score in self.scores if score.key == key)

    @property
    def weighted_sum(self) -> Decimal:
        return sum((s.weight * Decimal(s.ratio.numerator) / Decimal(s.ratio.denominator) for s in self.scores if s.counted), Decimal(0))

    @property
    def weight_sum(self) -> Decimal:
        return sum((s.weight for s in self.scores if s.counted), Decimal(0))


@dataclass(frozen=True)
class SchemeLine:
    key: str
    label: str
    description: str
    weight: Decimal


def scheme_lines(scheme) -> list[SchemeLine]:
    """The scheme's criteria in its order, with their weights (criteria no longer registered are skipped)."""
    return [
        SchemeLine(line.key, CRITERIA[line.key].label, CRITERIA[line.key].description, line.weight)
        for line in scheme.criteria.all()
        if line.key in CRITERIA
    ]


def unit_result(unit: UnitPage, name: str, lines: list[SchemeLine], measures: dict[str, UnitMeasures], *, full_when_empty: bool) -> UnitResult:
    scores = []
    for line in lines:
        measure = measures[line.key][unit.pk]
        if measure.total:
            ratio, counted = Fraction(measure.met, measure.total), True
        elif full_when_empty:
            ratio, counted = Fraction(1), True
        else:
            ratio, counted = None, False
        scores.append(CriterionScore(line.key, line.label, line.weight, measure, counted, ratio))
    counted = [s for s in scores if s.counted]
    total = None
    if counted:
        weight_sum = sum((Fraction(s.weight) for s in counted), Fraction(0))
        total = _points(sum((Fraction(s.weight) * s.ratio for s in counted), Fraction(0)) / weight_sum)
    return UnitResult(unit, name, scores, total)


def rank(results: list[UnitResult]) -> list[UnitResult]:
    """Highest total first, units without a total last; equal totals share a rank (1, 1, 3), in tree order."""
    ordered = sorted(results, key=lambda r: (r.total is None, -(r.total or 0), r.unit.path))
    previous, previous_rank = object(), 0
    for position, result in enumerate(ordered, start=1):
        if result.total != previous:
            previous, previous_rank = result.total, position
        result.rank = previous_rank
    return ordered


def scheme_results(scheme, *, units: list[UnitPage] | None = None) -> list[UnitResult]:
    """Every live unit of the scheme's region scored on the scheme's criteria for its year, ranked.

    Each UnitResult has `rank`, `unit`, `unit_name` ('韶关市/武江区/区委办'), `total` (Decimal, two decimals, or
    None when nothing was counted) and `scores`, one CriterionScore per criterion in the scheme's order
    (`key`, `label`, `weight`, `measure`: the Measure with its evidence rows, `counted`, `ratio`, `points`).
    `scheme_lines(scheme)` gives the criteria with their weights for the table's header. `units` limits the
    computation to some units of the region (one unit's page; ranks are then among those units only).
    The number of queries does not grow with the units, except for 党员评议 (a few per unit and period).
    """
    from .models_assessment import EmptyPolicy

    lines = scheme_lines(scheme)
    if units is None:
        units = units_within([scheme.region])
    names = page_names(units)
    measures = {line.key: CRITERIA[line.key].measure_many(units, scheme.year) for line in lines}
    full = scheme.empty_policy == EmptyPolicy.FULL
    return rank([unit_result(unit, names[unit.path], lines, measures, full_when_empty=full) for unit in units])
