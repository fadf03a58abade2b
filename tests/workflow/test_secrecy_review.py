"""The secrecy review as 《中共惠农区委党务公开若干制度（试行）》 has it (第十五–十七条, 第二十六条):
the proposer's initial opinion, the reviewer's, the 分管保密负责人's, the 区保密办 when a
classification mark is found or someone asks, and 会签 with every department the item concerns.
Each step's opinion and reason is on the approval form (审批表) and its printout."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import WorkflowState

from archive.pdf import approval_form_html
from disclosure_pages.selectors import find_unit
from review.models import Countersignature, CountersignTask, SecrecyOfficeTask, SecrecyReviewTask
from review.selectors import approval_forms_for_item
from tests.builders import node_for

from .helpers import act, create_item, review

HN = "石嘴山市/惠农区/区委"
PL = "石嘴山市/平罗县/县编办"
WJ = "韶关市/武江区/区委办"


@pytest.fixture
def hn(db):
    User = get_user_model()
    return {
        name: User.objects.get(username=name)
        for name in ("hn_editor", "hn_reviewer", "hn_secrecy", "hn_leader", "hn_secrecy_office", "pl_reviewer", "wj_reviewer")
    }


@pytest.fixture
def node(db):
    node = node_for(HN, "1-2-1")
    node.requires_leader_approval = False
    node.save_revision().publish()
    return node


def submitted(client, hn, node, title="惠农区委事项", **fields):
    client.force_login(hn["hn_editor"])
    return create_item(client, node, title=title, **fields)


def secrecy(client, item, action="approve", **fields):
    defaults = {"secrecy_opinion": "pass" if action == "approve" else "fail", "secrecy_reason": "不涉及国家秘密"}
    return act(client, item, action, **{**defaults, **fields})


def countersign(client, item, action="approve", **fields):
    defaults = {"opinion": "agree" if action == "approve" else "disagree", "reason": "与我单位工作相符，同意发布"}
    return act(client, item, action, **{**defaults, **fields})


def current_step(item) -> str:
    item.refresh_from_db()
    state = item.current_workflow_task
    return state.name if state is not None else ""


def test_the_secrecy_officer_reviews_after_the_reviewer_and_the_form_shows_it(client, hn, node):
    item = submitted(client, hn, node)
    client.force_login(hn["hn_reviewer"])
    assert review(client, item)["step"] == "success"
    assert current_step(item) == "保密审查（分管保密负责人）"
    assert not item.live

    client.force_login(hn["hn_secrecy"])
    assert secrecy(client, item, secrecy_reason="经逐段审查，不含涉密内容")["step"] == "success"
    item.refresh_from_db()
    assert item.live  # no mark found, nobody asked for the 区保密办, no department named, not important
    form = approval_forms_for_item(item).first()
    assert (form.secrecy_officer, form.secrecy_officer_opinion) == (hn["hn_secrecy"], "pass")
    html = approval_form_html(form)
    assert "保密审查" in html and "经逐段审查，不含涉密内容" in html
    assert "属于本单位公开目录规定的内容" in html  # the proposer's initial opinion, still there


def test_the_secrecy_officer_must_return_what_does_not_pass(client, hn, node):
    item = submitted(client, hn, node)
    client.force_login(hn["hn_reviewer"])
    review(client, item)
    client.force_login(hn["hn_secrecy"])
    answer = secrecy(client, item, secrecy_opinion="declassify")
    assert answer["step"] == "action"
    assert "请选择“退回修改”" in answer["html"]
    answer = secrecy(client, item, secrecy_reason="")
    assert "请填写保密审查理由。" in answer["html"]
    assert secrecy(client, item, "reject", secrecy_opinion="declassify", secrecy_reason="第二段含内部数据")["step"] == "success"
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert approval_forms_for_item(item).first().secrecy_officer_reason == "第二段含内部数据"


def test_only_the_units_secrecy_officer_may_act(client, hn, node):
    item = submitted(client, hn, node)
    client.force_login(hn["hn_reviewer"])
    review(client, item)
    task = SecrecyReviewTask.objects.get()
    assert task.get_actions(item, hn["hn_secrecy"])
    for someone in ("hn_reviewer", "hn_editor", "wj_reviewer", "hn_secrecy_office"):
        assert task.get_actions(item, hn[someone]) == [], someone


def test_the_reviewer_may_send_the_item_to_the_secrecy_office(client, hn, node):
    item = submitted(client, hn, node)
    client.force_login(hn["hn_reviewer"])
    answer = review(client, item, request_secrecy_office="on")
    assert "报区保密办审查时，请说明原因。" in answer["html"]
    review(client, item, request_secrecy_office="on", secrecy_office_request_reason="涉及干部任免，请保密办把关")
    client.force_login(hn["hn_secrecy"])
    secrecy(client, item)
    assert current_step(item) == "保密审查（区保密办）"
    assert SecrecyOfficeTask.objects.get().get_actions(item, hn["hn_secrecy"]) == []

    client.force_login(hn["hn_secrecy_office"])
    answer = act(client, item, "approve", secrecy_opinion="pass", secrecy_reason="经区保密办审查，可以公开")
    assert answer["step"] == "success"
    item.refresh_from_db()
    assert item.live
    html = approval_form_html(approval_forms_for_item(item).first())
    assert "涉及干部任免，请保密办把关" in html and "经区保密办审查，可以公开" in html


def test_a_classification_mark_goes_to_the_secrecy_office_which_may_refuse(client, hn, node):
    item = submitted(client, hn, node, title="含密级标志的事项", body="<p>内部资料 注意保存</p>", scope="party")
    client.force_login(hn["hn_reviewer"])
    review(client, item)
    client.force_login(hn["hn_secrecy"])
    secrecy(client, item)
    assert current_step(item) == "保密审查（区保密办）"
    client.force_login(hn["hn_secrecy_office"])
    answer = act(client, item, "reject", secrecy_opinion="fail", secrecy_reason="含内部资料，不得公开")
    assert answer["step"] == "success"
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert approval_forms_for_item(item).first().secrecy_office_opinion == "fail"


def test_countersigning_departments_all_must_agree(client, hn, node):
    item = submitted(client, hn, node, title="涉及两个部门的事项")
    pl, wj = find_unit(PL), find_unit(WJ)
    client.force_login(hn["hn_reviewer"])
    assert review(client, item, countersign_units=[pl.pk, wj.pk])["step"] == "success"
    client.force_login(hn["hn_secrecy"])
    secrecy(client, item)
    assert current_step(item) == "会签（相关部门）"
    task = CountersignTask.objects.get()
    assert task.get_actions(item, hn["hn_reviewer"]) == []  # the item's own unit does not countersign

    client.force_login(hn["pl_reviewer"])
    assert countersign(client, item)["step"] == "success"
    item.refresh_from_db()
    assert not item.live  # 经对方确认后发布: 武江区委办 has not signed yet
    assert task.get_actions(item, hn["pl_reviewer"]) == []  # signed once

    client.force_login(hn["wj_reviewer"])
    assert countersign(client, item, reason="已与我办沟通确认")["step"] == "success"
    item.refresh_from_db()
    assert item.live
    form = approval_forms_for_item(item).first()
    assert sorted(form.countersignatures.values_list("opinion", flat=True)) == ["agree", "agree"]
    html = approval_form_html(form)
    assert "会签意见" in html and "已与我办沟通确认" in html


def test_one_department_refusing_returns_the_item(client, hn, node):
    item = submitted(client, hn, node, title="会签不同意的事项")
    pl = find_unit(PL)
    client.force_login(hn["hn_reviewer"])
    review(client, item, countersign_units=[pl.pk])
    client.force_login(hn["hn_secrecy"])
    secrecy(client, item)
    client.force_login(hn["pl_reviewer"])
    answer = countersign(client, item, "approve", opinion="disagree")
    assert "请选择“不同意，退回”" in answer["html"]
    assert countersign(client, item, "reject", reason="数据与我单位统计不符")["step"] == "success"
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert Countersignature.objects.get(form__item=item).reason == "数据与我单位统计不符"


def test_every_steps_opinion_is_in_the_approval_form_pdf(client, hn, node):
    import subprocess
    import tempfile
    from pathlib import Path

    from archive.pdf import approval_form_pdf

    item = submitted(client, hn, node, title="审批表打印件")
    client.force_login(hn["hn_reviewer"])
    review(
        client,
        item,
        request_secrecy_office="on",
        secrecy_office_request_reason="请保密办把关",
        countersign_units=[find_unit(PL).pk],
    )
    client.force_login(hn["hn_secrecy"])
    secrecy(client, item, secrecy_reason="分管保密负责人已审查")
    client.force_login(hn["hn_secrecy_office"])
    act(client, item, "approve", secrecy_opinion="pass", secrecy_reason="区保密办已审查")
    client.force_login(hn["pl_reviewer"])
    countersign(client, item, reason="平罗县编办已确认")
    item.refresh_from_db()
    assert item.live
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.pdf"
        path.write_bytes(approval_form_pdf(approval_forms_for_item(item).first()))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    for expected in (
        "初步公开意见",
        "属于目录规定的公开内容",  # the reviewer's 公开意见
        "分管保密负责人已审查",
        "请保密办把关",
        "区保密办已审查",
        "平罗县编办已确认",
    ):
        assert expected in flat, expected


def test_the_review_modal_data_with_countersign_units_goes_back_as_json(db):
    # Wagtail's CollectWorkflowActionData returns the modal's cleaned_data as JSON to the edit view:
    # choosing 会签部门 there was a 500 (a queryset is not JSON) in the browser.
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from review.forms import ReviewActionForm

    other = find_unit("石嘴山市/平罗县/县编办")
    form = ReviewActionForm(
        {
            "disclose_opinion": "agree",
            "disclose_reason": "属于目录规定的公开内容",
            "secrecy_opinion": "pass",
            "secrecy_reason": "不涉及国家秘密",
            "countersign_units": [str(other.pk)],
        }
    )
    assert form.is_valid(), form.errors
    assert json.loads(json.dumps(form.cleaned_data, cls=DjangoJSONEncoder))["countersign_units"] == [other.pk]
