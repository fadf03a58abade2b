"""The pre-screen shown to the reviewer, and the confirmation a public item needs."""

from __future__ import annotations

import json

from django.urls import reverse

from disclosure_pages.choices import Scope
from review.models import ReviewTaskState
from tests.builders import node_for

from .helpers import XHR, create_item, review

WJ = "韶关市/武江区/区委办"
PHONE_BODY = "<p>联系人：张三，手机 13812345678</p>"


def submit(client, people, *, scope: str = Scope.PUBLIC, body: str = PHONE_BODY):
    client.force_login(people["wj_editor"])
    item = create_item(client, node_for(WJ, "1-1-3"), title="含手机号码的事项", body=body, scope=scope)
    client.force_login(people["wj_reviewer"])
    return item


def test_editor_sees_the_prescreen_panel_in_the_editor(client, people):
    item = submit(client, people)
    client.force_login(people["wj_editor"])
    html = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert "自动预审发现 1 处" in html
    assert "138****5678" in html
    assert "13812345678" not in html.split("自动预审")[1].split("</table>")[0]


def test_review_modal_lists_the_findings(client, people):
    item = submit(client, people)
    item.refresh_from_db()
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, "approve", item.current_workflow_task_state.pk])
    html = json.loads(client.get(url, **XHR).content)["html"]
    assert "手机号码" in html and "138****5678" in html and "公开正文" in html


def test_public_item_with_findings_is_not_approved_without_confirmation(client, people):
    item = submit(client, people)
    answer = review(client, item)
    assert answer["step"] == "action"
    assert "已核实" in answer["html"]
    item.refresh_from_db()
    assert not item.live

    answer = review(client, item, prescreen_confirmed="on")
    assert answer["step"] == "action"
    assert "请说明核实情况" in answer["html"]


def test_public_item_with_confirmed_findings_is_approved_and_the_confirmation_kept(client, people):
    item = submit(client, people)
    answer = review(client, item, prescreen_confirmed="on", prescreen_reason="为单位公开的联系电话，本人同意公开")
    assert answer["step"] == "success"
    item.refresh_from_db()
    assert item.live
    state = ReviewTaskState.objects.get(workflow_state__object_id=str(item.pk))
    decided = state.form_as_decided()  # the approval form is the record of the decision
    assert decided.prescreen_confirmed
    assert decided.prescreen_reason == "为单位公开的联系电话，本人同意公开"
    assert [(f["kind"], f["value"]) for f in decided.prescreen_findings] == [("mobile", "138****5678")]


def test_party_internal_item_needs_no_confirmation(client, people):
    item = submit(client, people, scope=Scope.PARTY)
    assert review(client, item)["step"] == "success"
    item.refresh_from_db()
    assert item.live


def test_public_item_without_findings_needs_no_confirmation(client, people):
    item = submit(client, people, body="<p>本年度共发展党员3名。</p>")
    assert review(client, item)["step"] == "success"
