"""Reads of 监督员 and 直通车, each scoped by the one policy (disclosure_pages.permissions)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from disclosure_pages.permissions import STAFF_ROLES, unit_scope_q

from .measures import Evidence, Measure
from .models_hotline import DisclosureMonitor, MonitorOpinion

DUE_SOON_DAYS = 3  # calendar days before the due date that the unit's staff see an opinion as 即将到期


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def monitors_for_supervisor(user) -> QuerySet[DisclosureMonitor]:
    """The appointments a supervisor manages: units in reach (all of them for a superuser)."""
    monitors = DisclosureMonitor.objects.select_related("unit", "user", "appointed_by")
    q = unit_scope_q(user, "unit", roles=frozenset({"supervisor"}))
    return monitors if q is None else monitors.filter(q)


def current_monitors(unit, *, today: datetime.date | None = None) -> QuerySet[DisclosureMonitor]:
    """The unit's 监督员 serving today: what the public list shows."""
    today = today or timezone.localdate()
    return DisclosureMonitor.objects.filter(unit=unit, term_starts__lte=today, term_ends__gte=today).order_by(
        "identity", "name", "pk"
    )


def appointments_of(user, *, today: datetime.date | None = None) -> QuerySet[DisclosureMonitor]:
    """The user's own appointments serving today (those through which they may file opinions)."""
    if not _active(user):
        return DisclosureMonitor.objects.none()
    today = today or timezone.localdate()
    return DisclosureMonitor.objects.filter(
        user=user, term_starts__lte=today, term_ends__gte=today, unit__live=True
    ).select_related("unit")


def opinions_of(user) -> QuerySet[MonitorOpinion]:
    """What a 监督员 filed, through any of their appointments, past ones included."""
    if not _active(user):
        return MonitorOpinion.objects.none()
    return MonitorOpinion.objects.filter(monitor__user=user).select_related("unit", "monitor")


def opinions_for_handler(user) -> QuerySet[MonitorOpinion]:
    """Opinions the user sees in the admin: their unit's (staff) and those in reach (supervisors)."""
    opinions = MonitorOpinion.objects.select_related("unit", "monitor", "answered_by")
    q = unit_scope_q(user, "unit")
    return opinions if q is None else opinions.filter(q)


def handles_opinions(user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or unit_scope_q(user, "unit") != Q(pk__in=[])


def open_opinions_for_staff(user, *, today: datetime.date) -> QuerySet[MonitorOpinion]:
    """The unit's staff: unanswered opinions due within DUE_SOON_DAYS or overdue."""
    q = unit_scope_q(user, "unit", roles=frozenset(STAFF_ROLES))
    if q is None or q == Q(pk__in=[]):
        return MonitorOpinion.objects.none()
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return (
        MonitorOpinion.objects.filter(q, answered_at__isnull=True, due_date__lte=horizon)
        .select_related("unit", "monitor")
        .order_by("due_date", "pk")
    )


def overdue_opinions_in_reach(user, *, today: datetime.date) -> QuerySet[MonitorOpinion]:
    """The superior: unanswered opinions past their due date in the units in reach."""
    q = unit_scope_q(user, "unit", roles=frozenset({"supervisor"}))
    if q is None or q == Q(pk__in=[]):
        return MonitorOpinion.objects.none()
    return (
        MonitorOpinion.objects.filter(q, answered_at__isnull=True, due_date__lt=today)
        .select_related("unit", "monitor")
        .order_by("due_date", "pk")
    )


OPINIONS_NOTE = "当年提出的监督意见，在答复期限内（按工作日计算）答复的计为按时答复。"


def opinions_answered(unit, year: int) -> Measure:
    """量化考核 “监督意见答复”: one row per opinion filed with the unit in `year` (Beijing time), met when
    answered on or before its due date. An opinion still open counts as not met, whether or not its due
    date has passed: the assessment is read after the year."""
    return opinions_answered_many([unit], year)[unit.pk]


def opinions_answered_many(units, year: int) -> dict[int, Measure]:
    """opinions_answered for every unit of a ranking, in one query."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    rows: dict[int, list[Evidence]] = {unit.pk: [] for unit in units}
    opinions = (
        MonitorOpinion.objects.filter(unit__in=list(rows), filed_at__gte=start, filed_at__lt=end)
        .select_related("monitor")
        .order_by("filed_at", "pk")
    )
    for opinion in opinions:
        filed = timezone.localdate(opinion.filed_at)
        if opinion.answered_at is None:
            met, outcome = False, "未答复"
        else:
            answered = timezone.localdate(opinion.answered_at)
            met = answered <= opinion.due_date
            outcome = f"{answered:%Y-%m-%d} 答复" + ("" if met else f"，逾期 {(answered - opinion.due_date).days} 天")
        rows[opinion.unit_id].append(
            Evidence(
                label=f"{opinion.number} 监督意见（{opinion.monitor.name}）",
                detail=f"{filed:%Y-%m-%d} 提出，期限 {opinion.due_date:%Y-%m-%d}，{outcome}",
                met=met,
                url=reverse("supervision_opinions:inspect", args=[opinion.pk]),
            )
        )
    return {pk: Measure.of(unit_rows, note=OPINIONS_NOTE) for pk, unit_rows in rows.items()}
