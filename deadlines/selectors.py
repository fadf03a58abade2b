"""Reads: who may watch which units, and the compliance rows computed from the database.

A compliance computation runs a fixed number of queries whatever the number of units
(holidays, regions, units, catalogue nodes, items); the judgement itself is
deadlines.compliance, in memory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from disclosure_pages.choices import Role, Schedule, Scope
from disclosure_pages.models import (
    CatalogNodePage,
    DisclosureItemPage,
    RegionPage,
    SupervisorReach,
    UnitPage,
)
from disclosure_pages.permissions import HANDLERS, roles_for, unit_roles_at

from . import clock
from .calendar import WorkCalendar
from .choices import DUE_STATES, MET_STATES, ComplianceState
from .compliance import ItemFact, Judgement, judge_node

STEPLEN = Page.steplen


# --- who may watch what -------------------------------------------------------------------


def reach_roots(user) -> list[Page] | None:
    """The subtrees a supervisor watches; None means everything (superuser), [] nothing."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    return [reach.root for reach in SupervisorReach.objects.filter(user=user).select_related("root")]


def can_watch(user) -> bool:
    """Whether `user` may open the compliance view (a supervisor or a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return False
    # roles_for reads the reaches once per request: the admin menu asks on every page.
    return user.is_superuser or bool(roles_for(user).reaches)


def can_see_node_schedule(user, node: CatalogNodePage) -> bool:
    """Editors, reviewers and leaders of the node's unit, supervisors above it, superusers (the object policy)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(unit_roles_at(user, node.path) & HANDLERS)


def can_file_zero_report(user, node: CatalogNodePage) -> bool:
    """The unit's editors (录入人) file zero reports, like any item; superusers may too."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Role.EDITOR in unit_roles_at(user, node.path)


def _prefix_q(paths: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def units_within(roots: list[Page] | None) -> list[UnitPage]:
    units = UnitPage.objects.live().order_by("path").only("pk", "path", "depth", "title")
    if roots is not None:
        units = units.filter(_prefix_q(root.path for root in roots))
    return list(units)


def regions_within(roots: list[Page] | None) -> list[RegionPage]:
    regions = RegionPage.objects.live().order_by("path").only("pk", "path", "depth", "title")
    if roots is not None:
        regions = regions.filter(_prefix_q(root.path for root in roots))
    return list(regions)


def page_names(pages: Iterable[Page]) -> dict[str, str]:
    """'韶关市/武江区/区委办' for each page path, from one query over the regions."""
    pages = list(pages)
    regions = dict(RegionPage.objects.values_list("path", "title"))
    names: dict[str, str] = {}
    for page in pages:
        parts, prefix = [page.title], page.path[:-STEPLEN]
        while prefix in regions:
            parts.append(regions[prefix])
            prefix = prefix[:-STEPLEN]
        names[page.path] = "/".join(reversed(parts))
    return names


def find_scope(path: str) -> Page | None:
    """A region or unit by its path of names from the top: '韶关市' or '韶关市/武江区/区委办'."""
    names = [part.strip() for part in path.strip().strip("/").split("/") if part.strip()]
    top_depth = RegionPage.objects.order_by("depth").values_list("depth", flat=True).first()
    if not names or top_depth is None:
        return None
    found: Page | None = RegionPage.objects.filter(depth=top_depth, title=names[0]).first()
    for name in names[1:]:
        if found is None:
            return None
        parent = found
        found = RegionPage.objects.child_of(parent).filter(title=name).first()
        if found is None:
            found = UnitPage.objects.child_of(parent).filter(title=name).first()
    return found


# --- compliance rows ----------------------------------------------------------------------


@dataclass
class ComplianceRow:
    unit_id: int
    unit_path: str
    unit_name: str  # '韶关市/武江区/区委办'
    node_id: int
    code: str
    node_title: str
    schedule: str
    scope: str
    judgement: Judgement

    @property
    def state(self) -> str:
        return self.judgement.state

    @property
    def schedule_label(self) -> str:
        return Schedule(self.schedule).label

    @property
    def due(self) -> datetime.date:
        return self.judgement.due.due

    @property
    def period_key(self) -> str:
        return self.judgement.period.key

    def as_report(self) -> dict:
        """The row as `manage.py compliance_report` prints it."""
        j = self.judgement
        return {
            "unit": self.unit_name,
            "code": self.code,
            "period": j.period.key,
            "due": j.due.due.isoformat(),
            "published": j.published.isoformat() if j.published else None,
            "state": j.state,
            "days_late": j.days_late,
        }


def _facts_by_node(items) -> dict[str, list[ItemFact]]:
    by_node: dict[str, list[ItemFact]] = defaultdict(list)
    rows = items.values_list(
        "pk", "path", "title", "period_type", "year", "half", "quarter", "month", "event_date", "is_zero_report",
        "first_published_at",
    )
    for pk, path, title, period_type, year, half, quarter, month, event_date, zero, first in rows:
        by_node[path[:-STEPLEN]].append(
            ItemFact(pk, title, period_type, year, half, quarter, month, event_date, zero, timezone.localdate(first))
        )
    return by_node


def compliance_rows(
    *,
    roots: list[Page] | None = None,
    units: list[UnitPage] | None = None,
    year: int,
    today: datetime.date | None = None,
    schedules: Iterable[str] | None = None,
    public_only: bool = False,
    calendar: WorkCalendar | None = None,
) -> list[ComplianceRow]:
    """Unit × catalogue node × period of `year`, judged as of `today`.

    `roots` limits to subtrees (None: everything); `units` to given units. With
    `public_only`, only public (社会) nodes and public items count: what the public may see.
    """
    today = today or clock.today()
    cal = calendar or WorkCalendar.from_db()
    if units is not None:
        prefixes: list[str] | None = [unit.path for unit in units]
    else:
        units = units_within(roots)
        prefixes = None if roots is None else [root.path for root in roots]
    if not units:
        return []
    names = page_names(units)
    by_unit_path = {unit.path: unit for unit in units}
    nodes = CatalogNodePage.objects.live().filter(level=3)
    items = DisclosureItemPage.objects.live().filter(first_published_at__isnull=False)
    if prefixes is not None:
        nodes, items = nodes.filter(_prefix_q(prefixes)), items.filter(_prefix_q(prefixes))
    if schedules:
        nodes = nodes.filter(schedule__in=list(schedules))
    if public_only:
        nodes, items = nodes.filter(scope=Scope.PUBLIC), items.filter(scope=Scope.PUBLIC)
    facts = _facts_by_node(items.filter(Q(year=year) | Q(event_date__year=year)))
    rows: list[ComplianceRow] = []
    node_values = nodes.order_by("path").values_list("pk", "path", "code", "title", "schedule", "scope")
    for pk, path, code, title, schedule, scope in node_values:
        unit = by_unit_path.get(path[: -3 * STEPLEN])
        if unit is None:
            continue
        for judgement in judge_node(schedule=schedule, year=year, items=facts.get(path, []), today=today, cal=cal):
            rows.append(
                ComplianceRow(unit.pk, unit.path, names[unit.path], pk, code, title, schedule, scope, judgement)
            )
    return rows


def node_judgements(node: CatalogNodePage, *, year: int, today: datetime.date | None = None) -> list[Judgement]:
    """One node's periods of `year` (the 时限说明 page)."""
    unit = UnitPage.objects.ancestor_of(node).first()
    rows = compliance_rows(units=[unit], year=year, today=today)
    return [row.judgement for row in rows if row.node_id == node.pk]


