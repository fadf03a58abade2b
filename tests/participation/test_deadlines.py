"""Time limits are a rule set per region; pauses (补正, 第三方征求意见) stop the clock; each due date says how."""

from __future__ import annotations

import datetime

import pytest

from disclosure_pages.choices import Role
from disclosure_pages.models import RegionPage, UnitPage
from participation.choices import PauseKind
from participation.clock import Interval, count_due, is_working_day
from participation.models import RegionRuleSet, RuleSet
from participation.selectors import request_deadlines, rule_set_for_unit
from participation.services import RequestError, request_accept, request_extend, request_pause, request_resume
from tests.builders import make_user

from .conftest import LK, WJ, at

D = datetime.date.fromisoformat
TIAOLI = "政府信息公开条例"


@pytest.fixture
def tiaoli_for_longkou(db):
    rule_set = RuleSet.objects.get(name=TIAOLI)
    RegionRuleSet.objects.create(region=RegionPage.objects.get(title="龙口市"), rule_set=rule_set)
    return rule_set


def test_default_rule_set_is_the_sources_5_and_15_days(unit):
    rule_set = rule_set_for_unit(unit(WJ))
    assert (rule_set.accept_days, rule_set.answer_days) == (5, 15)
    assert not rule_set.accept_working_days and not rule_set.answer_working_days
    assert "5日内受理申请，15日内以适当形式公开" in rule_set.basis


def test_nearest_region_rule_set_wins(unit):
    tiaoli = RuleSet.objects.get(name=TIAOLI)
    default = RuleSet.objects.get(is_default=True)
    RegionRuleSet.objects.create(region=RegionPage.objects.get(title="韶关市"), rule_set=tiaoli)
    RegionRuleSet.objects.create(region=RegionPage.objects.get(title="武江区"), rule_set=default)
    assert rule_set_for_unit(unit(WJ)) == default  # 武江区 is nearer than 韶关市
    direct_unit = UnitPage.objects.child_of(RegionPage.objects.get(title="韶关市")).first()
    assert rule_set_for_unit(direct_unit) == tiaoli
    assert rule_set_for_unit(unit(LK)) == default  # no mapping: the default


def test_accept_due_within_5_days_of_submission(make_request):
    req = make_request(submitted="2026-03-04").request  # a Wednesday
    deadlines = request_deadlines(req, today=D("2026-03-05"))
    assert deadlines.accept.due == D("2026-03-09")
    assert deadlines.state == "ok" and deadlines.days_left == 4


def test_accept_due_on_a_saturday_moves_to_monday(make_request):
    req = make_request(submitted="2026-03-02").request  # Monday + 5 days = Saturday
    deadlines = request_deadlines(req, today=D("2026-03-02"))
    assert deadlines.accept.due == D("2026-03-09")
    assert any("为休息日，顺延" in step for step in deadlines.accept.steps)


def test_accept_overdue_after_5_days(make_request):
    req = make_request(submitted="2026-03-04").request
    deadlines = request_deadlines(req, today=D("2026-03-10"))
    assert deadlines.state == "overdue" and deadlines.days_left == -1


def test_answer_due_within_15_days_of_acceptance(make_request, user_named):
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=user_named("wj_editor"), at=at("2026-03-05"))
    req.refresh_from_db()
    deadlines = request_deadlines(req, today=D("2026-03-06"))
    assert deadlines.answer.due == D("2026-03-20")
    assert deadlines.pending is deadlines.answer
    assert deadlines.accept_met is True


