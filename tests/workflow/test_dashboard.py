"""Each persona's dashboard says what to do; the admin inbox holds every notice, with its link."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from deadlines import clock
from notices.models import Notice
from notices.wagtail_hooks import InboxMenuItem
from tests.builders import node_for

from .helpers import approve_as_leader, create_item, review

WJ = "韶关市/武江区/区委办"
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def judged_on_a_fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def node(db):
    return node_for(WJ, "1-1-3")


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading: str) -> str:
    start = html.index(heading)
    return html[start : html.index("</section>", start)]


def test_editor_sees_the_units_due_and_overdue_rows_with_one_click_to_act(client, people):
    html = dashboard(client, people["wj_editor"])
    rows = section(html, "本单位应公开事项")
    assert "已逾期" in rows
    immediate = node_for(WJ, "1-1-5")  # 及时公开, monthly 零上报
    add_url = reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", immediate.pk])
    assert f'href="{add_url}"' in rows and ">录入<" in rows
    assert f'href="{reverse("deadlines:zero_report", args=[immediate.pk])}"' in rows and ">零上报<" in rows
    # A reviewer has no catalogue rows to fill.
    assert "本单位应公开事项" not in dashboard(client, people["wj_reviewer"])


def test_reviewer_sees_the_task_waiting_and_for_how_long(client, people, node):
    client.force_login(people["wj_editor"])
    create_item(client, node, title="等待审核的事项甲")
    rows = section(dashboard(client, people["wj_reviewer"]), "待我处理")
    assert "等待审核的事项甲" in rows and "待审核" in rows
    assert "刚刚提交" in rows or "已等待" in rows
    # Not the leader's task yet.
    leader = dashboard(client, people["wj_leader"])
    assert "待我处理" not in leader or "等待审核的事项甲" not in section(leader, "待我处理")


def test_leader_sees_the_approval_waiting(client, people, node):
    node.requires_leader_approval = True
    node.save()
    client.force_login(people["wj_editor"])
    item = create_item(client, node, title="等待审批的事项乙")
    client.force_login(people["wj_reviewer"])
    review(client, item)
    rows = section(dashboard(client, people["wj_leader"]), "待我处理")
    assert "等待审批的事项乙" in rows and "待审批" in rows


def test_editor_sees_a_returned_item_with_the_reason_on_the_dashboard_and_the_edit_page(client, people, node):
    node.requires_leader_approval = True
    node.save()
    client.force_login(people["wj_editor"])
    item = create_item(client, node, title="被退回的事项丙")
    client.force_login(people["wj_reviewer"])
    review(client, item)
    client.force_login(people["wj_leader"])
    approve_as_leader(client, item, "reject", reason="请补充上年工作总结的数据")

    rows = section(dashboard(client, people["wj_editor"]), "退回修改的事项")
    assert "被退回的事项丙" in rows and "请补充上年工作总结的数据" in rows
    assert people["wj_leader"].get_full_name() in rows

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert "本事项已被退回修改" in edit and "请补充上年工作总结的数据" in edit
    assert edit.index("本事项已被退回修改") < edit.index('id="id_title"')


def test_supervisor_sees_the_units_in_reach_with_overdue_counts(client, people):
    rows = section(dashboard(client, people["wj_supervisor"]), "监督范围内逾期未公开的单位")
    assert "韶关市/武江区/区委办" in rows and " 项" in rows
    assert "韶关市/浈江区" not in rows  # outside 武江区
    assert "韶关市/浈江区" in section(dashboard(client, people["sg_supervisor"]), "监督范围内逾期未公开的单位")
    assert "监督范围内逾期未公开的单位" not in dashboard(client, people["wj_editor"])


def test_every_workflow_notice_reaches_the_inbox_with_its_link_and_mail_when_there_is_an_address(
    client, people, node, django_capture_on_commit_callbacks
):
    reviewer = people["wj_reviewer"]
    client.force_login(people["wj_editor"])
    with django_capture_on_commit_callbacks(execute=True):
        item = create_item(client, node, title="站内消息测试事项")
    notice = Notice.objects.get(user=reviewer, kind="task")
    assert "待审核" in notice.subject and "站内消息测试事项" in notice.subject
    assert notice.url == reverse("wagtailadmin_pages:edit", args=[item.pk])
    assert notice.emailed and ["reviewer@wj.example"] in [m.to for m in mail.outbox]

    # The sidebar item carries the unread count; the dashboard lists the notice.
    request = RequestFactory().get("/admin/")
    request.user = reviewer
    assert InboxMenuItem("站内消息", "/admin/notices/").render_component(request).label == "站内消息（1条未读）"
    assert "站内消息测试事项" in section(dashboard(client, reviewer), "未读站内消息")

    # Opening it marks it read and goes to its action.
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == notice.url
    notice.refresh_from_db()
    assert notice.is_read
    assert InboxMenuItem("站内消息", "/admin/notices/").render_component(request).label == "站内消息"

    # A rejection reaches the submitter's inbox too (their mail is Wagtail's own).
    review(client, item, "reject", disclose_opinion="disagree", disclose_reason="请补充附件")
    returned = Notice.objects.get(user=people["wj_editor"], kind="returned")
    assert returned.url == reverse("wagtailadmin_pages:edit", args=[item.pk]) and not returned.emailed


def test_the_submitter_is_told_in_the_inbox_when_the_item_is_approved(client, people, node):
    client.force_login(people["wj_editor"])
    item = create_item(client, node, title="通过后通知录入人")
    client.force_login(people["wj_reviewer"])
    review(client, item)
    notice = Notice.objects.get(user=people["wj_editor"], subject__contains="已通过")
    assert "通过后通知录入人" in notice.subject
    assert notice.url == reverse("wagtailadmin_pages:edit", args=[item.pk])


def test_a_user_without_an_address_is_still_told_in_the_inbox(client, people, node):
    people["wj_reviewer"].email = ""
    people["wj_reviewer"].save()
    client.force_login(people["wj_editor"])
    create_item(client, node, title="无邮箱也能收到")
    notice = Notice.objects.get(user=people["wj_reviewer"])
    assert not notice.emailed


def test_inbox_lists_notices_and_marks_all_read(client, people):
    from notices.services import notify

    user = people["wj_editor"]
    notify([user], subject="第一条", body="内容一", url="/admin/", kind="other")
    notify([user], subject="第二条", body="内容二", url="/admin/", kind="other")
    client.force_login(user)
    html = client.get(reverse("notices:inbox")).content.decode()
    assert "第一条" in html and "第二条" in html and "未读 2 条" in html
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.filter(user=user, read_at__isnull=True).exists()
    # Nobody else's notices.
    client.force_login(people["wj_leader"])
    assert client.get(reverse("notices:open", args=[Notice.objects.filter(user=user).first().pk])).status_code == 404


def test_revocation_message_says_who_was_told(client, people, item_factory):
    from disclosure_pages.selectors import find_unit

    told = item_factory(WJ, "1-1-1", title="撤消通知测试甲")
    client.force_login(people["sg_supervisor"])
    response = client.post(reverse("disclosure_item_revoke", args=[told.pk]), {"reason": "内容有误"}, follow=True)
    assert f"已通知：{people['wj_editor'].get_full_name()}" in response.content.decode()

    # A unit with no editor: the message does not claim its editor was told.
    unit = find_unit("韶关市/浈江区/区委办")
    assert not unit.memberships.filter(role="editor").exists()
    untold = item_factory("韶关市/浈江区/区委办", "1-1-1", title="撤消通知测试乙")
    response = client.post(reverse("disclosure_item_revoke", args=[untold.pk]), {"reason": "内容有误"}, follow=True)
    html = response.content.decode()
    assert "已通知该单位录入人" not in html
    assert "未能通知任何人" in html


def test_zero_report_is_a_labelled_button_in_the_catalogue_listing(client, people):
    immediate = node_for(WJ, "1-1-5")
    client.force_login(people["wj_editor"])
    html = client.get(reverse("wagtailadmin_explore", args=[immediate.get_parent().pk])).content.decode()
    url = reverse("deadlines:zero_report", args=[immediate.pk])
    start = html.index(f'href="{url}"')
    assert "零上报" in html[start : start + 400]
