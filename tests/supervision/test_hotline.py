"""监督员意见“直通车”: due dates in working days, escalation to the superior once when overdue, the
answered-on-time measure of the assessment, the 监督员's own pages and the demo data.

Personas (demo data): jdy_wujiang is the 监督员 吴江 of 韶关市/武江区/区委办; wj_leader its 审批人; wj_supervisor
reaches 武江区, sg_supervisor 韶关市; lk_member is a 党员 of 龙口市/市科技局党支部 (no reach over 武江区).
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deadlines.calendar import WorkCalendar
from deadlines.choices import HolidayKind
from deadlines.models import Holiday
from notices.models import Notice
from supervision.hotline_selectors import opinions_answered
from supervision.hotline_services import HotlineError, monitor_appoint, opinion_answer, opinion_due, opinion_file
from supervision.models import DisclosureMonitor, MonitorOpinion
from supervision.models_hotline import MonitorIdentity
from tests.builders import make_user

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
SHANGHAI = timezone.get_fixed_timezone(8 * 60)
DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def monitor(unit, user_named):
    account = make_user("jdy_test")
    return monitor_appoint(
        actor=user_named("wj_supervisor"), unit=unit(WJ), name="测试监督员", identity=MonitorIdentity.MEMBER,
        term_starts=datetime.date(2029, 1, 1), term_ends=datetime.date(2031, 12, 31), user=account,
    )


# --- due dates: N working days, weekends and the holiday calendar skipped --------------------------------


def test_due_date_skips_the_weekend_and_a_holiday_and_counts_a_makeup_saturday(db, settings):
    settings.SUPERVISION_HOTLINE_ANSWER_DAYS = 3
    # Friday 2030-05-03; Monday 05-06 a holiday; Saturday 05-11 a 调休上班 day.
    friday = datetime.date(2030, 5, 3)
    assert friday.weekday() == 4
    Holiday.objects.update_or_create(date=datetime.date(2030, 5, 6), defaults={"kind": HolidayKind.HOLIDAY, "name": "劳动节"})
    Holiday.objects.update_or_create(date=datetime.date(2030, 5, 11), defaults={"kind": HolidayKind.WORKDAY, "name": "劳动节"})
    # Sat, Sun, Mon (holiday) skipped: Tue 7th, Wed 8th, Thu 9th.
    assert opinion_due(friday) == datetime.date(2030, 5, 9)
    settings.SUPERVISION_HOTLINE_ANSWER_DAYS = 6
    # … Fri 10th, Sat 11th (调休上班), Mon 13th.
    assert opinion_due(friday) == datetime.date(2030, 5, 13)


def test_the_default_is_ten_working_days(db):
    monday = datetime.date(2031, 3, 3)  # no holiday in the fortnight that follows
    assert WorkCalendar.from_db().is_working_day(monday)
    assert opinion_due(monday) == datetime.date(2031, 3, 17)


def test_a_filed_opinion_gets_a_number_and_its_due_date(monitor):
    opinion = opinion_file(monitor=monitor, user=monitor.user, content="建议按期公开。", at=at(datetime.date(2031, 3, 3)))
    assert opinion.number == f"ZTC-2031-{opinion.pk:06d}"
    assert opinion.due_date == datetime.date(2031, 3, 17)
    assert opinion.unit == monitor.unit


def test_no_opinion_outside_the_term_or_from_another_account(monitor, user_named):
    with pytest.raises(HotlineError, match="聘期外"):
        opinion_file(monitor=monitor, user=monitor.user, content="意见", at=at(datetime.date(2032, 1, 2)))
    with pytest.raises(HotlineError, match="本人"):
        opinion_file(monitor=monitor, user=user_named("wj_member"), content="意见", at=at(datetime.date(2030, 1, 2)))
    assert not MonitorOpinion.objects.filter(monitor=monitor).exists()


# --- escalation: once, when overdue, to the supervisors over the unit ------------------------------------


def escalate(today: datetime.date) -> str:
    out = StringIO()
    call_command("hotline_escalate", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def test_an_overdue_unanswered_opinion_is_escalated_once_to_the_supervisors_over_the_unit(monitor, user_named):
    opinion = opinion_file(monitor=monitor, user=monitor.user, content="公开栏未更新。", at=at(datetime.date(2031, 3, 3)))
    supervisors = [user_named("wj_supervisor"), user_named("sg_supervisor")]

    def notices(user):
        return Notice.objects.filter(user=user, subject__contains=opinion.number)

    assert opinion.number not in escalate(opinion.due_date)  # due today: not yet
    assert all(not notices(user).exists() for user in supervisors)
    out = escalate(opinion.due_date + DAY)
    assert opinion.number in out and "wj_supervisor" in out and "sg_supervisor" in out
    for user in supervisors:
        notice = notices(user).get()
        assert "逾期未答复" in notice.subject and notice.url == f"/admin/supervision/opinions/inspect/{opinion.pk}/"
    assert not notices(user_named("lk_member")).exists()
    opinion.refresh_from_db()
    assert opinion.escalated_at is not None
    assert opinion.number not in escalate(opinion.due_date + 5 * DAY)  # once
    assert all(notices(user).count() == 1 for user in supervisors)


def test_an_answered_opinion_is_never_escalated(monitor, user_named):
    opinion = opinion_file(monitor=monitor, user=monitor.user, content="意见", at=at(datetime.date(2031, 3, 3)))
    opinion_answer(opinion=opinion, actor=user_named("wj_leader"), answer="已整改。", at=at(datetime.date(2031, 3, 20)))
    assert opinion.number not in escalate(datetime.date(2031, 4, 30))
    opinion.refresh_from_db()
    assert opinion.escalated_at is None


def test_the_scheduler_runs_the_escalation():
    from disclosure_pages.management.commands.run_scheduler import JOBS

    assert "hotline_escalate" in dict(JOBS)


# --- the assessment's measure, counted by hand ---------------------------------------------------------


def test_opinions_answered_counts_each_opinion_filed_that_year(monitor, user_named):
    leader = user_named("wj_leader")
    on_time = opinion_file(monitor=monitor, user=monitor.user, content="一", at=at(datetime.date(2030, 3, 4)))
    opinion_answer(opinion=on_time, actor=leader, answer="答", at=at(on_time.due_date, 17))  # on the due date: met
    late = opinion_file(monitor=monitor, user=monitor.user, content="二", at=at(datetime.date(2030, 6, 3)))
    opinion_answer(opinion=late, actor=leader, answer="答", at=at(late.due_date + DAY))
    opinion_file(monitor=monitor, user=monitor.user, content="三", at=at(datetime.date(2030, 12, 31), 23))  # open
    opinion_file(monitor=monitor, user=monitor.user, content="四", at=at(datetime.date(2031, 1, 2)))  # next year

    measure = opinions_answered(monitor.unit, 2030)
    assert (measure.met, measure.total) == (1, 3)
    assert [row.met for row in measure.evidence] == [True, False, False]
    assert measure.evidence[0].label.startswith(on_time.number)
    assert "逾期 1 天" in measure.evidence[1].detail
    assert "未答复" in measure.evidence[2].detail
    assert measure.evidence[0].url == f"/admin/supervision/opinions/inspect/{on_time.pk}/"
    assert opinions_answered(monitor.unit, 2029).total == 0
    assert opinions_answered(monitor.unit, 2029).ratio is None


# --- the 监督员's pages on the public site --------------------------------------------------------------


@pytest.fixture
def serving(unit, user_named):
    """A 监督员 serving today, with an account."""
    today = timezone.localdate()
    return monitor_appoint(
        actor=user_named("wj_supervisor"), unit=unit(WJ), name="今日监督员", identity=MonitorIdentity.CPPCC,
        term_starts=today - DAY, term_ends=today + 30 * DAY, user=make_user("jdy_today"),
    )


def test_a_monitor_files_an_opinion_and_sees_it_with_its_number(client, serving):
    client.force_login(serving.user)
    form = client.get("/hotline/new/")
    assert form.status_code == 200 and "武江区·区委办" in form.content.decode()
    response = client.post("/hotline/new/", {"appointment": serving.pk, "content": "建议公开栏每月更新。"}, follow=True)
    opinion = MonitorOpinion.objects.get(monitor=serving)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == f"/hotline/{opinion.number}/?filed=1"
    page = response.content.decode()
    assert "您的监督意见已提交" in page and opinion.number in page and "尚未答复" in page
    listing = client.get("/hotline/").content.decode()
    assert opinion.number in listing and "待答复" in listing
    assert "监督意见直通车" in client.get("/").content.decode()  # the header links it for 监督员


def test_the_form_says_what_is_wrong_in_chinese_and_keeps_the_input(client, serving):
    client.force_login(serving.user)
    response = client.post("/hotline/new/", {"appointment": serving.pk, "content": "   "})
    assert response.status_code == 400 and "请填写意见内容" in response.content.decode()
    long = "长" * 2001
    response = client.post("/hotline/new/", {"appointment": serving.pk, "content": long})
    assert response.status_code == 400 and "不能超过2000字" in response.content.decode() and long in response.content.decode()
    response = client.post("/hotline/new/", {"appointment": serving.pk, "content": "含\x00空字符"})
    assert response.status_code == 400
    response = client.post("/hotline/new/", {"appointment": 999999, "content": "意见"})
    assert response.status_code == 400 and "请选择您受聘监督的单位" in response.content.decode()
    assert not MonitorOpinion.objects.filter(monitor=serving).exists()


def test_the_hotline_is_for_monitors_only(client, user_named, serving):
    client.force_login(user_named("wj_member"))
    assert "监督意见直通车" not in client.get("/").content.decode()
    for url in ("/hotline/", "/hotline/new/"):
        response = client.get(url)
        assert response.status_code == 403 and "直通车供党务公开监督员" in response.content.decode()
    opinion = opinion_file(monitor=serving, user=serving.user, content="意见")
    assert client.get(f"/hotline/{opinion.number}/").status_code == 404  # another's opinion
    client.logout()
    assert client.get("/hotline/").status_code == 302
    client.force_login(serving.user)
    assert client.get("/hotline/ZTC-2026-\x00/").status_code == 404
    assert client.get("/hotline/nonsense/").status_code == 404


def test_the_monitor_reads_the_answer(client, user_named, serving):
    opinion = opinion_file(monitor=serving, user=serving.user, content="意见")
    opinion_answer(opinion=opinion, actor=user_named("wj_editor"), answer="已按您的意见整改。")
    client.force_login(serving.user)
    page = client.get(f"/hotline/{opinion.number}/").content.decode()
    assert "已按您的意见整改。" in page and "已答复" in page
    assert Notice.objects.filter(user=serving.user, subject__contains=opinion.number).exists()


# --- demo data ---------------------------------------------------------------------------------------------


def test_the_demo_has_monitors_an_answered_and_an_open_opinion(db, unit, user_named):
    from disclosure_pages.demo import load_demo

    wj = unit(WJ)
    assert user_named("jdy_wujiang").check_password("demo-2026")
    wujiang = DisclosureMonitor.objects.get(unit=wj, name="吴江")
    assert wujiang.user.username == "jdy_wujiang"
    assert DisclosureMonitor.objects.filter(unit=unit(LK)).exists()
    states = sorted(opinion.is_answered for opinion in wujiang.opinions.all())
    assert states == [False, True]
    counts = (DisclosureMonitor.objects.count(), MonitorOpinion.objects.count())
    load_demo()  # idempotent
    assert (DisclosureMonitor.objects.count(), MonitorOpinion.objects.count()) == counts
