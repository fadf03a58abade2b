"""年度报告: the figures of a region (its units, sub-regions included) or a unit for a year, and the report's
sections.

`report_figures(subject, year)` is the one way to the figures: it returns a `Figures`, whose fields are
JSON-native (numbers, strings, lists, dicts), so that publishing stores `figures.to_json()` with the
report and a published report is drawn from `Figures.from_json(...)` ever after (it does not change when
the data change).

The report is a list of sections (`SECTIONS`). A section is one entry: a key, a heading, a template
(supervision/annualreport/sections/<key>.html, given the section's figures as `data`), the function that
computes its figures from a `Subject`, and the function that draws its charts from those figures. Adding a
section (监督检查, 量化考核) is adding one `Section(...)` to that list, with its template.

What the public sees: the report is published to the public, so it carries counts only, never the title
or content of an item, a request or a comment. Counts of 党内 and 委员 items are shown (the government
annual reports publish counts too); what those items say stays where their scope allows.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.models import Page

from deadlines import clock
from deadlines.choices import ComplianceState
from deadlines.selectors import Rollup, compliance_rows
from disclosure_pages.choices import Scope
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage

from . import charts
from .choices import PeriodState, Satisfaction

SHANGHAI = ZoneInfo("Asia/Shanghai")
STEPLEN = Page.steplen
FIGURES_VERSION = 1
SCOPE_SHORT = {Scope.PUBLIC: "社会公开", Scope.PARTY: "党内公开", Scope.COMMITTEE: "委员范围"}
MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass(frozen=True)
class Subject:
    """What a report is about: a region (every live unit under it) or a unit, for a year, as of a day."""

    page: Page
    year: int
    today: datetime.date
    units: list[UnitPage]
    region_titles: dict[str, str] = field(default_factory=dict)  # path -> title, the regions under the subject

    @property
    def path(self) -> str:
        return self.page.path

    def unit_name(self, unit_path: str) -> str:
        """A unit's name below the subject: '区委办' in a region's own units, '浈江区·区委办' deeper down."""
        unit = next((unit for unit in self.units if unit.path == unit_path), None)
        if unit is None:
            return ""
        parent = unit.path[:-STEPLEN]
        if parent == self.path or unit.path == self.path:
            return unit.title
        region = self.region_titles.get(parent, "")
        return f"{region}·{unit.title}" if region else unit.title


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return datetime.datetime(year, 1, 1, tzinfo=SHANGHAI), datetime.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


# --- the sections' figures ---------------------------------------------------------------------------


def items_figures(subject: Subject) -> dict[str, Any]:
    """Items first published in the year (live items; a zero report counts apart): by catalogue 一级
    kind, by scope, by month."""
    start, end = _year_range(subject.year)
    rows = (
        DisclosureItemPage.objects.live()
        .filter(path__startswith=subject.path, first_published_at__gte=start, first_published_at__lt=end)
        .values_list("path", "scope", "first_published_at", "is_zero_report")
    )
    kinds = dict(
        CatalogNodePage.objects.filter(path__startswith=subject.path, level=1).values_list("path", "title")
    )
    by_scope: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    by_month = [dict.fromkeys(Scope.values, 0) for _ in range(12)]
    zero_reports = 0
    for path, scope, published, is_zero in rows:
        if is_zero:
            zero_reports += 1
            continue
        scope = scope or Scope.PARTY
        by_scope[scope] += 1
        kind = kinds.get(path[: -3 * STEPLEN], "其他")
        by_kind.setdefault(kind, Counter())[scope] += 1
        by_month[timezone.localtime(published, SHANGHAI).month - 1][scope] += 1
    total = sum(by_scope.values())
    return {
        "total": total,
        "zero_reports": zero_reports,
        "scopes": [{"scope": value, "label": SCOPE_SHORT[value]} for value in Scope.values],
        "by_scope": [{"scope": value, "label": SCOPE_SHORT[value], "count": by_scope[value]} for value in Scope.values],
        "by_kind": [
            {"kind": kind, "count": sum(counts.values()), "by_scope": [counts[value] for value in Scope.values]}
            for kind, counts in sorted(by_kind.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))
        ],
        "by_month": [
            {"month": index + 1, "count": sum(month.values()), "by_scope": [month[value] for value in Scope.values]}
            for index, month in enumerate(by_month)
        ],
    }


def ontime_figures(subject: Subject) -> dict[str, Any]:
    """The 按时率 of the deadlines pages (deadlines.selectors: (按时 + 零上报) ÷ 已到期), over every scope,
    as of the day the figures are computed; per unit, lowest first."""
    rows = compliance_rows(roots=[subject.page], year=subject.year, today=subject.today)
    total = Rollup("合计")
    per_unit: dict[str, Rollup] = {}
    for row in rows:
        total.add(row.state)
        per_unit.setdefault(row.unit_path, Rollup(subject.unit_name(row.unit_path))).add(row.state)
    units = [
        {"name": rollup.label, "due": rollup.due, "met": rollup.met, "rate": rollup.rate}
        for rollup in per_unit.values()
        if rollup.due
    ]
    units.sort(key=lambda unit: (unit["rate"], unit["name"]))
    return {
        "due": total.due,
        "met": total.met,
        "rate": total.rate,
        "counts": [
            {"state": state, "label": label, "count": total.counts[state]} for state, label in ComplianceState.choices
        ],
        "zero_reports": total.counts[ComplianceState.ZERO_REPORT],
        "units": units,
        "as_of": subject.today.isoformat(),
    }


def requests_figures(subject: Subject) -> dict[str, Any]:
    """依申请公开: applications received in the year and where each stands (outcome of those answered)."""
    from participation.choices import Outcome, RequestStatus
    from participation.models import DisclosureRequest
    from participation.selectors import request_deadlines

    start, end = _year_range(subject.year)
    requests = list(
        DisclosureRequest.objects.filter(
            unit__path__startswith=subject.path, submitted_at__gte=start, submitted_at__lt=end
        ).prefetch_related("events")
    )
    outcomes: Counter[str] = Counter()
    refused = pending = overdue = in_time = late = 0
    for request in requests:
        deadlines = request_deadlines(request, today=subject.today)
        if request.status in (RequestStatus.ANSWERED, RequestStatus.FILED):
            outcomes[request.outcome or Outcome.DISCLOSED] += 1
            if deadlines.answer_met is True:
                in_time += 1
            elif deadlines.answer_met is False:
                late += 1
        elif request.status == RequestStatus.REFUSED:
            refused += 1
        else:
            pending += 1
            overdue += deadlines.state == "overdue"
    answered = sum(outcomes.values())
    return {
        "received": len(requests),
        "answered": answered,
        "answered_in_time": in_time,
        "answered_late": late,
        "refused": refused,
        "pending": pending,
        "overdue": overdue,
        "by_outcome": [
            {"outcome": value, "label": label, "count": outcomes[value]} for value, label in Outcome.choices
        ],
    }


def feedback_figures(subject: Subject) -> dict[str, Any]:
    """意见建议 and 点题 received in the year: answered, and (点题) not answered by their due date."""
    from participation.choices import FeedbackKind
    from participation.models import Feedback

    start, end = _year_range(subject.year)
    rows = Feedback.objects.filter(unit__path__startswith=subject.path, submitted_at__gte=start, submitted_at__lt=end)
    opinions = [row for row in rows if row.kind == FeedbackKind.OPINION]
    topics = [row for row in rows if row.kind == FeedbackKind.TOPIC]
    return {
        "opinions": len(opinions),
        "opinions_replied": sum(row.replied_at is not None for row in opinions),
        "topics": len(topics),
        "topics_answered": sum(row.replied_at is not None for row in topics),
        "topics_overdue": sum(row.is_overdue(subject.today) for row in topics),
        "published": sum(row.is_published for row in rows),
    }


MIN_UNITS_FOR_PUBLIC_RATINGS = 2


def evaluation_figures(subject: Subject) -> dict[str, Any]:
    """党员评议 of the year that have ended (results are released after the end): per period, the
    ratings of the subject's units added up. Counts only: the members' comments stay with the unit."""
    from .models import EvaluationPeriod
    from .selectors import evaluation_results

    periods = [
        period
        for period in EvaluationPeriod.objects.filter(starts_on__year=subject.year).select_related("target")
        if (period.target.path.startswith(subject.path) or subject.path.startswith(period.target.path))
        and period.state(subject.today) == PeriodState.ENDED
    ]
    out = []
    for period in periods:
        counts: Counter[str] = Counter()
        units = [unit for unit in period.units() if unit.path.startswith(subject.path)]
        for unit in units:
            for row in evaluation_results(unit, period).counts:
                counts[row.choice] += row.count
        total = sum(counts.values())
        out.append(
            {
                "title": period.title,
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
                "units": len(units),
                "total": total,
                # One unit's results are for its members and superiors (permissions.can_read_evaluation_results):
                # the public report gives them only added up over several units.
                "counts": [
                    {
                        "label": label,
                        "count": counts[value],
                        "percent": round(100 * counts[value] / total, 1) if total else 0.0,
                    }
                    for value, label in Satisfaction.choices
                ]
                if len(units) >= MIN_UNITS_FOR_PUBLIC_RATINGS
                else [],
            }
        )
    return {"periods": out}


def calls_figures(subject: Subject) -> dict[str, Any]:
    """人工坐席: the calls of the year that concern the subject (callcentre.selectors.call_figures)."""
    from callcentre.selectors import call_figures

    calls = call_figures(subject.year, region=subject.page)
    return {
        "total": calls.total,
        "by_outcome": [
            {"outcome": value, "label": calls.labels[value], "count": count} for value, count in calls.by_outcome.items()
        ],
    }


# --- the sections' charts ----------------------------------------------------------------------------


def items_charts(data: dict[str, Any]) -> list[str]:
    months = data["by_month"]
    return [
        charts.bar_chart(
            key="trend",
            title="公开事项按月趋势",
            desc="本年度每月首次公开的事项数（各公开范围合计，不含零上报）："
            + "；".join(f"{m['month']}月{m['count']}项" for m in months),
            labels=MONTHS,
            values=[m["count"] for m in months],
            x_label="月份",
            y_label="事项数（项）",
            empty_text="本年度尚无公开事项",
        )
    ]


def ontime_charts(data: dict[str, Any]) -> list[str]:
    units = data["units"]
    return [
        charts.hbar_chart(
            key="ontime",
            title="各单位按时率",
            desc="各单位已到期期数中按时公开和零上报所占比例，由低到高："
            + "；".join(f"{u['name']}{charts.percent(u['rate'])}（{u['met']}/{u['due']}期）" for u in units),
            labels=[u["name"] for u in units],
            values=[100 * u["rate"] for u in units],
            texts=[f"{charts.percent(u['rate'])}（{u['met']}/{u['due']}）" for u in units],
            max_value=100,
            x_label="按时率（%）",
            empty_text="本年度尚无到期的公开期次",
        )
    ]


def requests_charts(data: dict[str, Any]) -> list[str]:
    rows = [(row["label"], row["count"]) for row in data["by_outcome"]]
    rows += [("不予受理", data["refused"]), ("办理中", data["pending"])]
    return [
        charts.count_bars(
            key="requests",
            title="依申请公开办理结果",
            lead=f"本年度收到申请{data['received']}件",
            rows=rows,
            unit="件",
            x_label="申请数（件）",
            empty_text="本年度未收到依申请公开申请",
            empty=not data["received"],
        )
    ]


def no_charts(data: dict[str, Any]) -> list[str]:
    return []


# --- the report: its sections and the figures -------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    compute: Callable[[Subject], dict[str, Any]]
    charts: Callable[[dict[str, Any]], list[str]] = no_charts

    @property
    def template(self) -> str:
        return f"supervision/annualreport/sections/{self.key}.html"


# The report's sections, in order (监督检查 and 量化考核 come from supervision.annualreport_sections).
SECTIONS: list[Section] = [
    Section("items", "主动公开情况", items_figures, items_charts),
    Section("ontime", "按时公开和零上报情况", ontime_figures, ontime_charts),
    Section("requests", "依申请公开办理情况", requests_figures, requests_charts),
    Section("feedback", "意见建议和点题办理情况", feedback_figures),
    Section("evaluation", "党员评议情况", evaluation_figures),
    Section("calls", "人工坐席服务情况", calls_figures),
]

from .annualreport_sections import (  # noqa: E402  (监督检查 and 量化考核, after the sections they follow)
    assessment_charts,
    assessment_figures,
    inspections_charts,
    inspections_figures,
)

SECTIONS += [
    Section("inspections", "监督检查和监督员情况", inspections_figures, inspections_charts),
    Section("assessment", "量化考核情况", assessment_figures, assessment_charts),
]


@dataclass
class Figures:
    year: int
    subject_id: int
    subject_title: str
    subject_kind: str  # "region" | "unit"
    computed_on: str  # ISO date: the day the figures were computed (the publication's day once frozen)
    unit_count: int
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: int = FIGURES_VERSION

    def section(self, key: str) -> dict[str, Any] | None:
        return self.sections.get(key)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def subject_title(page: Page) -> str:
    specific = page.specific
    if isinstance(specific, UnitPage):
        return specific.display_name
    return specific.title


def report_figures(page: Page, year: int, *, today: datetime.date | None = None) -> Figures:
    """Every section's figures for the region or unit `page` in `year`, as of `today`."""
    today = today or clock.today()
    units = list(UnitPage.objects.live().filter(path__startswith=page.path).order_by("path"))
    regions = dict(RegionPage.objects.filter(path__startswith=page.path).values_list("path", "title"))
    subject = Subject(page=page, year=year, today=today, units=units, region_titles=regions)
    return Figures(
        year=year,
        subject_id=page.pk,
        subject_title=subject_title(page),
        subject_kind="unit" if isinstance(page.specific, UnitPage) else "region",
        computed_on=today.isoformat(),
        unit_count=len(units),
        sections={section.key: section.compute(subject) for section in SECTIONS},
    )


CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ShownSection:
    number: str
    section: Section
    data: dict[str, Any]
    charts: list[str]
    note: str


def shown_sections(figures: Figures, notes: dict[str, str] | None = None) -> list[ShownSection]:
    """The sections as a page or the PDF shows them: numbered, with their figures, charts and note.
    A section the figures lack (a report frozen before the section existed) is left out."""
    notes = notes or {}
    shown = []
    for section in SECTIONS:
        data = figures.section(section.key)
        if data is None:
            continue
        number = CHINESE_NUMERALS[len(shown) + 1]  # 一 is the 概述
        shown.append(ShownSection(number, section, data, section.charts(data), notes.get(section.key, "")))
    return shown


# --- the report as a document: draft, edit, publish -------------------------------------------------


class ReportError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def may_draft(user, page: Page) -> bool:
    """The superior drafts and publishes: a supervisor whose reach covers the region or unit (or a superuser)."""
    from disclosure_pages.permissions import can_open_evaluation

    return can_open_evaluation(user, page)


def report_draft(*, actor, subject: Page, year: int):
    """A new draft for `subject` and `year`; one report per subject and year."""
    from .models import AnnualReport

    specific = subject.specific
    if not isinstance(specific, (RegionPage, UnitPage)):
        raise ReportError("报告对象必须是行政区域或公开单位。")
    if not may_draft(actor, subject):
        raise ReportError("您只能为监督范围内的区域或单位起草年度报告。", 403)
    if AnnualReport.objects.filter(subject=subject, year=year).exists():
        raise ReportError(f"{specific.title}{year}年度的报告已经存在，请在列表中打开它。", 409)
    return AnnualReport.objects.create(subject=subject, year=year, created_by=actor)


