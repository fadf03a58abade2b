"""年度报告 sections of 监督检查 (with 监督员 and 直通车) and 量化考核: their figures and charts.

Each compute function takes the report's `Subject` (supervision.annual_report) and returns JSON-native
figures, frozen with the rest at publishing. Counts only for what is internal (findings, 整改, opinions);
the 通报 titles are listed because the 通报 themselves are public pages.

量化考核 in a public report: the whole ranking (rank, unit, total score) and the criteria with their weights
are shown, not the evidence behind a score. 《中共惠农区委党务公开若干制度（试行）》第五十一条 has the half-yearly
inspections “在全区通报”, and 第五十四条 makes the 考核 the inspections and the year's assessment together;
南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》六.5 makes the 考核 the ground of 评先评优 and has
the 评议结果 “及时公布”. The totals are made of counts the report already publishes per unit (按时率 by unit,
for one), so the ranking discloses nothing the public could not work out; the evidence rows (titles of
requests, opinions, 整改) stay in the admin where their scope allows.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from . import charts

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, SHANGHAI).date()


def _number(value: Decimal) -> str:
    """87.50 -> '87.50'; a weight 25.00 -> '25'."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


# --- 监督检查, 监督员 and 直通车 ----------------------------------------------------------------------


def inspections_figures(subject) -> dict[str, Any]:
    """Inspections of the year that inspected any of the subject's units; their findings and 整改 in those
    units; their published 通报. Then the 监督员 serving in the year and the 直通车 opinions filed in it."""
    from .inspection_choices import ChecklistItem, Grade, Half
    from .inspection_selectors import published_bulletins
    from .models_inspections import Finding, Inspection, Rectification

    inspections = list(
        Inspection.objects.filter(year=subject.year, units__path__startswith=subject.path).distinct().order_by("half", "pk")
    )
    ids = [inspection.pk for inspection in inspections]
    halves = Counter(inspection.half for inspection in inspections)
    pairs = set(
        Inspection.units.through.objects.filter(
            inspection_id__in=ids, unitpage__path__startswith=subject.path
        ).values_list("inspection_id", "unitpage_id")
    )
    findings = Counter(
        Finding.objects.filter(inspection_id__in=ids, unit__path__startswith=subject.path).values_list("item", "grade")
    )
    raised = closed_on_time = closed_late = still_open = overdue = 0
    for r in Rectification.objects.filter(inspection_id__in=ids, unit__path__startswith=subject.path):
        raised += 1
        if r.is_closed:
            if _local_day(r.closed_at) <= r.due_on:
                closed_on_time += 1
            else:
                closed_late += 1
        else:
            still_open += 1
            overdue += r.due_on < subject.today
    bulletins = [
        {
            "title": bulletin.title,
            "published_on": _local_day(bulletin.published_at).isoformat() if bulletin.published_at else "",
            "url": reverse("supervision:bulletin", args=[bulletin.pk]),
        }
        for bulletin in published_bulletins().filter(inspection_id__in=ids).order_by("published_at", "pk")
    ]
    return {
        "held": len(inspections),
        "by_half": [{"half": value, "label": label, "count": halves[value]} for value, label in Half.choices],
        "units_inspected": len({unit_id for _, unit_id in pairs}),
        "unit_visits": len(pairs),
        "grades": [{"grade": value, "label": label} for value, label in Grade.choices],
        "findings": [
            {
                "item": item,
                "label": label,
                "counts": [findings[(item, grade)] for grade in Grade.values],
                "total": sum(findings[(item, grade)] for grade in Grade.values),
            }
            for item, label in ChecklistItem.choices
        ],
        "findings_total": sum(findings.values()),
        "rectifications": {
            "raised": raised,
            "closed_on_time": closed_on_time,
            "closed_late": closed_late,
            "open": still_open,
            "overdue": overdue,
        },
        "bulletins": bulletins,
        "monitors": monitors_figures(subject),
    }


