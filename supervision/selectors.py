"""Reads of 党员评议: what a member may rate, who has voted (counts only), and the results.

`evaluation_results(unit, period)` is the one way to the figures; the assessment (考核) reads it too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from deadlines import clock
from disclosure_pages.models import UnitMembership, UnitPage
from disclosure_pages.permissions import (
    PARTY_MEMBER_ROLES,
    can_read_evaluation_results,
    member_unit_paths,
    party_member_unit_paths,
    unit_scope_q,
)

from .choices import PeriodState, Satisfaction
from .models import BallotCast, EvaluationPeriod, Rating


@dataclass(frozen=True)
class ChoiceCount:
    choice: str
    label: str
    count: int
    percent: float  # of the ratings cast, one decimal; 0.0 when none were


@dataclass(frozen=True)
class EvaluationResults:
    period: EvaluationPeriod
    unit: UnitPage
    total: int
    members: int  # party members of the unit now (the turnout's denominator)
    counts: list[ChoiceCount]
    comments: list[str] = field(default_factory=list)

    @property
    def turnout_percent(self) -> float:
        return round(100 * self.total / self.members, 1) if self.members else 0.0

    def count_of(self, choice: str) -> int:
        return next(row.count for row in self.counts if row.choice == choice)


def party_member_count(unit: UnitPage) -> int:
    return UnitMembership.objects.filter(unit=unit, role__in=PARTY_MEMBER_ROLES).values("user").distinct().count()


def evaluation_results(unit: UnitPage, period: EvaluationPeriod) -> EvaluationResults:
    """Counts and percentages per choice, and the comments, of `unit` in `period` (read by whoever may
    see them: check `may_read_results` first). Comments come ordered by choice and a random key."""
    ratings = Rating.objects.filter(period=period, unit=unit)
    by_choice = dict(ratings.values_list("choice").annotate(n=Count("id")).values_list("choice", "n"))
    total = sum(by_choice.values())
    counts = [
        ChoiceCount(
            choice=value,
            label=label,
            count=by_choice.get(value, 0),
            percent=round(100 * by_choice.get(value, 0) / total, 1) if total else 0.0,
        )
        for value, label in Satisfaction.choices
    ]
    comments = [text for text in ratings.exclude(comment="").values_list("comment", flat=True)]
    return EvaluationResults(
        period=period, unit=unit, total=total, members=party_member_count(unit), counts=counts, comments=comments
    )


def may_read_results(user, unit: UnitPage, period: EvaluationPeriod, *, today: datetime.date | None = None) -> bool:
    """After the period ends, the unit's members and its superiors. Not while it runs, to anyone: the
    superior who sees who has voted could otherwise tell a member's choice from the counts changing."""
    today = today or clock.today()
    return (
        period.state(today) == PeriodState.ENDED and period.covers(unit) and can_read_evaluation_results(user, unit)
    )


def turnout(period: EvaluationPeriod) -> dict[int, int]:
    """Ballots cast per unit id: how many have voted, never who or what."""
    return dict(period.ballots.values_list("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))


def periods_for_supervisor(user) -> QuerySet[EvaluationPeriod]:
    """Periods whose unit or region the user's reach covers (everything for a superuser)."""
    q = unit_scope_q(user, "target", frozenset({"supervisor"}))
    qs = EvaluationPeriod.objects.select_related("target", "opened_by")
    return qs if q is None else qs.filter(q)


@dataclass(frozen=True)
class MemberEvaluation:
    period: EvaluationPeriod
    unit: UnitPage
    state: str
    may_rate: bool  # a party member of the unit
    has_cast: bool
    may_read_results: bool

    @property
    def state_label(self) -> str:
        return PeriodState(self.state).label


def evaluations_for_member(user, *, today: datetime.date | None = None) -> list[MemberEvaluation]:
    """The periods covering the units where `user` is a member: open ones to rate (party members) and
    ended ones with results (every member of the unit), newest first."""
    today = today or clock.today()
    paths = member_unit_paths(user)
    if not paths:
        return []
    rating_paths = set(party_member_unit_paths(user))
    units = list(UnitPage.objects.live().filter(path__in=paths).order_by("path"))
    ancestor_paths = {unit.path[:n] for unit in units for n in range(UnitPage.steplen, len(unit.path) + 1, UnitPage.steplen)}
    periods = EvaluationPeriod.objects.filter(target__path__in=ancestor_paths).select_related("target")
    cast = set(BallotCast.objects.filter(member=user).values_list("period_id", "unit_id"))
    rows = []
    for period in periods:
        for unit in units:
            if not period.covers(unit):
                continue
            state = period.state(today)
            rows.append(
                MemberEvaluation(
                    period=period,
                    unit=unit,
                    state=state,
                    may_rate=unit.path in rating_paths,
                    has_cast=(period.pk, unit.pk) in cast,
                    may_read_results=state == PeriodState.ENDED,
                )
            )
    order = {PeriodState.OPEN: 0, PeriodState.UPCOMING: 1, PeriodState.ENDED: 2}
    return sorted(rows, key=lambda row: (order[row.state], -row.period.starts_on.toordinal(), row.unit.path))


def has_cast(user, period: EvaluationPeriod, unit: UnitPage) -> bool:
    return BallotCast.objects.filter(period=period, unit=unit, member=user).exists()
