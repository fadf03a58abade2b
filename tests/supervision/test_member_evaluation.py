"""党员评议: the superior opens a period, each party member of the unit rates its disclosure work once,
anonymously, and the results reach the unit's members and the superior after the end, nobody else.

南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：“适时组织党员对基层党组织党务公开情况进行评议，
并及时公布评议结果”。

Personas (demo data): wj_member is a 党员 of 韶关市/武江区/区委办, wj_editor its 录入人 (staff, not a rater);
lk_member a 党员 of 龙口市/市科技局党支部 (an outsider here); sg_supervisor reaches 韶关市, wj_supervisor 武江区.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from disclosure_pages.choices import Role
from disclosure_pages.selectors import find_unit
from supervision.choices import Satisfaction
from supervision.models import BallotCast, EvaluationPeriod, Rating
from supervision.selectors import evaluation_results
from supervision.services import ALREADY_CAST, EvaluationError, period_open, rating_cast
from tests.builders import make_user

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.fixture
def wj(unit):
    return unit(WJ)


@pytest.fixture
def open_period(wj, user_named):
    return period_open(
        actor=user_named("sg_supervisor"), target=wj, title="2026年度党务公开工作党员评议",
        starts_on=today() - DAY, ends_on=today() + 7 * DAY,
    )


def rate_url(period, unit_page) -> str:
    return f"/evaluations/{period.pk}/{unit_page.pk}/"


def end(period):
    """Move the period into the past (after the ballots were cast while it ran)."""
    EvaluationPeriod.objects.filter(pk=period.pk).update(starts_on=today() - 10 * DAY, ends_on=today() - DAY)
    period.refresh_from_db()
    return period


def cast(period, unit_page, member, choice, comment=""):
    rating_cast(period=period, unit=unit_page, member=member, choice=choice, comment=comment, today=period.starts_on)


# --- the superior opens a period in the admin ----------------------------------------------------------


def test_the_superior_opens_a_period_for_a_unit_in_reach(client, user_named, wj):
    supervisor = admin(user_named("sg_supervisor"))
    client.force_login(supervisor)
    form = client.get("/admin/supervision/evaluations/new/")
    assert form.status_code == 200 and "评议对象" in form.content.decode()
    response = client.post(
        "/admin/supervision/evaluations/new/",
        {"target": wj.pk, "title": "2026年度党员评议", "starts_on": "2026-12-01", "ends_on": "2026-12-15"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period = EvaluationPeriod.objects.get(title="2026年度党员评议")
    assert (period.target.pk, period.starts_on, period.ends_on, period.opened_by) == (
        wj.pk, datetime.date(2026, 12, 1), datetime.date(2026, 12, 15), supervisor,
    )
    assert "2026年度党员评议" in client.get("/admin/supervision/evaluations/").content.decode()


def test_a_supervisor_cannot_open_a_period_outside_their_reach(client, wj):
    lk_supervisor = admin(make_user("lk_supervisor", reach=find_unit(LK)))
    client.force_login(lk_supervisor)
    response = client.post(
        "/admin/supervision/evaluations/new/",
        {"target": wj.pk, "title": "越权评议", "starts_on": "2026-12-01", "ends_on": "2026-12-15"},
    )
    assert response.status_code == 200 and "请选择监督范围内的单位或行政区域" in response.content.decode()
    assert "越权评议" in response.content.decode()  # the form keeps what was typed
    assert not EvaluationPeriod.objects.filter(title="越权评议").exists()
    with pytest.raises(EvaluationError):
        period_open(actor=lk_supervisor, target=wj, title="越权评议", starts_on=today(), ends_on=today())


def test_end_before_start_is_refused_with_a_message(client, user_named, wj):
    client.force_login(admin(user_named("sg_supervisor")))
    response = client.post(
        "/admin/supervision/evaluations/new/",
        {"target": wj.pk, "title": "日期错误", "starts_on": "2026-12-15", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    assert not EvaluationPeriod.objects.filter(title="日期错误").exists()


def test_a_unit_editor_has_no_evaluation_screens(client, user_named):
    client.force_login(admin(user_named("wj_editor")))
    response = client.get("/admin/supervision/evaluations/new/")
    assert response.status_code in (302, 403)
    assert "评议对象" not in client.get("/admin/supervision/evaluations/new/", follow=True).content.decode()


def test_the_list_shows_periods_in_reach_only(client, user_named, wj, open_period):
    lk_period = period_open(
        actor=make_user("lk_sup", reach=find_unit(LK)),
        target=find_unit(LK), title="龙口评议", starts_on=today(), ends_on=today(),
    )
    client.force_login(admin(user_named("wj_supervisor")))
    page = client.get("/admin/supervision/evaluations/").content.decode()
    assert open_period.title in page and lk_period.title not in page
    for address in ("inspect", "edit", "delete"):
        assert client.get(f"/admin/supervision/evaluations/{address}/{lk_period.pk}/").status_code == 404, address


# --- a member rates, once, after a confirmation ------------------------------------------------------------


def test_a_member_rates_after_confirming(client, user_named, wj, open_period):
    client.force_login(user_named("wj_member"))
    listing = client.get("/evaluations/").content.decode()
    assert open_period.title in listing and "参加评议" in listing
    form = client.get(rate_url(open_period, wj)).content.decode()
    assert "提交后不可修改" in form and "满意" in form and "基本满意" in form and "不满意" in form

    confirm = client.post(rate_url(open_period, wj), {"choice": Satisfaction.BASIC, "comment": "公开栏更新不够及时。"})
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "确认提交" in page and "提交后不可修改" in page and "基本满意" in page
    assert Rating.objects.count() == 0 and BallotCast.objects.count() == 0  # nothing before the confirmation

    back = client.post(rate_url(open_period, wj), {"choice": Satisfaction.BASIC, "comment": "公开栏更新不够及时。", "edit": "1"})
    assert "公开栏更新不够及时。" in back.content.decode() and "下一步：确认" in back.content.decode()

    done = client.post(
        rate_url(open_period, wj), {"choice": Satisfaction.BASIC, "comment": "公开栏更新不够及时。", "confirm": "1"}
    )
    assert done.status_code == 200 and "评议已提交" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.period, rating.unit.pk, rating.choice, rating.comment) == (
        open_period, wj.pk, Satisfaction.BASIC, "公开栏更新不够及时。",
    )
    assert BallotCast.objects.filter(period=open_period, unit=wj, member=user_named("wj_member")).count() == 1
    assert "您已参加" in client.get("/evaluations/").content.decode()


def test_a_second_attempt_gets_a_clear_message_and_stores_nothing(client, user_named, wj, open_period):
    member = user_named("wj_member")
    client.force_login(member)
    data = {"choice": Satisfaction.SATISFIED, "comment": "", "confirm": "1"}
    assert client.post(rate_url(open_period, wj), data).status_code == 200
    again = client.post(rate_url(open_period, wj), {**data, "choice": Satisfaction.DISSATISFIED})
    assert again.status_code == 409 and ALREADY_CAST in again.content.decode()
    assert client.get(rate_url(open_period, wj)).status_code == 409
    with pytest.raises(EvaluationError) as raised:
        rating_cast(period=open_period, unit=wj, member=member, choice=Satisfaction.DISSATISFIED)
    assert raised.value.message == ALREADY_CAST
    assert Rating.objects.count() == 1 and Rating.objects.get().choice == Satisfaction.SATISFIED
    assert BallotCast.objects.count() == 1


def test_the_database_refuses_a_second_marker(user_named, wj, open_period):
    member = user_named("wj_member")
    BallotCast.objects.create(period=open_period, unit=wj, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotCast.objects.create(period=open_period, unit=wj, member=member)


def test_a_bad_choice_keeps_the_comment_and_stores_nothing(client, user_named, wj, open_period):
    client.force_login(user_named("wj_member"))
    response = client.post(rate_url(open_period, wj), {"choice": "excellent", "comment": "我的意见", "confirm": "1"})
    assert response.status_code == 400 and "请选择评议意见" in response.content.decode()
    assert "我的意见" in response.content.decode()
    assert Rating.objects.count() == 0 and BallotCast.objects.count() == 0


@pytest.mark.parametrize("username", ["wj_editor", "lk_member", "sg_supervisor"])
def test_non_members_and_outsiders_cannot_rate(client, user_named, wj, open_period, username):
    client.force_login(user_named(username))
    assert client.get(rate_url(open_period, wj)).status_code == 403
    response = client.post(rate_url(open_period, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"})
    assert response.status_code == 403 and "只有本单位党员可以参加评议" in response.content.decode()
    assert Rating.objects.count() == 0 and BallotCast.objects.count() == 0


def test_the_anonymous_public_is_sent_to_the_login(client, wj, open_period):
    response = client.post(rate_url(open_period, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert Rating.objects.count() == 0


def test_a_committee_member_rates_too(client, wj, open_period):
    committee = make_user("wj_committee", unit_path=WJ, role=Role.COMMITTEE)
    client.force_login(committee)
    assert client.post(rate_url(open_period, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"}).status_code == 200
    assert Rating.objects.count() == 1


def test_no_rating_before_or_after_the_period(client, user_named, wj):
    supervisor = user_named("sg_supervisor")
    upcoming = period_open(actor=supervisor, target=wj, title="未开始", starts_on=today() + DAY, ends_on=today() + 9 * DAY)
    ended = period_open(actor=supervisor, target=wj, title="已结束", starts_on=today() - 9 * DAY, ends_on=today() - DAY)
    client.force_login(user_named("wj_member"))
    before = client.post(rate_url(upcoming, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"})
    after = client.post(rate_url(ended, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"})
    assert before.status_code == 403 and "评议尚未开始" in before.content.decode()
    assert after.status_code == 403 and "评议已于" in after.content.decode() and "结束" in after.content.decode()
    assert Rating.objects.count() == 0 and BallotCast.objects.count() == 0


def test_a_region_period_lets_members_of_each_unit_in_it_rate_their_unit(client, user_named, wj):
    region = find_unit(WJ).get_parent()  # 武江区
    period = period_open(actor=user_named("wj_supervisor"), target=region, title="武江区评议", starts_on=today(), ends_on=today())
    client.force_login(user_named("wj_member"))
    assert "武江区评议" in client.get("/evaluations/").content.decode()
    assert client.post(rate_url(period, wj), {"choice": Satisfaction.SATISFIED, "confirm": "1"}).status_code == 200
    lk = find_unit(LK)
    assert client.get(rate_url(period, lk)).status_code == 404  # not in the region


def test_an_empty_list_says_so(client, db):
    client.force_login(make_user("new_member", unit_path=WJ, role=Role.MEMBER))
    assert "目前没有需要您参加或可以查看的评议" in client.get("/evaluations/").content.decode()


# --- anonymity is in the schema --------------------------------------------------------------------------


def test_a_rating_has_no_way_back_to_its_member():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    fields = Rating._meta.get_fields()
    related = {f.related_model for f in fields if f.is_relation}
    assert user_model not in related and BallotCast not in related
    assert Rating not in {f.related_model for f in BallotCast._meta.get_fields() if f.is_relation}
    names = {f.name for f in fields}
    assert not names & {"member", "user", "ballot", "created_at", "submitted_at", "cast_at"}
    assert not [f for f in fields if isinstance(f, (models.DateTimeField, models.DateField, models.TimeField))]
    assert not [f for f in BallotCast._meta.get_fields() if isinstance(f, (models.DateTimeField, models.DateField))]
    assert isinstance(Rating._meta.pk, models.UUIDField) and isinstance(BallotCast._meta.pk, models.UUIDField)
    assert Rating._meta.ordering == ["choice", "id"]
    assert not hasattr(Rating, "history") and not hasattr(BallotCast, "history")  # no change log with who and when


def test_the_listing_order_does_not_follow_the_casting_order(user_named, wj):
    supervisor = user_named("sg_supervisor")
    a, b = user_named("wj_member"), make_user("wj_member_b", unit_path=WJ, role=Role.MEMBER)
    listed = []
    for first, second in ((a, b), (b, a)):
        period = period_open(actor=supervisor, target=wj, title="顺序", starts_on=today(), ends_on=today())
        for member in (first, second):
            choice, comment = (
                (Satisfaction.DISSATISFIED, "意见甲") if member == a else (Satisfaction.SATISFIED, "意见乙")
            )
            cast(period, wj, member, choice, comment)
        listed.append(
            (
                list(Rating.objects.filter(period=period).values_list("choice", "comment")),
                evaluation_results(wj, end(period)).comments,
            )
        )
    # A cast 不满意 first in the one period and last in the other: both list the same, by choice.
    assert listed[0] == listed[1] == (
        [(Satisfaction.SATISFIED, "意见乙"), (Satisfaction.DISSATISFIED, "意见甲")],
        ["意见乙", "意见甲"],
    )


# --- results: the unit's members and the superior, after the end --------------------------------------------


@pytest.fixture
def ended_with_votes(user_named, wj, open_period):
    c = make_user("wj_member_c", unit_path=WJ, role=Role.MEMBER)
    cast(open_period, wj, user_named("wj_member"), Satisfaction.SATISFIED, "希望公开更及时。")
    cast(open_period, wj, make_user("wj_member_b", unit_path=WJ, role=Role.MEMBER), Satisfaction.SATISFIED)
    cast(open_period, wj, c, Satisfaction.BASIC, "公开栏位置不醒目。")
    return end(open_period)


def test_counts_and_percentages_computed_by_hand(wj, ended_with_votes):
    results = evaluation_results(wj, ended_with_votes)
    # 3 ballots: 满意 2 (2/3 = 66.7%), 基本满意 1 (33.3%), 不满意 0 (0.0%).
    assert results.total == 3
    assert [(row.label, row.count, row.percent) for row in results.counts] == [
        ("满意", 2, 66.7), ("基本满意", 1, 33.3), ("不满意", 0, 0.0),
    ]
    assert sorted(results.comments) == sorted(["希望公开更及时。", "公开栏位置不醒目。"])


@pytest.mark.parametrize("username", ["wj_member", "wj_editor", "sg_supervisor", "wj_supervisor"])
def test_results_after_the_end_for_the_units_members_and_superiors(client, user_named, wj, ended_with_votes, username):
    client.force_login(user_named(username))
    response = client.get(f"{rate_url(ended_with_votes, wj)}results/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "参加评议 3 人" in page and "66.7%" in page and "33.3%" in page and "公开栏位置不醒目。" in page


@pytest.mark.parametrize("username", ["lk_member", "lk_editor"])
def test_results_are_not_for_outsiders(client, user_named, wj, ended_with_votes, username):
    user = user_named(username) if username == "lk_member" else make_user(username, unit_path=LK, role=Role.EDITOR)
    client.force_login(user)
    response = client.get(f"{rate_url(ended_with_votes, wj)}results/")
    assert response.status_code == 403 and "66.7%" not in response.content.decode()


def test_results_are_not_for_the_public(client, wj, ended_with_votes):
    response = client.get(f"{rate_url(ended_with_votes, wj)}results/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_no_results_while_the_period_runs_not_even_for_the_superior(client, user_named, wj, open_period):
    cast(open_period, wj, user_named("wj_member"), Satisfaction.DISSATISFIED, "说明")
    for username in ("wj_member", "sg_supervisor"):
        client.force_login(user_named(username))
        response = client.get(f"{rate_url(open_period, wj)}results/")
        assert response.status_code == 403 and "评议结束后" in response.content.decode()
    # The superior's screen shows how many voted, not what they said.
    client.force_login(admin(user_named("sg_supervisor")))
    page = client.get(f"/admin/supervision/evaluations/inspect/{open_period.pk}/").content.decode()
    assert "各单位参评情况" in page and "评议进行中只显示参加人数" in page and "说明" not in page


def test_the_superiors_inspect_screen_shows_the_results_after_the_end(client, user_named, ended_with_votes):
    client.force_login(admin(user_named("sg_supervisor")))
    page = client.get(f"/admin/supervision/evaluations/inspect/{ended_with_votes.pk}/").content.decode()
    assert "2（66.7%）" in page and "1（33.3%）" in page and "希望公开更及时。" in page
