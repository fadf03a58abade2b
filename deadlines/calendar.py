"""Working days: weekends and the official holiday arrangement (the Holiday model)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .choices import HolidayKind

WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
ONE_DAY = datetime.timedelta(days=1)


def weekday_name(day: datetime.date) -> str:
    return WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class Day:
    """A day named for an explanation: a day off with its reason, or a 调休上班 day."""

    date: datetime.date
    reason: str

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}（{self.reason}）"

    def as_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "reason": self.reason}


class WorkCalendar:
    """Which days are worked. Build it once per computation with `from_db()` (one query)."""

    def __init__(self, entries: Iterable[tuple] = ()):
        """`entries`: (date, kind, name) or (date, kind, name, provisional) rows of the Holiday model."""
        self.holidays: dict[datetime.date, str] = {}
        self.workdays: dict[datetime.date, str] = {}
        self.years: set[int] = set()
        self.provisional_years: set[int] = set()
        for day, kind, name, *rest in entries:
            (self.workdays if kind == HolidayKind.WORKDAY else self.holidays)[day] = name
            (self.provisional_years if rest and rest[0] else self.years).add(day.year)
        self.provisional_years -= self.years
        # Due dates computed on this calendar, by (schedule, period): thousands of rows share a few dozen.
        self.memo: dict = {}

    @classmethod
    def from_db(cls) -> WorkCalendar:
        from .models import Holiday

        return cls(Holiday.objects.values_list("date", "kind", "name", "provisional"))

    def covers(self, year: int) -> bool:
        """Whether the official holiday arrangement of `year` has been entered."""
        return year in self.years

    def is_provisional(self, year: int) -> bool:
        """Whether `year` has only the statutory days, its 调休 arrangement not yet published."""
        return year in self.provisional_years

    def day_off_reason(self, day: datetime.date) -> str | None:
        """Why `day` is not worked (holiday name or weekday), or None for a working day."""
        if day in self.workdays:
            return None
        if day in self.holidays:
            return self.holidays[day]
        if day.weekday() >= 5:
            return weekday_name(day)
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day_off_reason(day) is None

    def roll_forward(self, day: datetime.date) -> tuple[datetime.date, list[Day]]:
        """`day` itself if worked, else the next working day, with the days off passed over."""
        passed: list[Day] = []
        while (reason := self.day_off_reason(day)) is not None:
            passed.append(Day(day, reason))
            day += ONE_DAY
        return day, passed

    def add_working_days(self, start: datetime.date, count: int) -> tuple[datetime.date, list[Day], list[Day]]:
        """The `count`-th working day after `start`, the days off skipped and the 调休上班 days counted."""
        day, skipped, makeup = start, [], []
        remaining = count
        while remaining > 0:
            day += ONE_DAY
            reason = self.day_off_reason(day)
            if reason is not None:
                skipped.append(Day(day, reason))
                continue
            if day in self.workdays:
                makeup.append(Day(day, f"{self.workdays[day]}调休上班"))
            remaining -= 1
        return day, skipped, makeup
