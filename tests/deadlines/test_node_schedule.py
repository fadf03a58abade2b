"""时限说明: an editor checks how each due date of a catalogue node was computed."""

import datetime

import pytest
from django.urls import reverse

from tests.builders import node_for

from .conftest import assert_refused

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"


def url(code="1-1-5", unit_path=WJ, year=2026):
    return reverse("deadlines:node_schedule", args=[node_for(unit_path, code).pk]) + f"?year={year}"


def test_editor_sees_each_period_with_its_computation(client, admin_login):
    admin_login("wj_editor")
    html = client.get(url()).content.decode()
    assert "及时公开：事情发生后5日内完成对外发布" in html
    assert "2026年9月" in html and "2026-10-05（国庆节）" in html and "《民法典》第二百零三条" in html
    assert "本月有1件事项：03月02日发生，应于03月09日前公开，03月06日公开（按时公开）" in html
    assert "零上报（无发生）" in html  # the button for editors


def test_fixed_node_shows_skipped_days_and_make_up_days(client, admin_user, item_factory):
    item_factory(LK, "3-1-2", title="换届选举结果", period={"event_date": "2026-09-30"}, published=datetime.date(2026, 10, 12))
    client.force_login(admin_user)
    html = client.get(url("3-1-2", LK)).content.decode()
    assert "事项确定后5个工作日内" in html and "加5个工作日，得 2026-10-13（星期二）" in html
    assert "2026-10-01（国庆节）" in html and "2026-10-11（星期日）" in html
    assert "计入的调休上班日：2026-10-10（国庆节调休上班）" in html
    assert "换届选举结果" in html and "按时公开" in html


@pytest.mark.parametrize("username", ["lk_committee", "sg_supervisor"])
def test_people_outside_the_unit_and_its_supervisors_are_refused(client, admin_login, username):
    admin_login(username)  # a committee member is not an editor; 韶关市 reaches no further than 韶关市
    assert_refused(client.get(url("3-1-2", LK)))


def test_supervisor_above_the_unit_may_read_it_without_the_button(client, admin_login):
    admin_login("wj_supervisor")
    html = client.get(url()).content.decode()
    assert "2026年4月" in html and "零上报（无发生）</a>" not in html


def test_other_units_editor_is_refused(client, admin_login):
    admin_login("wj_editor")
    assert_refused(client.get(url(unit_path="韶关市/浈江区/区委办")))


def test_admin_page_header_offers_the_schedule_and_zero_report(client, admin_login, admin_user):
    client.force_login(admin_user)
    node = node_for(WJ, "1-1-5")
    html = client.get(reverse("wagtailadmin_explore", args=[node.pk])).content.decode()
    assert reverse("deadlines:node_schedule", args=[node.pk]) in html
    assert reverse("deadlines:zero_report", args=[node.pk]) in html
