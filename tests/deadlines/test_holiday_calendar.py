"""The holiday calendar: seeded with the official arrangement, edited by administrators."""

import datetime

import chinese_calendar
import pytest
from django.urls import reverse

from deadlines.calendar import WorkCalendar
from deadlines.models import Holiday

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2025, 2026])
def test_seeded_calendar_agrees_with_the_official_arrangement_every_day(year):
    cal = WorkCalendar.from_db()
    day = datetime.date(year, 1, 1)
    while day.year == year:
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_seeded_days_carry_chinese_names():
    assert Holiday.objects.get(date="2026-02-17").name == "春节"
    assert Holiday.objects.get(date="2026-02-28").get_kind_display() == "调休上班"


def test_next_year_has_its_statutory_days_marked_provisional():
    cal = WorkCalendar.from_db()
    assert cal.covers(2026) and not cal.covers(2027) and cal.is_provisional(2027)
    assert not cal.is_provisional(2026)
    seeded = Holiday.objects.filter(date__year=2027)
    assert seeded.count() == 13 and all(day.provisional and day.kind == "holiday" for day in seeded)
    # 除夕 to 初三 of the Year of the Goat, and the lunar 端午 and 中秋 on weekdays.
    assert [d.date for d in seeded.filter(name="春节")] == [datetime.date(2027, 2, d) for d in (5, 6, 7, 8)]
    for day in (datetime.date(2027, 2, 8), datetime.date(2027, 4, 5), datetime.date(2027, 6, 9), datetime.date(2027, 9, 15)):
        assert not cal.is_working_day(day), day


def test_entering_the_official_arrangement_ends_the_provisional_state(client, admin_user):
    client.force_login(admin_user)
    response = client.post(_add_url(), {"date": "2027-02-20", "kind": "workday", "name": "春节"})
    assert response.status_code == 302
    cal = WorkCalendar.from_db()
    assert cal.covers(2027) and not cal.is_provisional(2027)
    assert cal.is_working_day(datetime.date(2027, 2, 20))  # a Saturday worked in exchange


def _add_url():
    return reverse("wagtailsnippets_deadlines_holiday:add")


def test_administrator_adds_a_day_through_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert WorkCalendar.from_db().is_working_day(datetime.date(2027, 2, 9))  # a Tuesday after 初三
    response = client.post(_add_url(), {"date": "2027-02-09", "kind": "holiday", "name": "春节"})
    assert response.status_code == 302
    assert not WorkCalendar.from_db().is_working_day(datetime.date(2027, 2, 9))
    assert Holiday.history.filter(date="2027-02-09").exists()


def test_admin_form_explains_bad_input_in_chinese(client, admin_user):
    client.force_login(admin_user)
    weekday = client.post(_add_url(), {"date": "2027-01-05", "kind": "workday", "name": "元旦"})
    assert "调休上班日应为周六或周日" in weekday.content.decode()
    duplicate = client.post(_add_url(), {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"})
    assert "该日期已在节假日安排中" in duplicate.content.decode()
    assert Holiday.objects.filter(date="2026-10-01").count() == 1


def test_holiday_calendar_is_in_the_settings_menu(client, admin_user):
    client.force_login(admin_user)
    # The sidebar is JSON for a script: look for the menu entry's address.
    assert reverse("wagtailsnippets_deadlines_holiday:list") in client.get(reverse("wagtailadmin_home")).content.decode()