def monitors_figures(subject) -> dict[str, Any]:
    """党务公开监督员 whose term overlaps the year (up to the day of the figures), and the 直通车 opinions filed
    with the subject's units in the year: answered by the due date, late, unanswered past it, still in time."""
    from .models_hotline import DisclosureMonitor, MonitorOpinion

    first, last = datetime.date(subject.year, 1, 1), min(datetime.date(subject.year, 12, 31), subject.today)
    serving = DisclosureMonitor.objects.filter(
        unit__path__startswith=subject.path, term_starts__lte=last, term_ends__gte=first
    ).count()
    start = datetime.datetime(subject.year, 1, 1, tzinfo=SHANGHAI)
    opinions = MonitorOpinion.objects.filter(
        unit__path__startswith=subject.path, filed_at__gte=start, filed_at__lt=start.replace(year=subject.year + 1)
    )
    received = on_time = late = overdue = pending = 0
    for opinion in opinions:
        received += 1
        if opinion.answered_at is not None:
            if _local_day(opinion.answered_at) <= opinion.due_date:
                on_time += 1
            else:
                late += 1
        elif opinion.is_overdue(subject.today):
            overdue += 1
        else:
            pending += 1
    return {
        "serving": serving,
        "received": received,
        "answered_on_time": on_time,
        "answered_late": late,
        "overdue": overdue,
        "pending": pending,
    }


def inspections_charts(data: dict[str, Any]) -> list[str]:
    r = data["rectifications"]
    rows = [
        ("按期整改", r["closed_on_time"]),
        ("逾期整改", r["closed_late"]),
        ("整改中（未逾期）", r["open"] - r["overdue"]),
        ("逾期未整改", r["overdue"]),
    ]
    return [
        charts.count_bars(
            key="rectifications",
            title="整改事项办理情况",
            lead=f"本年度监督检查提出整改事项{r['raised']}项",
            rows=rows,
            unit="项",
            x_label="整改事项（项）",
            empty_text="本年度监督检查未提出整改事项",
            empty=not r["raised"],
        )
    ]


# --- 量化考核 ---------------------------------------------------------------------------------------------


def subject_scheme(subject):
    """The scheme of the subject's year over the subject itself (a region), or, for a unit, over the nearest
    region containing it."""
    from disclosure_pages.models import UnitPage

    from .models_assessment import AssessmentScheme

    schemes = AssessmentScheme.objects.filter(year=subject.year).select_related("region")
    if not isinstance(subject.page.specific, UnitPage):
        return schemes.filter(region=subject.page).first()
    ancestors = [subject.path[:n] for n in range(UnitPage.steplen, len(subject.path), UnitPage.steplen)]
    return schemes.filter(region__path__in=ancestors).order_by("-region__depth").first()


def assessment_figures(subject) -> dict[str, Any]:
    """The ranking of the scheme (rank, unit, total) and its criteria with weights; for a unit report, that
    unit's rank and per-criterion points too. `scheme` is None when there is no scheme for the subject."""
    from .assessment import scheme_lines, scheme_results

    scheme = subject_scheme(subject)
    if scheme is None:
        return {"scheme": None}
    lines = scheme_lines(scheme)
    results = scheme_results(scheme)

    def name(result) -> str:
        return subject.unit_name(result.unit.path) or result.unit.title

    data: dict[str, Any] = {
        "scheme": {"title": scheme.title, "region": scheme.region.title, "empty_policy": scheme.get_empty_policy_display()},
        "criteria": [{"key": line.key, "label": line.label, "weight": _number(line.weight)} for line in lines],
        "ranking": [
            {"rank": result.rank, "unit": name(result), "total": None if result.total is None else f"{result.total}"}
            for result in results
        ],
        "unit": None,
    }
    own = next((result for result in results if result.unit.pk == subject.page.pk), None)
    if own is not None:
        data["unit"] = {
            "name": name(own),
            "rank": own.rank,
            "of": len(results),
            "total": None if own.total is None else f"{own.total}",
            "scores": [
                {
                    "label": score.label,
                    "weight": _number(score.weight),
                    "met": score.measure.met,
                    "counted_items": score.measure.total,
                    "points": None if score.points is None else f"{score.points}",
                }
                for score in own.scores
            ],
        }
    return data


def assessment_charts(data: dict[str, Any]) -> list[str]:
    if not data.get("scheme") or data.get("unit"):
        return []
    rows = [row for row in data["ranking"] if row["total"] is not None]
    return [
        charts.hbar_chart(
            key="assessment",
            title="量化考核得分",
            desc="各单位量化考核总分，由高到低：" + "；".join(f"第{row['rank']}名{row['unit']}{row['total']}分" for row in rows),
            labels=[row["unit"] for row in rows],
            values=[float(row["total"]) for row in rows],
            texts=[f"{row['total']}分" for row in rows],
            max_value=100,
            x_label="总分（分）",
            empty_text="尚无可计分的单位",
            empty=not rows,
        )
    ]
