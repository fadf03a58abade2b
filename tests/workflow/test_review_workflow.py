"""审核 → 审批 → 发布, end to end through the admin: forms, opinions, rejection, notices."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from archive.selectors import approval_forms_for_item, records_for_item
from review.models import LeaderApprovalTaskState, ReviewTaskState
from tests.builders import make_user, node_for

from .helpers import XHR, act, approve_as_leader, create_item, edit_item, review

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


@pytest.fixture
def node(db):
    return node_for(WJ, "1-1-3")


@pytest.fixture
def important_node(node):
    node.requires_leader_approval = True
    node.save()
    return node


@pytest.fixture
def submitted(client, people, node):
    """An item the editor of 武江区委办 has just submitted."""
    client.force_login(people["wj_editor"])
    item = create_item(client, node, title="2026年度党建工作计划")
    mail.outbox.clear()
    return item


def test_item_submitted_by_editor_waits_for_the_units_reviewer(client, people, node, django_capture_on_commit_callbacks):
    client.force_login(people["wj_editor"])
    with django_capture_on_commit_callbacks(execute=True):
        item = create_item(client, node, title="2026年度党建工作计划")
    assert not item.live
    assert item.current_workflow_task.name == "审核（分管负责人）"
    assert [m.to for m in mail.outbox] == [["reviewer@wj.example"]]
    assert "待审核" in mail.outbox[0].subject


def test_reviewer_sees_the_item_awaiting_review_on_the_dashboard(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "2026年度党建工作计划" in response.content.decode()


def test_review_form_requires_both_opinions_with_reasons(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    answer = act(client, submitted, "approve", disclose_opinion="agree", secrecy_opinion="pass")
    assert answer["step"] == "action"
    assert "请填写公开意见理由。" in answer["html"]
    assert "请填写保密审核理由。" in answer["html"]
    submitted.refresh_from_db()
    assert submitted.current_workflow_task.name == "审核（分管负责人）"


def test_approve_refuses_a_disagreeing_opinion(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    answer = review(client, submitted, "approve", disclose_opinion="disagree")
    assert answer["step"] == "action"
    assert "请选择“退回修改”" in answer["html"]


def test_review_approval_publishes_at_once_when_no_leader_approval_is_needed(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    answer = review(client, submitted)
    assert answer["step"] == "success"
    submitted.refresh_from_db()
    assert submitted.live
    state = ReviewTaskState.objects.get(workflow_state__object_id=str(submitted.pk))
    # The task state stores no opinion of its own: it points at the approval form as it decided.
    decided = state.form_as_decided()
    assert (decided.disclose_opinion, decided.secrecy_opinion) == ("agree", "pass")
    assert state.finished_by == people["wj_reviewer"]
    skipped = LeaderApprovalTaskState.objects.get(workflow_state__object_id=str(submitted.pk))
    assert skipped.status == TaskState.STATUS_SKIPPED
    assert "自动跳过" in skipped.comment
    # The opinions are on the approval form (审批表) and the publication is archived.
    form = approval_forms_for_item(submitted).first()
    assert form.disclose_reason == "属于目录规定的公开内容"
    assert form.secrecy_reason == "不涉及国家秘密和个人隐私"
    assert records_for_item(submitted).filter(kind="publication").count() == 1


def test_important_catalogue_node_goes_to_a_leader_of_the_unit(
    client, people, important_node, django_capture_on_commit_callbacks
):
    client.force_login(people["wj_editor"])
    item = create_item(client, important_node, title="重要事项")
    client.force_login(people["wj_reviewer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review(client, item)
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_task.name == "审批（主要负责人）"
    assert [m.to for m in mail.outbox] == [["leader@wj.example"]]

    client.force_login(people["wj_leader"])
    answer = approve_as_leader(client, item, reason="同意向社会公开")
    assert answer["step"] == "success"
    item.refresh_from_db()
    assert item.live
    state = LeaderApprovalTaskState.objects.get(workflow_state__object_id=str(item.pk), status="approved")
    decided = state.form_as_decided()
    assert (decided.leader_decision, decided.leader_opinion) == ("agree", "同意。同意向社会公开")
    assert state.opinion_rows == [("主要领导意见", "同意。理由：同意向社会公开")]
    assert approval_forms_for_item(item).first().leader_opinion.startswith("同意")


def test_reviewer_may_ask_for_leader_approval(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    review(client, submitted, request_leader_approval="on")
    submitted.refresh_from_db()
    assert not submitted.live
    assert submitted.current_workflow_task.name == "审批（主要负责人）"


def test_leader_rejection_returns_to_editor_and_tells_everyone_who_acted(
    client, people, important_node, django_capture_on_commit_callbacks
):
    client.force_login(people["wj_editor"])
    item = create_item(client, important_node, title="重要事项")
    client.force_login(people["wj_reviewer"])
    review(client, item)
    client.force_login(people["wj_leader"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_as_leader(client, item, "reject", reason="数据需与财务科核对后再公开")
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["editor@wj.example", "reviewer@wj.example"]
    assert all("数据需与财务科核对后再公开" in message.body for message in mail.outbox)

    # The editor may edit again; the corrected item is reviewed again before the leader sees it.
    client.force_login(people["wj_editor"])
    response = edit_item(client, item, body="<p>已核对的数据</p>")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_workflow_task.name == "审核（分管负责人）"


@pytest.mark.parametrize(
    ("disclose", "secrecy"), [("disagree", "pass"), ("agree", "fail"), ("agree", "declassify")]
)
def test_review_rejection_returns_to_editor_with_the_reason(
    client, people, submitted, disclose, secrecy, django_capture_on_commit_callbacks
):
    client.force_login(people["wj_reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = review(
            client, submitted, "reject", disclose_opinion=disclose, secrecy_opinion=secrecy, secrecy_reason="第三段含内部数据，请删除"
        )
    assert answer["step"] == "success"
    submitted.refresh_from_db()
    assert not submitted.live
    assert submitted.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert [m.to for m in mail.outbox] == [["editor@wj.example"]]
    assert "第三段含内部数据，请删除" in mail.outbox[0].body
    # Back with the editor: they can change it again.
    client.force_login(people["wj_editor"])
    revisions = submitted.revisions.count()
    edit_item(client, submitted, submit=False, body="<p>已删除内部数据</p>")
    assert submitted.revisions.count() == revisions + 1


def test_editor_cannot_change_an_item_under_review(client, people, submitted):
    submitted.refresh_from_db()
    task = submitted.current_workflow_task
    assert task.locked_for_user(submitted, people["wj_editor"])
    assert not task.locked_for_user(submitted, people["wj_reviewer"])
    revisions = submitted.revisions.count()
    edit_item(client, submitted, submit=False, title="改过的标题")
    assert submitted.revisions.count() == revisions


def test_only_the_units_reviewer_may_review(client, people, submitted):
    outsider = make_user("zj_reviewer", unit_path=ZJ, role="reviewer")
    task_state = submitted.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", task_state.pk])
    for user in (outsider, people["wj_leader"], people["wj_editor"], people["sg_supervisor"]):
        client.force_login(user)
        assert client.get(url, **XHR).status_code == 403, user.username
    client.force_login(people["wj_reviewer"])
    assert client.get(url, **XHR).status_code == 200


def test_review_modal_shows_the_opinion_fields(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    task_state = submitted.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", task_state.pk])
    html = json.loads(client.get(url, **XHR).content)["html"]
    for label in ("公开意见", "保密审核", "需脱密处理", "报主要负责人审批", "自动预审"):
        assert label in html


def test_reviewer_opens_the_item_with_the_review_actions(client, people, submitted):
    client.force_login(people["wj_reviewer"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[submitted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "审核通过" in html and "退回修改" in html
    assert "自动预审" in html


def test_wagtails_own_workflow_mails_have_chinese_subjects(
    client, people, node, django_capture_on_commit_callbacks
):
    # Wagtail's zh-hans catalogue lacks its workflow subjects; the project's templates word them.
    client.force_login(people["wj_editor"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = create_item(client, node, title="通知标题测试事项")
        client.force_login(people["wj_reviewer"])
        review(client, item)
    item.refresh_from_db()
    assert item.live
    subjects = [m.subject for m in mail.outbox]
    assert any("通知标题测试事项" in s and "已通过" in s for s in subjects), subjects
    assert all(s.startswith("【党务公开】") for s in subjects), subjects
    assert not any("has been" in s for s in subjects), subjects
