"""Time limits (公开时限) as rules: which periods a catalogue node owes, and when each is due.

The rules, from the source documents (../shared/seeds), and the choices made where they are silent:

- annual (年度公开, seed 000 3.1.3): collect 1/1–1/5, review 1/6–1/10, publish by 1/15. The items
  (班子成员情况及分工, 任期党建目标, 年度党建计划及上年工作总结) describe the year they are published in,
  so the period "2026年度" is due 2026-01-15.
- semiannual (半年公开, seed 000): the previous half-year is published by 7/15 (上半年) and by the
  next 1/15 (下半年).
- quarterly (定期, seed 004 "原则上每季度公开一次"): by the 15th of the month after the quarter, the
  same collect/review/publish rhythm as seed 000.
- monthly: by the 15th of the next month, likewise.
- immediate (及时/即时/随时, seeds 000/001): within 5 calendar days of the event ("事情发生后5日内").
  Seed 000 adds the monthly zero-report cycle (零上报): every month is owed either its events or a
  zero report. The month is treated like an event on its last day, so it is due 5 days later
  (the 5th of the next month).
- fixed (固定/长期, seed 001): within 5 working days of the decision ("事项确定后5个工作日内"),
  counted on the holiday calendar; the item's event_date is the decision date.
- staged (逐段/分期, seeds 001/004): each stage within 5 calendar days of the stage (the sources give
  no figure; the immediate rule is used), and a summary for the year by 12/31 ("年末进行总结性公开").

A calendar-day deadline that falls on a day off moves to the next working day, the general rule for
periods in Chinese law (《民法典》第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为
期间的最后一日). A working-day deadline always ends on a working day.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from disclosure_pages.choices import Schedule

from .calendar import Day, WorkCalendar, weekday_name

IMMEDIATE_DAYS = 5
FIXED_WORKING_DAYS = 5
PUBLISH_DAY = 15  # seed 000: "1月15日前完成对外发布"
ROLL_RULE = "期限最后一日为休息日或法定节假日的，顺延至其后第一个工作日（《民法典》第二百零三条）。"

RULE_TEXT = {
    Schedule.ANNUAL: "年度公开：每年1月1日至5日收集、6日至10日审核，1月15日前完成对外发布（《韶关市党风廉政信息公开平台规范》3.1.3）。",
    Schedule.SEMIANNUAL: "半年公开：上半年的内容于7月15日前、下半年的内容于次年1月15日前完成对外发布（《韶关市党风廉政信息公开平台规范》3.1.3）。",
    Schedule.QUARTERLY: "季度公开：原则上每季度公开一次（南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》），于季度结束后次月15日前完成对外发布。",
    Schedule.MONTHLY: "月度公开：于次月15日前完成对外发布。",
    Schedule.IMMEDIATE: "及时公开：事情发生后5日内完成对外发布；按月度报送周期“零上报”，有发生必须按时报送，"
    "无发生也要按时报送，当月零上报于月末起5日内（次月5日前）完成（《韶关市党风廉政信息公开平台规范》3.1.3）。",
    Schedule.FIXED: "固定公开：事项确定后5个工作日内完成公开程序，并坚持固定公开；如遇修订、调整，应及时更新（《龙口市科技局党支部党务公开工作实施方案》）。",
    Schedule.STAGED: "逐段公开：根据进展逐段公开，每一阶段于阶段事项发生后5日内公开；跨年度的工作，"
    "一并于年末（12月31日前）进行总结性公开（《龙口市科技局党支部党务公开工作实施方案》、南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》）。",
}


class PeriodKind:
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    EVENT = "event"
    SUMMARY = "summary"


@dataclass(frozen=True, order=True)
class Period:
    """A period a node owes a disclosure for. `key` is what reports and reminders store."""

    year: int
    kind: str
    number: int = 0  # half, quarter or month
    event_date: datetime.date | None = None

    @property
    def key(self) -> str:
        match self.kind:
            case PeriodKind.YEAR:
                return str(self.year)
            case PeriodKind.HALF:
                return f"{self.year}-H{self.number}"
            case PeriodKind.QUARTER:
                return f"{self.year}-Q{self.number}"
            case PeriodKind.MONTH:
                return f"{self.year}-{self.number:02d}"
            case PeriodKind.EVENT:
                return self.event_date.isoformat()
            case PeriodKind.SUMMARY:
                return f"{self.year}-summary"
        raise ValueError(self.kind)

    @property
    def label(self) -> str:
        match self.kind:
            case PeriodKind.YEAR:
                return f"{self.year}年度"
            case PeriodKind.HALF:
                return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
            case PeriodKind.QUARTER:
                return f"{self.year}年第{self.number}季度"
            case PeriodKind.MONTH:
                return f"{self.year}年{self.number}月"
            case PeriodKind.EVENT:
                return f"{self.event_date.year}年{self.event_date.month}月{self.event_date.day}日事项"
            case PeriodKind.SUMMARY:
                return f"{self.year}年度总结"
        raise ValueError(self.kind)

    @property
    def last_day(self) -> datetime.date:
        match self.kind:
            case PeriodKind.HALF:
                return datetime.date(self.year, 6, 30) if self.number == 1 else datetime.date(self.year, 12, 31)
            case PeriodKind.QUARTER:
                month = self.number * 3
                return datetime.date(self.year, month, pycalendar.monthrange(self.year, month)[1])
            case PeriodKind.MONTH:
                return datetime.date(self.year, self.number, pycalendar.monthrange(self.year, self.number)[1])
            case PeriodKind.EVENT:
                return self.event_date
        return datetime.date(self.year, 12, 31)

    @property
    def first_day(self) -> datetime.date:
        match self.kind:
            case PeriodKind.HALF:
                return datetime.date(self.year, 1 if self.number == 1 else 7, 1)
            case PeriodKind.QUARTER:
                return datetime.date(self.year, self.number * 3 - 2, 1)
            case PeriodKind.MONTH:
                return datetime.date(self.year, self.number, 1)
            case PeriodKind.EVENT:
                return self.event_date
        return datetime.date(self.year, 1, 1)


def event_period(day: datetime.date) -> Period:
    return Period(day.year, PeriodKind.EVENT, event_date=day)


def expected_periods(schedule: str, year: int) -> list[Period]:
    """The periods of `year` a node owes whatever happens (fixed and staged nodes owe per item)."""
    match schedule:
        case Schedule.ANNUAL:
            return [Period(year, PeriodKind.YEAR)]
        case Schedule.SEMIANNUAL:
            return [Period(year, PeriodKind.HALF, h) for h in (1, 2)]
        case Schedule.QUARTERLY:
            return [Period(year, PeriodKind.QUARTER, q) for q in range(1, 5)]
        case Schedule.MONTHLY | Schedule.IMMEDIATE:
            return [Period(year, PeriodKind.MONTH, m) for m in range(1, 13)]
    return []


@dataclass(frozen=True)
class DueDate:
    """A due date with everything needed to show how it was computed."""

    due: datetime.date
    rule: str
    period_label: str
    base: datetime.date
    base_label: str
    days_added: int = 0
    day_kind: str = ""  # "日历日" or "工作日"
    before_roll: datetime.date | None = None
    skipped: tuple[Day, ...] = ()
    makeup_workdays: tuple[Day, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def steps(self) -> list[str]:
        """The computation in words, one step a line, for editors and supervisors."""
        lines = [f"规则：{self.rule}", f"周期：{self.period_label}"]
        lines.append(f"{self.base_label}：{self.base:%Y-%m-%d}（{weekday_name(self.base)}）")
        if self.day_kind == "工作日":
            lines.append(f"加{self.days_added}个工作日，得 {self.due:%Y-%m-%d}（{weekday_name(self.due)}）。")
            if self.skipped:
                lines.append("跳过的休息日和节假日：" + "、".join(str(day) for day in self.skipped) + "。")
            if self.makeup_workdays:
                lines.append("计入的调休上班日：" + "、".join(str(day) for day in self.makeup_workdays) + "。")
        else:
            end = self.before_roll or self.due
            if self.days_added:
                lines.append(f"加{self.days_added}个日历日，得 {end:%Y-%m-%d}（{weekday_name(end)}）。")
            if self.skipped:
                lines.append(
                    "该日不是工作日，顺延："
                    + "、".join(str(day) for day in self.skipped)
                    + f"，至 {self.due:%Y-%m-%d}（{weekday_name(self.due)}）。"
                    + ROLL_RULE
                )
        lines.extend(self.notes)
        lines.append(f"应公开日期：{self.due:%Y-%m-%d}（{weekday_name(self.due)}）")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "rule": self.rule,
            "period": self.period_label,
            "base": self.base.isoformat(),
            "base_label": self.base_label,
            "days_added": self.days_added,
            "day_kind": self.day_kind,
            "before_roll": self.before_roll.isoformat() if self.before_roll else None,
            "skipped": [day.as_dict() for day in self.skipped],
            "makeup_workdays": [day.as_dict() for day in self.makeup_workdays],
            "notes": list(self.notes),
        }


def _coverage_notes(cal: WorkCalendar, *days: datetime.date) -> tuple[str, ...]:
    notes = []
    for year in sorted({day.year for day in days if not cal.covers(day.year)}):
        if cal.is_provisional(year):
            notes.append(f"{year}年节假日安排尚未录入：暂按法定节假日和周六、周日计算，调休放假及调休上班日待国务院办公厅公布后录入；录入后自动重新计算。")
        else:
            notes.append(f"{year}年节假日安排尚未录入，仅按周六、周日计算；录入后自动重新计算。")
    return tuple(notes)


def _calendar_deadline(
    cal: WorkCalendar, *, rule: str, period: Period, base: datetime.date, base_label: str, days: int = 0
) -> DueDate:
    end = base + datetime.timedelta(days=days)
    due, passed = cal.roll_forward(end)
    return DueDate(
        due=due,
        rule=rule,
        period_label=period.label,
        base=base,
        base_label=base_label,
        days_added=days,
        day_kind="日历日" if days else "",
        before_roll=end if passed else None,
        skipped=tuple(passed),
        notes=_coverage_notes(cal, end, due),
    )


def _publish_day_after(period: Period) -> datetime.date:
    """The 15th of the month after the period ends (1/15 of the same year for an annual period)."""
    if period.kind == PeriodKind.YEAR:
        return datetime.date(period.year, 1, PUBLISH_DAY)
    last = period.last_day
    year, month = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    return datetime.date(year, month, PUBLISH_DAY)


def due_date(schedule: str, period: Period, cal: WorkCalendar) -> DueDate:
    """When `period` of a node with `schedule` must be published, and why."""
    key = (schedule, period)
    if key not in cal.memo:
        cal.memo[key] = _due_date(schedule, period, cal)
    return cal.memo[key]


def _due_date(schedule: str, period: Period, cal: WorkCalendar) -> DueDate:
    rule = RULE_TEXT.get(schedule, RULE_TEXT[Schedule.IMMEDIATE])
    if period.kind == PeriodKind.EVENT:
        if schedule == Schedule.FIXED:
            due, skipped, makeup = cal.add_working_days(period.event_date, FIXED_WORKING_DAYS)
            return DueDate(
                due=due,
                rule=rule,
                period_label=period.label,
                base=period.event_date,
                base_label="事项确定日期",
                days_added=FIXED_WORKING_DAYS,
                day_kind="工作日",
                skipped=tuple(skipped),
                makeup_workdays=tuple(makeup),
                notes=_coverage_notes(cal, period.event_date, due),
            )
        label = "阶段事项发生日期" if schedule == Schedule.STAGED else "事项发生日期"
        return _calendar_deadline(
            cal, rule=rule, period=period, base=period.event_date, base_label=label, days=IMMEDIATE_DAYS
        )
    if period.kind == PeriodKind.MONTH and schedule == Schedule.IMMEDIATE:
        return _calendar_deadline(
            cal, rule=rule, period=period, base=period.last_day, base_label="月末（零上报周期起算）", days=IMMEDIATE_DAYS
        )
    if period.kind == PeriodKind.SUMMARY:
        return _calendar_deadline(cal, rule=rule, period=period, base=period.last_day, base_label="年末")
    return _calendar_deadline(cal, rule=rule, period=period, base=_publish_day_after(period), base_label="规定公开日期")