def test_tiaoli_20_working_days_from_receipt_and_an_extension(make_request, user_named, tiaoli_for_longkou):
    lk_editor = make_user("lk_editor", unit_path=LK, role=Role.EDITOR)
    req = make_request(LK, submitted="2026-03-02").request
    assert req.rules["name"] == TIAOLI
    request_accept(request=req, actor=lk_editor, at=at("2026-03-06"))
    req.refresh_from_db()
    deadlines = request_deadlines(req, today=D("2026-03-06"))
    # 20 working days counted from the day after receipt, weekends skipped: 4 weekends in between.
    assert deadlines.answer.due == D("2026-03-30")
    assert len(deadlines.answer.rest_days_skipped) == 8
    request_extend(request=req, actor=lk_editor, days=20, reason="需要调取档案，经负责人同意延期")
    req.refresh_from_db()
    deadlines = request_deadlines(req, today=D("2026-03-06"))
    # 40 working days: weekends and the 清明节 holiday Monday (2026-04-06) are skipped.
    assert deadlines.answer.due == D("2026-04-28")
    assert D("2026-04-06") in deadlines.answer.rest_days_skipped
    assert any("延长20个工作日" in step for step in deadlines.answer.steps)
    with pytest.raises(RequestError, match="不允许（再）延期"):
        request_extend(request=req, actor=lk_editor, days=1, reason="再延")


def test_default_rules_allow_no_extension(make_request, user_named):
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=user_named("wj_editor"), at=at("2026-03-05"))
    with pytest.raises(RequestError, match="不允许"):
        request_extend(request=req, actor=user_named("wj_editor"), days=5, reason="来不及")


def test_clarification_pause_moves_due_date_by_its_length(make_request, user_named):
    editor = user_named("wj_editor")
    req = make_request(submitted="2026-03-04").request
    assert request_deadlines(req, today=D("2026-03-04")).accept.due == D("2026-03-09")
    request_pause(request=req, actor=editor, kind=PauseKind.CLARIFY, reason="请写明需要公开的年度", at=at("2026-03-05"))
    paused = request_deadlines(req, today=D("2026-03-06"))
    assert paused.state == "paused" and paused.accept.due is None
    request_resume(request=req, actor=editor, at=at("2026-03-09"))
    resumed = request_deadlines(req, today=D("2026-03-09"))
    assert resumed.accept.due == D("2026-03-09") + datetime.timedelta(days=4)  # paused 3-05 … 3-08: 4 days
    assert any("共4日不计入期限" in step and "补正" in step for step in resumed.accept.steps)


def test_third_party_consultation_pause_moves_answer_due(make_request, user_named):
    editor = user_named("wj_editor")
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    request_pause(
        request=req, actor=editor, kind=PauseKind.THIRD_PARTY, reason="涉及第三方，书面征求意见", at=at("2026-03-10")
    )
    request_resume(request=req, actor=editor, at=at("2026-03-17"))
    req.refresh_from_db()
    assert request_deadlines(req).answer.due == D("2026-03-27")  # 3-20 + 7 days


def test_working_days_skip_a_weekend(db):
    friday = D("2026-03-06")
    result = count_due(start=friday, days=1, working_days=True)
    assert result.due == D("2026-03-09")
    assert result.rest_days_skipped == [D("2026-03-07"), D("2026-03-08")]
    assert "跳过休息日2天（3月7日、3月8日）" in result.steps
    assert not is_working_day(D("2026-03-07")) and is_working_day(friday)


def test_working_days_with_a_pause_across_a_weekend(db):
    result = count_due(
        start=D("2026-03-02"), days=5, working_days=True, pauses=[Interval(D("2026-03-04"), D("2026-03-06"))]
    )
    # Tue 3 counts; Wed 4, Thu 5 paused; Fri 6, Mon 9, Tue 10, Wed 11 count.
    assert result.due == D("2026-03-11")
    assert result.paused_days == 2


def test_due_date_computation_is_shown_on_the_status_page(client, make_request):
    created = make_request(submitted="2026-03-02")
    client.post("/requests/status/", {"tracking_number": created.request.tracking_number, "code": created.secret_code})
    page = client.get(f"/requests/status/{created.request.tracking_number}/").content.decode()
    assert "计算过程" in page
    assert "规则：党务公开依申请公开（受理）" in page
    assert "起算：2026年3月2日（星期一），自次日起计算" in page
    assert "期限：5日" in page
    assert "到期日：2026年3月9日（星期一）" in page
