"""Due dates at their edges: year end, 1/15 on a weekend, leap years, holidays and make-up days, the 30th."""

import datetime

import pytest

from deadlines.calendar import WorkCalendar
from deadlines.models import Holiday
from deadlines.rules import Period, PeriodKind, due_date, event_period
from disclosure_pages.choices import Schedule

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def cal():
    return WorkCalendar.from_db()


def reasons(days):
    return [(day.date, day.reason) for day in days]


def test_annual_period_is_due_on_january_15_of_its_own_year(cal):
    due = due_date(Schedule.ANNUAL, Period(2026, PeriodKind.YEAR), cal)
    assert due.due == D(2026, 1, 15) and not due.skipped
    assert "1月15日前完成对外发布" in due.rule


def test_january_15_on_a_saturday_moves_to_monday(cal):
    due = due_date(Schedule.ANNUAL, Period(2028, PeriodKind.YEAR), cal)
    assert due.due == D(2028, 1, 17)
    assert reasons(due.skipped) == [(D(2028, 1, 15), "星期六"), (D(2028, 1, 16), "星期日")]
    text = "\n".join(due.steps())
    assert "顺延" in text and "《民法典》第二百零三条" in text and "2028年节假日安排尚未录入" in text


def test_semiannual_halves_are_due_july_15_and_next_january_15(cal):
    assert due_date(Schedule.SEMIANNUAL, Period(2026, PeriodKind.HALF, 1), cal).due == D(2026, 7, 15)
    assert due_date(Schedule.SEMIANNUAL, Period(2026, PeriodKind.HALF, 2), cal).due == D(2027, 1, 15)


def test_quarters_are_due_on_the_15th_of_the_following_month(cal):
    assert due_date(Schedule.QUARTERLY, Period(2026, PeriodKind.QUARTER, 3), cal).due == D(2026, 10, 15)
    # The fourth quarter crosses the year end.
    assert due_date(Schedule.QUARTERLY, Period(2026, PeriodKind.QUARTER, 4), cal).due == D(2027, 1, 15)


def test_monthly_december_is_due_in_january(cal):
    assert due_date(Schedule.MONTHLY, Period(2026, PeriodKind.MONTH, 12), cal).due == D(2027, 1, 15)


def test_event_on_the_30th_crosses_the_month_end(cal):
    due = due_date(Schedule.IMMEDIATE, event_period(D(2026, 1, 30)), cal)
    assert due.due == D(2026, 2, 4) and due.days_added == 5 and due.day_kind == "日历日"


def test_event_on_september_30_lands_in_national_day_and_moves_past_it(cal):
    due = due_date(Schedule.IMMEDIATE, event_period(D(2026, 9, 30)), cal)
    assert due.before_roll == D(2026, 10, 5)
    assert due.due == D(2026, 10, 8)
    assert reasons(due.skipped) == [(D(2026, 10, 5), "国庆节"), (D(2026, 10, 6), "国庆节"), (D(2026, 10, 7), "国庆节")]


def test_leap_year_february_29_counts_as_a_day(cal):
    assert due_date(Schedule.IMMEDIATE, event_period(D(2028, 2, 27)), cal).due == D(2028, 3, 3)
    assert due_date(Schedule.IMMEDIATE, event_period(D(2027, 2, 27)), cal).due == D(2027, 3, 4)


def test_zero_report_month_is_due_five_days_after_month_end(cal):
    march = due_date(Schedule.IMMEDIATE, Period(2026, PeriodKind.MONTH, 3), cal)
    assert march.base == D(2026, 3, 31) and march.due == D(2026, 4, 7)  # 4/5 Qingming, 4/6 holiday
    assert reasons(march.skipped) == [(D(2026, 4, 5), "清明节"), (D(2026, 4, 6), "清明节")]
    # Leap February ends on the 29th; 3/5/2028 is a Sunday.
    february = due_date(Schedule.IMMEDIATE, Period(2028, PeriodKind.MONTH, 2), cal)
    assert february.base == D(2028, 2, 29) and february.due == D(2028, 3, 6)
    # April 2026: 5/5 is the last day of the Labour Day holiday.
    assert due_date(Schedule.IMMEDIATE, Period(2026, PeriodKind.MONTH, 4), cal).due == D(2026, 5, 6)


def test_year_end_event_is_due_in_the_next_year(cal):
    due = due_date(Schedule.IMMEDIATE, event_period(D(2026, 12, 28)), cal)
    assert due.due == D(2027, 1, 4)  # 2027-01-02 is a Saturday
    assert any("2027年节假日安排尚未录入" in note for note in due.notes)


def test_provisional_year_counts_its_statutory_days_and_says_so(cal):
    # An event on Friday 2027-06-04: five days later is Wednesday 6/9, the statutory 端午 (seeded as 暂定).
    due = due_date(Schedule.IMMEDIATE, event_period(D(2027, 6, 4)), cal)
    assert due.before_roll == D(2027, 6, 9) and due.due == D(2027, 6, 10)
    assert reasons(due.skipped) == [(D(2027, 6, 9), "端午节")]
    assert any("暂按法定节假日" in note and "待国务院办公厅公布" in note for note in due.notes)


def test_fixed_counts_working_days_over_national_day_and_its_make_up_saturday(cal):
    due = due_date(Schedule.FIXED, event_period(D(2026, 9, 30)), cal)
    # 10/1–10/7 off, 10/8 Thu, 10/9 Fri, 10/10 Sat make-up day, 10/11 Sun off, 10/12 Mon, 10/13 Tue.
    assert due.due == D(2026, 10, 13) and due.day_kind == "工作日"
    assert reasons(due.makeup_workdays) == [(D(2026, 10, 10), "国庆节调休上班")]
    assert (D(2026, 10, 11), "星期日") in reasons(due.skipped)
    assert [day for day, reason in reasons(due.skipped) if reason == "国庆节"] == [
        D(2026, 10, d) for d in range(1, 8)
    ]


def test_fixed_over_spring_festival_counts_the_make_up_saturday(cal):
    due = due_date(Schedule.FIXED, event_period(D(2026, 2, 13)), cal)
    # 2/14 Sat is a make-up working day; 2/15–2/23 Spring Festival; then 2/24–2/27.
    assert due.due == D(2026, 2, 27)
    assert reasons(due.makeup_workdays) == [(D(2026, 2, 14), "春节调休上班")]
    assert "计入的调休上班日：2026-02-14（春节调休上班）" in "\n".join(due.steps())


def test_fixed_due_date_follows_a_holiday_an_administrator_enters(cal):
    # 2027 holds only its statutory days (10/1–10/3); the administrator adds a 调休 day off, 10/4.
    before = due_date(Schedule.FIXED, event_period(D(2027, 9, 30)), cal).due
    Holiday.objects.create(date=D(2027, 10, 4), kind="holiday", name="国庆节")
    after = due_date(Schedule.FIXED, event_period(D(2027, 9, 30)), WorkCalendar.from_db()).due
    assert (before, after) == (D(2027, 10, 8), D(2027, 10, 11))


def test_staged_summary_is_due_at_year_end(cal):
    assert due_date(Schedule.STAGED, Period(2026, PeriodKind.SUMMARY), cal).due == D(2026, 12, 31)
    assert due_date(Schedule.STAGED, event_period(D(2026, 6, 1)), cal).due == D(2026, 6, 8)  # 6/6 Sat
