"""Reads of 监督检查: whose inspections a user sees, overdue 整改, the generated 通报 draft, published
通报 for the public site, and `findings_closed` for the assessment (量化考核)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from disclosure_pages.models import RegionPage, UnitPage
from disclosure_pages.permissions import HANDLERS, STAFF_ROLES, roles_for, unit_scope_q

from .inspection_choices import PROBLEM_GRADES, BulletinState, ChecklistItem, Grade, RectificationState
from .measures import Evidence, Measure
from .models_inspections import Bulletin, Inspection, Rectification


def inspections_for_supervisor(user) -> QuerySet[Inspection]:
    """Inspections whose target lies in one of the user's reaches (all of them for a superuser)."""
    qs = Inspection.objects.select_related("target", "region")
    if not (user and user.is_active and user.is_authenticated):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for root in roles_for(user).reaches:
        q |= Q(target__path__startswith=root)
    return qs.filter(q)


def staff_unit_paths(user) -> list[str]:
    return sorted({path for path, role in roles_for(user).units if role in STAFF_ROLES})


def rectifications_for_staff(user) -> QuerySet[Rectification]:
    """The 整改 of the units where the user is staff: theirs to answer."""
    return Rectification.objects.filter(unit__path__in=staff_unit_paths(user)).select_related("inspection", "unit")


def rectifications_handled_by(user) -> QuerySet[Rectification]:
    """整改 a user handles: a supervisor's across the reach, a unit's staff's in their own unit."""
    q = unit_scope_q(user, "unit", HANDLERS)
    qs = Rectification.objects.select_related("inspection", "unit")
    return qs if q is None else qs.filter(q)


def overdue_rectifications(user, *, today: datetime.date) -> QuerySet[Rectification]:
    return (
        rectifications_handled_by(user)
        .exclude(state=RectificationState.CLOSED)
        .filter(due_on__lt=today)
        .order_by("due_on", "pk")
    )


def unit_progress(inspection: Inspection) -> list[dict]:
    """Per unit of the inspection: findings recorded (of six), 整改 open / total."""
    units = list(inspection.units.order_by("path"))
    recorded: dict[int, int] = {}
    for unit_id in inspection.findings.values_list("unit_id", flat=True):
        recorded[unit_id] = recorded.get(unit_id, 0) + 1
    rects: dict[int, list[Rectification]] = {}
    for r in inspection.rectifications.order_by("due_on", "pk"):
        rects.setdefault(r.unit_id, []).append(r)
    return [
        {
            "unit": unit,
            "recorded": recorded.get(unit.pk, 0),
            "complete": recorded.get(unit.pk, 0) >= len(ChecklistItem.values),
            "rectifications": rects.get(unit.pk, []),
            "open": sum(1 for r in rects.get(unit.pk, []) if not r.is_closed),
        }
        for unit in units
    ]


def bulletin_draft(inspection: Inspection) -> tuple[str, str]:
    """A first draft of the 通报 from the findings, for the superior to edit: the units inspected, what was
    good, the problems by checklist item, the 整改 required."""
    units = list(inspection.units.order_by("path"))
    names = "、".join(unit.title for unit in units)
    findings = list(inspection.findings.select_related("unit").order_by("unit__path", "item"))
    title = f"关于{inspection.region.title}{inspection.period_label}党务公开工作监督检查情况的通报"
    lines = [
        f"{inspection.region.title}各基层党组织：",
        "",
        f"按照党务公开工作监督检查制度，{inspection.period_label}对{len(units)}个单位的党务公开工作进行了监督检查，"
        "重点检查公开的内容是否全面、程序是否规范、形式是否恰当、制度是否健全、执行是否到位、效果是否明显。现将检查情况通报如下。",
        "",
        "一、检查范围",
        f"本次共检查{len(units)}个单位：{names}。",
        "",
        "二、总体情况",
    ]
    for item, label in ChecklistItem.choices:
        row = [f for f in findings if f.item == item]
        counts = "，".join(f"{g.label}{sum(1 for f in row if f.grade == g.value)}个" for g in Grade if any(f.grade == g.value for f in row))
        lines.append(f"{label}：{counts or '未记录'}。")
    good = [f for f in findings if f.grade == Grade.GOOD]
    if good:
        lines += ["", "做得较好的方面："]
        for f in good:
            lines.append(f"{f.unit.title}（{f.get_item_display()}）" + (f"：{f.text}" if f.text else "。"))
    lines += ["", "三、存在的问题"]
    problems = [f for f in findings if f.grade in PROBLEM_GRADES]
    if problems:
        n = 0
        for item, label in ChecklistItem.choices:
            row = [f for f in problems if f.item == item]
            if row:
                n += 1
                lines.append(f"（{_cn(n)}）{label}")
                for f in row:
                    lines.append(f"{f.unit.title}（{f.get_grade_display()}）" + (f"：{f.text}" if f.text else "。"))
    else:
        lines.append("本次检查未发现突出问题。")
    lines += ["", "四、整改要求"]
    rects = list(inspection.rectifications.select_related("unit").order_by("unit__path", "due_on", "pk"))
    for i, r in enumerate(rects, start=1):
        lines.append(f"{i}. {r.unit.title}：{r.problem}（整改期限：{r.due_on:%Y年%m月%d日}）")
    lines.append("请被检查单位对照检查发现的问题认真整改，在整改期限前报告整改情况，并将整改情况进行公开。")
    return title, "\n".join(lines)


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def published_bulletins(region: RegionPage | None = None) -> QuerySet[Bulletin]:
    qs = Bulletin.objects.filter(state=BulletinState.PUBLISHED).select_related("inspection", "inspection__region")
    if region is not None:
        qs = qs.filter(inspection__region=region)
    return qs.order_by("-published_at", "-pk")


FINDINGS_NOTE = "整改期限在本年度内的整改事项，在期限当日或之前经上级确认整改完成的计为按期整改。"


def findings_closed(unit: UnitPage, year: int) -> Measure:
    """量化考核 “inspection findings closed”: one row per 整改 item of the unit due in `year`; met when it was
    confirmed closed on or before its due date (a day in Asia/Shanghai)."""
    return findings_closed_many([unit], year)[unit.pk]


def findings_closed_many(units: list[UnitPage], year: int) -> dict[int, Measure]:
    """findings_closed for every unit of a ranking, in one query."""
    rows: dict[int, list[Evidence]] = {unit.pk: [] for unit in units}
    rectifications = (
        Rectification.objects.filter(unit__in=list(rows), due_on__year=year)
        .select_related("inspection")
        .order_by("due_on", "pk")
    )
    for r in rectifications:
        closed_on = timezone.localtime(r.closed_at).date() if r.is_closed and r.closed_at else None
        met = closed_on is not None and closed_on <= r.due_on
        if closed_on is None:
            detail = f"期限 {r.due_on.isoformat()}，{r.get_state_display()}"
        else:
            detail = f"{closed_on.isoformat()} 确认整改完成，期限 {r.due_on.isoformat()}"
        rows[r.unit_id].append(
            Evidence(
                label=f"{r.inspection.title}：{r.problem[:40]}",
                detail=detail,
                met=met,
                url=reverse("supervision_inspections:inspect", args=[r.inspection_id]),
            )
        )
    return {pk: Measure.of(unit_rows, note=FINDINGS_NOTE) for pk, unit_rows in rows.items()}
