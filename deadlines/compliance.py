"""Which published item meets which period of a node, and the resulting state.

Pure functions over plain facts (no queries), so that the compliance view, the report
command, reminders and the public status table all judge a period the same way.

- The items that count for a period are the node's live items whose period fields match
  (year / half / quarter / month, or event_date for event-driven rules); the earliest
  publication (first_published_at, Beijing time) counts.
- immediate nodes owe every month: the month is judged by its events (each within 5 days
  of its event; the latest event decides), or, when nothing happened, by a month item,
  normally the zero report (零上报), due on the 5th of the next month.
- fixed and staged nodes owe a period only for what happened: one period per event date
  of their items (items without event_date cannot be judged and are not listed); staged
  nodes also owe the year's summary once a stage of that year has been published.
- A period with no publication is not_due until its due date has passed (a due date of
  today is still not_due), then missing; days_late counts the days past the due date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from disclosure_pages.choices import PeriodType, Schedule

from .calendar import WorkCalendar
from .choices import ComplianceState
from .rules import DueDate, Period, PeriodKind, due_date, event_period, expected_periods


@dataclass(frozen=True)
class ItemFact:
    """What the judgement needs to know about one live item."""

    pk: int
    title: str
    period_type: str
    year: int | None
    half: int | None
    quarter: int | None
    month: int | None
    event_date: datetime.date | None
    is_zero_report: bool
    published: datetime.date


@dataclass
class Judgement:
    period: Period
    due: DueDate
    state: str
    published: datetime.date | None = None
    item: ItemFact | None = None
    days_late: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        label = ComplianceState(self.state).label
        if self.state == ComplianceState.LATE:
            return f"逾期{self.days_late}天公开"
        if self.state == ComplianceState.MISSING:
            return f"{label}（已逾期{self.days_late}天）"
        return label


def _judge(period: Period, due: DueDate, items: list[ItemFact], today: datetime.date) -> Judgement:
    """Judge a period by the earliest of `items` (all matching the period)."""
    if not items:
        if due.due >= today:
            return Judgement(period, due, ComplianceState.NOT_DUE)
        return Judgement(period, due, ComplianceState.MISSING, days_late=(today - due.due).days)
    first = min(items, key=lambda item: (item.published, item.pk))
    if first.published > due.due:
        state, days_late = ComplianceState.LATE, (first.published - due.due).days
    else:
        state = ComplianceState.ZERO_REPORT if first.is_zero_report else ComplianceState.ON_TIME
        days_late = 0
    return Judgement(period, due, state, first.published, first, days_late)


def _matches(period: Period, item: ItemFact) -> bool:
    match period.kind:
        case PeriodKind.YEAR | PeriodKind.SUMMARY:
            return item.period_type == PeriodType.YEAR and item.year == period.year
        case PeriodKind.HALF:
            return item.period_type == PeriodType.HALF and item.year == period.year and item.half == period.number
        case PeriodKind.QUARTER:
            return (
                item.period_type == PeriodType.QUARTER and item.year == period.year and item.quarter == period.number
            )
        case PeriodKind.MONTH:
            return item.period_type == PeriodType.MONTH and item.year == period.year and item.month == period.number
        case PeriodKind.EVENT:
            return item.event_date == period.event_date
    return False


def _events_in_year(items: list[ItemFact], year: int) -> dict[datetime.date, list[ItemFact]]:
    events: dict[datetime.date, list[ItemFact]] = defaultdict(list)
    for item in items:
        if item.event_date and item.event_date.year == year and not item.is_zero_report:
            events[item.event_date].append(item)
    return dict(sorted(events.items()))


def _judge_month_of_events(
    month: Period, events: dict[datetime.date, list[ItemFact]], cal: WorkCalendar, today: datetime.date
) -> Judgement:
    """A month with events: each event within 5 days of it; the worst event decides the month."""
    judged = [
        _judge(event_period(day), due_date(Schedule.IMMEDIATE, event_period(day), cal), found, today)
        for day, found in events.items()
    ]
    worst = max(judged, key=lambda j: (j.state == ComplianceState.LATE, j.days_late, -j.period.event_date.toordinal()))
    notes = [
        f"本月有{len(judged)}件事项："
        + "；".join(
            f"{j.period.event_date:%m月%d日}发生，应于{j.due.due:%m月%d日}前公开，{j.published:%m月%d日}公开（{j.state_label}）"
            for j in judged
        )
        + "。"
    ]
    worst.period, worst.notes = month, notes
    return worst


def judge_node(
    *, schedule: str, year: int, items: list[ItemFact], today: datetime.date, cal: WorkCalendar
) -> list[Judgement]:
    """Every period of `year` a node with `schedule` owes, judged against its live `items`."""
    results: list[Judgement] = []
    if schedule == Schedule.IMMEDIATE:
        events = _events_in_year(items, year)
        for month in expected_periods(schedule, year):
            in_month = {day: found for day, found in events.items() if day.month == month.number}
            if in_month:
                results.append(_judge_month_of_events(month, in_month, cal, today))
            else:
                due = due_date(schedule, month, cal)
                results.append(_judge(month, due, [item for item in items if _matches(month, item)], today))
        return results
    if schedule in (Schedule.FIXED, Schedule.STAGED):
        for day, found in _events_in_year(items, year).items():
            period = event_period(day)
            results.append(_judge(period, due_date(schedule, period, cal), found, today))
        if schedule == Schedule.STAGED:
            summary = Period(year, PeriodKind.SUMMARY)
            found = [item for item in items if _matches(summary, item)]
            if results or found:
                results.append(_judge(summary, due_date(schedule, summary, cal), found, today))
        return results
    for period in expected_periods(schedule, year):
        found = [item for item in items if _matches(period, item)]
        results.append(_judge(period, due_date(schedule, period, cal), found, today))
    return results