def report_update(*, report, actor, overview: str, notes: dict[str, str]) -> None:
    from disclosure_pages.permissions import can_change

    if not can_change(actor, report):
        raise ReportError("您不能修改这份报告。", 403)
    if report.is_published:
        raise ReportError("报告已发布，数据和文字已固定，不能再修改。", 409)
    report.overview = overview
    report.notes = {key: text for key, text in notes.items() if text}
    report.save(update_fields=["overview", "notes", "updated_at"])


def report_publish(*, report, actor, today: datetime.date | None = None) -> None:
    """Freeze the figures as of now into the report and make it public."""
    from disclosure_pages.permissions import can_change

    from .models import ReportState

    if not can_change(actor, report):
        raise ReportError("您不能发布这份报告。", 403)
    if report.is_published:
        raise ReportError("报告已经发布。", 409)
    report.figures = report_figures(report.subject, report.year, today=today).to_json()
    report.state = ReportState.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor
    report.save(update_fields=["figures", "state", "published_at", "published_by", "updated_at"])


def figures_of(report) -> Figures:
    """A published report's frozen figures; a draft's as computed now."""
    if report.is_published and report.figures:
        return Figures.from_json(report.figures)
    return report_figures(report.subject, report.year)


# --- demo --------------------------------------------------------------------------------------------

