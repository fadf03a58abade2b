"""Counting time limits in calendar days or working days, with paused intervals.

`is_working_day` is the one place that knows the calendar: the `deadlines` app's
holiday calendar (official holidays and make-up working days, 调休), which
administrators edit.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

WEEKDAYS = "一二三四五六日"


_CALENDAR_TTL = 60.0
_calendar_cache: tuple[float, object] | None = None


def _calendar():
    """The deadlines app's holiday calendar (official holidays and 调休 days), reloaded every minute."""
    global _calendar_cache
    from deadlines.calendar import WorkCalendar

    now = time.monotonic()
    if _calendar_cache is None or now - _calendar_cache[0] > _CALENDAR_TTL:
        _calendar_cache = (now, WorkCalendar.from_db())
    return _calendar_cache[1]


def reset_calendar_cache() -> None:
    global _calendar_cache
    _calendar_cache = None


def is_working_day(day: datetime.date) -> bool:
    """True on a working day: weekends and the admin-edited holidays are off, 调休 Saturdays are worked."""
    return _calendar().is_working_day(day)


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


@dataclass(frozen=True)
class Interval:
    """A pause: days from `start` up to, not including, `end` do not count. `end=None`: still paused."""

    start: datetime.date
    end: datetime.date | None
    label: str = ""

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days


@dataclass
class DueCount:
    """A due date and how it was reached, for showing next to it."""

    rule: str
    start: datetime.date
    days: int
    working_days: bool
    due: datetime.date | None = None
    pauses: list[Interval] = field(default_factory=list)
    paused_days: int = 0
    rest_days_skipped: list[datetime.date] = field(default_factory=list)
    rolled_from: datetime.date | None = None
    open_pause: Interval | None = None
    extra: list[str] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return "个工作日" if self.working_days else "日"

    @property
    def steps(self) -> list[str]:
        """The computation in words, one line per step."""
        lines = [f"规则：{self.rule}"]
        lines += self.extra
        lines.append(f"起算：{cn_date(self.start)}，自次日起计算")
        lines.append(f"期限：{self.days}{self.unit_label}")
        for pause in self.pauses:
            if pause.end is None:
                lines.append(f"暂停：自{cn_date(pause.start)}起{pause.label}，计时暂停中")
            elif pause.days:
                lines.append(
                    f"暂停：{cn_date(pause.start)}至{cn_date(pause.end - datetime.timedelta(days=1))}"
                    f"{pause.label}，共{pause.days}日不计入期限"
                )
        if self.rest_days_skipped:
            shown = "、".join(f"{d.month}月{d.day}日" for d in self.rest_days_skipped[:10])
            more = "等" if len(self.rest_days_skipped) > 10 else ""
            lines.append(f"跳过休息日{len(self.rest_days_skipped)}天（{shown}{more}）")
        if self.rolled_from is not None and self.due is not None:
            lines.append(f"期满日{cn_date(self.rolled_from)}为休息日，顺延至下一个工作日")
        if self.due is None:
            lines.append("到期日：计时暂停中，恢复后重新计算")
        else:
            lines.append(f"到期日：{cn_date(self.due)}")
        return lines


def count_due(
    *,
    start: datetime.date,
    days: int,
    working_days: bool,
    pauses: Sequence[Interval] = (),
    roll_forward: bool = False,
    rule: str = "",
    extra: Sequence[str] = (),
) -> DueCount:
    """The last day of a time limit of `days` (calendar or working) days counted from the day after `start`.

    Days inside a pause do not count. With `roll_forward`, a calendar-day limit that
    ends on a rest day ends on the next working day instead (民法典第二百零三条).
    A pause that has not ended leaves the due date open (`due is None`).
    """
    result = DueCount(rule=rule, start=start, days=days, working_days=working_days, extra=list(extra))
    relevant = sorted((p for p in pauses if p.end is None or p.end > start), key=lambda p: p.start)
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        pause = next((p for p in relevant if p.covers(day)), None)
        if pause is not None:
            if pause.end is None:
                result.open_pause = pause
                break
            result.paused_days += 1
            continue
        if working_days and not is_working_day(day):
            result.rest_days_skipped.append(day)
            continue
        counted += 1
    if result.open_pause is None:
        if roll_forward and not working_days and not is_working_day(day):
            result.rolled_from = day
            while not is_working_day(day):
                day += datetime.timedelta(days=1)
        result.due = day
    result.pauses = [p for p in relevant if p.start <= day]
    return result


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """Working days after `first` up to and including `last` (0 when `last` is not later)."""
    count, day = 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