# --- roll-ups -----------------------------------------------------------------------------


@dataclass
class Rollup:
    label: str
    depth: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ComplianceState.values, 0))

    def add(self, state: str) -> None:
        self.counts[state] += 1

    @property
    def due(self) -> int:
        return sum(self.counts[state] for state in DUE_STATES)

    @property
    def met(self) -> int:
        return sum(self.counts[state] for state in MET_STATES)

    @property
    def rate(self) -> float | None:
        """On-time rate: (按时 + 零上报) / periods already due."""
        return self.met / self.due if self.due else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1%}"


def region_rollups(rows: list[ComplianceRow], regions: list[RegionPage]) -> tuple[list[Rollup], Rollup]:
    """Counts per state and the on-time rate for each region (its whole subtree), and the total."""
    names = page_names(regions)
    base_depth = min((region.depth for region in regions), default=0)
    rollups = {region.path: Rollup(names[region.path], region.depth - base_depth) for region in regions}
    total = Rollup("合计")
    for row in rows:
        total.add(row.state)
        for path, rollup in rollups.items():
            if row.unit_path.startswith(path):
                rollup.add(row.state)
    return list(rollups.values()), total


@dataclass
class UnitReport:
    """One unit's rows for the printable report: its roll-up and its nodes with their periods."""

    rollup: Rollup
    nodes: list[tuple[ComplianceRow, list[Judgement]]]


def unit_reports(rows: list[ComplianceRow]) -> list[UnitReport]:
    reports: dict[str, UnitReport] = {}
    for row in rows:
        report = reports.setdefault(row.unit_path, UnitReport(Rollup(row.unit_name), []))
        report.rollup.add(row.state)
        if not report.nodes or report.nodes[-1][0].node_id != row.node_id:
            report.nodes.append((row, []))
        report.nodes[-1][1].append(row.judgement)
    return [reports[path] for path in sorted(reports)]


# --- the public table on a unit's page ----------------------------------------------------


@dataclass
class PublicStatus:
    node: CatalogNodePage
    row: ComplianceRow | None  # None: no period of this node has fallen due yet


def unit_public_status(unit: UnitPage, *, today: datetime.date | None = None) -> list[PublicStatus]:
    """For each public catalogue node of `unit`, its latest period already due, judged on public items only.

    Internal (党内/委员) nodes and items never take part: the public sees what the public may see.
    """
    today = today or clock.today()
    cal = WorkCalendar.from_db()
    latest: dict[int, ComplianceRow] = {}
    for year in (today.year - 1, today.year):
        for row in compliance_rows(units=[unit], year=year, today=today, public_only=True, calendar=cal):
            if row.due > today or row.state == ComplianceState.NOT_DUE:
                continue
            current = latest.get(row.node_id)
            if current is None or row.due >= current.due:
                latest[row.node_id] = row
    nodes = CatalogNodePage.objects.live().descendant_of(unit).filter(level=3, scope=Scope.PUBLIC).order_by("path")
    return [PublicStatus(node, latest.get(node.pk)) for node in nodes]