DEMO_OVERVIEW = (
    "{year}年，{name}各级党组织按照党务公开目录和时限要求，通过党务公开平台主动公开党务信息，"
    "对当期无应公开事项的目录按月零上报；办理党员群众的依申请公开申请、意见建议和点题，"
    "组织党员对本单位党务公开工作进行评议。现将本年度党务公开工作情况报告如下。"
)


def install_demo(*, year: int = 2026) -> None:
    """A published {year} report for 武江区 and a draft for 韶关市 (safe to run again: an existing report
    is left as it is, a published one keeps its frozen figures)."""
    from django.contrib.auth import get_user_model

    from .models import AnnualReport

    city = RegionPage.objects.filter(title="韶关市").order_by("depth").first()
    if city is None:
        return
    district = RegionPage.objects.child_of(city).filter(title="武江区").first()
    users = get_user_model().objects
    for page, username, publish in ((district, "wj_supervisor", True), (city, "sg_supervisor", False)):
        if page is None:
            continue
        actor = users.filter(username=username).first()
        report, created = AnnualReport.objects.get_or_create(
            subject=page,
            year=year,
            defaults={"created_by": actor, "overview": DEMO_OVERVIEW.format(year=year, name=page.title)},
        )
        if created and publish:
            report.notes = {
                "ontime": "逾期和未公开的期次已逐一通报所在单位，限期补充公开。",
                "items": "各单位按公开目录录入公开事项；当期无应公开事项的，按月零上报。",
            }
            report.save(update_fields=["notes"])
            _freeze(report, actor)
        elif publish and report.is_published:
            _add_missing_sections(report)


def _add_missing_sections(report) -> None:
    """A demo report published before a section existed gets that section's figures, computed now (the
    sections it has keep their frozen figures): a demo loaded again shows every section."""
    figures = Figures.from_json(report.figures)
    missing = [section for section in SECTIONS if section.key not in figures.sections]
    if not missing:
        return
    page = report.subject
    subject = Subject(
        page=page,
        year=report.year,
        today=clock.today(),
        units=list(UnitPage.objects.live().filter(path__startswith=page.path).order_by("path")),
        region_titles=dict(RegionPage.objects.filter(path__startswith=page.path).values_list("path", "title")),
    )
    for section in missing:
        figures.sections[section.key] = section.compute(subject)
    report.figures = figures.to_json()
    report.save(update_fields=["figures", "updated_at"])


def _freeze(report, actor) -> None:
    """Publish without the permission check (the demo's loader is not a user)."""
    from .models import ReportState

    report.figures = report_figures(report.subject, report.year).to_json()
    report.state = ReportState.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor
    report.save(update_fields=["figures", "state", "published_at", "published_by", "updated_at"])
