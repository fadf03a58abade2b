"""The approval form (党务公开事项审批表, seed 002 附件1): filled from the item and the workflow, kept with history, printed as PDF."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from archive.choices import FormState
from archive.models import ApprovalForm
from archive.pdf import approval_form_pdf
from archive.services import (
    approval_form_for,
    approval_form_record_leader,
    approval_form_record_review,
    approval_form_record_submission,
)
from tests.archive.conftest import pdf_text, publish

pytestmark = pytest.mark.django_db


def fill_editor_part(item, user=None):
    item.disclosure_time = "2026年3月上旬"
    item.requirement = "regular"
    item.method = "party"
    item.platforms = "会议、文件、微信公众号、宣传橱窗"
    item.save_revision(user=user)


def test_form_is_created_from_the_items_fields(wj_item, user_named):
    fill_editor_part(wj_item, user=user_named("wj_editor"))

    form = approval_form_for(wj_item)

    assert form.state == FormState.OPEN
    assert form.department == "区委办"
    assert form.filled_on == timezone.localdate()
    assert form.content == "2026年度班子成员分工调整"
    assert form.disclosure_time == "2026年3月上旬"
    assert (form.requirement, form.method) == ("regular", "party")
    assert form.scope_text == wj_item.catalog_node.scope_text or wj_item.get_scope_display()
    assert form.platform_labels == ["会议", "文件", "新媒体", "其他"]
    assert form.new_media_text == "微信公众号"
    assert form.platform_other == "宣传橱窗"
    # 填表人 is whoever submits, not whoever saved the latest revision.
    assert form.filled_by is None
    wj_item.save_revision(user=user_named("wj_reviewer"))
    assert approval_form_record_submission(item=wj_item, user=user_named("wj_editor")).filled_by == user_named(
        "wj_editor"
    )
    assert approval_form_for(wj_item).filled_by == user_named("wj_editor")


def test_one_open_form_per_item_and_it_follows_the_draft(wj_item):
    first = approval_form_for(wj_item)
    wj_item.title = "2026年度班子成员分工（修订）"
    wj_item.save_revision()

    again = approval_form_for(wj_item)

    assert again.pk == first.pk
    assert again.content == "2026年度班子成员分工（修订）"
    assert ApprovalForm.objects.filter(item=wj_item, state=FormState.OPEN).count() == 1


def test_reviewer_and_leader_sign_their_parts_with_dates(wj_item, user_named):
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="同意",
        disclose_reason="属于公开目录1-1-1规定内容",
        secrecy_opinion="需脱密处理",
        secrecy_reason="已删去个人手机号码",
    )
    form = approval_form_record_leader(
        item=wj_item, user=user_named("wj_leader"), opinion="agree", reason="同意社会公开"
    )

    assert (form.disclose_opinion, form.secrecy_opinion) == ("agree", "declassify")
    assert form.reviewer == user_named("wj_reviewer")
    assert form.reviewer_opinion == "同意公开。属于公开目录1-1-1规定内容"
    assert form.reviewed_on == timezone.localdate()
    assert (form.leader, form.leader_decision, form.leader_on) == (
        user_named("wj_leader"),
        "agree",
        timezone.localdate(),
    )
    assert "同意社会公开" in form.leader_opinion


def test_review_without_reasons_is_refused_in_chinese(wj_item, user_named):
    with pytest.raises(ValidationError) as excinfo:
        approval_form_record_review(
            item=wj_item,
            user=user_named("wj_reviewer"),
            disclose_opinion="agree",
            disclose_reason="",
            secrecy_opinion="pass",
            secrecy_reason="不涉密",
        )
    assert "请填写公开意见的理由" in str(excinfo.value)

    with pytest.raises(ValidationError) as excinfo:
        approval_form_record_review(
            item=wj_item,
            user=user_named("wj_reviewer"),
            disclose_opinion="也许",
            disclose_reason="理由",
            secrecy_opinion="pass",
            secrecy_reason="不涉密",
        )
    assert "“也许”不是有效选项" in str(excinfo.value)


def test_review_confirming_prescreen_findings_needs_a_reason(wj_item, user_named):
    with pytest.raises(ValidationError, match="须说明理由"):
        approval_form_record_review(
            item=wj_item,
            user=user_named("wj_reviewer"),
            disclose_opinion="agree",
            disclose_reason="可以公开",
            secrecy_opinion="pass",
            secrecy_reason="不涉密",
            prescreen_confirmed=True,
        )


def test_every_change_of_the_form_is_kept_in_its_history(wj_item, user_named):
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="disagree",
        disclose_reason="内容不完整",
        secrecy_opinion="pass",
        secrecy_reason="不涉密",
    )
    form = approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="已补充完整",
        secrecy_opinion="pass",
        secrecy_reason="不涉密",
    )

    opinions = list(form.history.order_by("history_date").values_list("disclose_opinion", "disclose_reason"))
    assert ("disagree", "内容不完整") in opinions
    assert opinions[-1] == ("agree", "已补充完整")


def test_publication_uses_the_form_and_the_next_publication_gets_a_new_one(wj_item, user_named):
    first = approval_form_for(wj_item)
    revision = publish(wj_item, user=user_named("wj_editor"), title="分工调整（第一次发布）")

    first.refresh_from_db()
    assert first.state == FormState.USED
    assert first.revision == revision
    assert first.used_at is not None

    second = approval_form_for(wj_item)
    assert second.pk != first.pk
    assert second.state == FormState.OPEN


def test_form_pdf_reads_back_with_labels_values_and_ticks(wj_item, user_named):
    fill_editor_part(wj_item)
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="属于公开目录规定内容",
        secrecy_opinion="pass",
        secrecy_reason="经审查不涉及国家秘密",
    )
    form = approval_form_record_leader(item=wj_item, user=user_named("wj_leader"), opinion="agree", reason="")

    text = pdf_text(approval_form_pdf(form))

    assert "武江区区委办党务公开事项审批表" in text
    for label in (
        "部门",
        "填表日期",
        "公开内容",
        "公开时间",
        "公开要求",
        "公开方式",
        "公开范围",
        "公开平台",
        "公开意见",
        "保密审核",
        "分管领导意见",
        "主要领导意见",
    ):
        assert label in text, label
    assert "2026年度班子成员分工调整" in text
    assert "2026年3月上旬" in text
    assert "定期公开 ☑" in text and "长期公开 ☐" in text
    assert "党内公开 ☑" in text and "社会公开 ☐" in text
    assert "新媒体 ☑：微信公众号" in text
    assert "经审查不涉及国家秘密" in text
    assert "武江区委办 分管负责人" in text
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in text


def test_form_pdf_in_the_admin_for_the_units_reviewer_not_for_an_outsider(client, wj_item, user_named, outsider):
    form = approval_form_for(wj_item)
    url = reverse("archive_approval_form_pdf", args=[form.pk])

    client.force_login(outsider)
    assert client.get(url).status_code in (302, 403)

    reviewer = user_named("wj_reviewer")
    reviewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "公开内容" in pdf_text(response.content)

    item_url = reverse("archive_item_approval_form_pdf", args=[wj_item.pk])
    assert client.get(item_url).status_code == 200


def test_form_title_uses_the_party_organisation_when_recorded(wj_item):
    unit = wj_item.unit
    unit.organisation_name = "中共韶关市武江区委办公室支部委员会"
    unit.save()
    form = approval_form_for(wj_item)
    form.filled_on = datetime.date(2026, 3, 2)

    text = pdf_text(approval_form_pdf(form))

    assert "中共韶关市武江区委办公室支部委员会党务公开事项审批表" in text
    assert "2026年3月2日" in text


def test_item_edit_page_links_the_approval_form_for_those_who_may_read_it(client, wj_item, user_named, outsider):
    approval_form_for(wj_item)
    pdf_url = reverse("archive_item_approval_form_pdf", args=[wj_item.pk])
    edit_url = reverse("wagtailadmin_pages:edit", args=[wj_item.pk])

    editor = user_named("wj_editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    page = client.get(edit_url)
    assert page.status_code == 200
    assert pdf_url in page.content.decode() and "审批表（PDF）" in page.content.decode()

    client.force_login(outsider)
    page = client.get(edit_url)
    assert pdf_url not in page.content.decode()


# --- who did what: the three paths through the admin ------------------------------------------


@pytest.fixture
def workflow(db):
    from disclosure_pages.services import roles_sync
    from review.services import workflow_install

    roles_sync()
    return workflow_install()


@pytest.fixture
def wj_node(workflow):
    from tests.builders import node_for

    return node_for(WJ_PATH, "1-1-3")


WJ_PATH = "韶关市/武江区/区委办"


def _form_of(item):
    from archive.selectors import approval_forms_for_item

    return approval_forms_for_item(item).first()


def _names(*usernames):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=usernames)
    return {user.username: flat(user.get_full_name() or user.username) for user in users}


def reading_order_text(data: bytes) -> str:
    """pdftotext in reading order (no -layout: a cell's wrapped lines stay together)."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def flat(text: str) -> str:
    """PDF text without the line breaks and spaces of its layout."""
    return re.sub(r"\s+", "", text)


def test_reviewer_only_path_names_the_proposer_and_the_reviewer(client, wj_node, user_named):
    from tests.workflow.helpers import create_item, review

    client.force_login(user_named("wj_editor"))
    item = create_item(client, wj_node, title="审批表人员测试（仅审核）")
    client.force_login(user_named("wj_reviewer"))
    review(client, item, disclose_reason="属于目录规定内容", secrecy_reason="不涉密")
    item.refresh_from_db()
    assert item.live

    form = _form_of(item)
    assert form.state == FormState.USED
    assert form.filled_by == user_named("wj_editor")
    assert form.submitted_at is not None
    assert (form.proposer_disclose_opinion, form.proposer_secrecy_opinion) == ("agree", "pass")
    assert form.proposer_disclose_reason == "属于本单位公开目录规定的内容"
    assert form.reviewer == user_named("wj_reviewer") and form.reviewed_at is not None
    assert form.leader is None and form.leader_decision == ""

    names = _names("wj_editor", "wj_reviewer")
    text = flat(reading_order_text(approval_form_pdf(form)))
    assert f"填表人：{names['wj_editor']}" in text
    assert f"分管领导：{names['wj_reviewer']}" in text
    assert "初步公开意见：同意。理由：属于本单位公开目录规定的内容" in text
    assert "初步保密意见：通过。理由：经初步审查不涉及国家秘密和个人隐私" in text
    assert f"{form.reviewed_at.astimezone(timezone.get_current_timezone()):%H:%M}" in text


def test_reviewer_and_leader_path_names_all_three_and_the_leader_sees_the_review(client, wj_node, user_named):
    from tests.workflow.helpers import XHR, approve_as_leader, create_item, review

    wj_node.requires_leader_approval = True
    wj_node.save()
    client.force_login(user_named("wj_editor"))
    item = create_item(client, wj_node, title="审批表人员测试（审核审批）")
    client.force_login(user_named("wj_reviewer"))
    review(client, item, disclose_reason="审核人的公开理由甲", secrecy_reason="审核人的保密理由乙")

    # The leader's dialog shows what the proposer and the reviewer said, in Chinese.
    client.force_login(user_named("wj_leader"))
    item.refresh_from_db()
    task_state = item.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, "approve", task_state.pk])
    import json

    html = json.loads(client.get(url, **XHR).content)["html"]
    assert "前序意见" in html
    assert "审核人的公开理由甲" in html and "审核人的保密理由乙" in html
    assert "经初步审查不涉及国家秘密和个人隐私" in html
    earlier = html[html.index("前序意见") : html.index("</section>")]
    assert "同意。理由：审核人的公开理由甲" in earlier and "通过。理由：审核人的保密理由乙" in earlier
    assert "agree" not in earlier and "pass" not in earlier

    approve_as_leader(client, item, reason="同意公开")
    item.refresh_from_db()
    assert item.live
    form = _form_of(item)
    assert (form.filled_by, form.reviewer, form.leader) == (
        user_named("wj_editor"),
        user_named("wj_reviewer"),
        user_named("wj_leader"),
    )
    assert form.leader_decision == "agree" and form.leader_at is not None
    names = _names("wj_editor", "wj_reviewer", "wj_leader")
    text = flat(reading_order_text(approval_form_pdf(form)))
    assert f"填表人：{names['wj_editor']}" in text
    assert f"分管领导：{names['wj_reviewer']}" in text
    assert f"主要领导：{names['wj_leader']}" in text


def test_rejected_and_resubmitted_path_keeps_the_proposer_and_clears_the_old_round(client, wj_node, user_named):
    from tests.workflow.helpers import approve_as_leader, create_item, edit_item, review

    wj_node.requires_leader_approval = True
    wj_node.save()
    client.force_login(user_named("wj_editor"))
    item = create_item(client, wj_node, title="审批表人员测试（退回重报）")
    client.force_login(user_named("wj_reviewer"))
    review(client, item)
    client.force_login(user_named("wj_leader"))
    approve_as_leader(client, item, "reject", reason="数据需核对")
    assert _form_of(item).leader_decision == "disagree"

    client.force_login(user_named("wj_editor"))
    assert edit_item(client, item, body="<p>已核对的数据</p>").status_code == 302
    form = _form_of(item)
    assert form.filled_by == user_named("wj_editor")
    # A new round: the leader's refusal is no longer on the form (it stays in the form's history).
    assert (form.leader, form.leader_decision, form.reviewer) == (None, "", None)
    assert form.history.filter(leader_decision="disagree").exists()

    client.force_login(user_named("wj_reviewer"))
    review(client, item, disclose_reason="第二轮审核理由")
    client.force_login(user_named("wj_leader"))
    approve_as_leader(client, item, reason="核对无误，同意")
    item.refresh_from_db()
    assert item.live
    form = _form_of(item)
    assert form.state == FormState.USED
    assert (form.filled_by, form.reviewer, form.leader) == (
        user_named("wj_editor"),
        user_named("wj_reviewer"),
        user_named("wj_leader"),
    )
    assert form.disclose_reason == "第二轮审核理由"
    assert form.leader_opinion.startswith("同意")
    text = flat(reading_order_text(approval_form_pdf(form)))
    assert "核对无误，同意" in text and "数据需核对" not in text


def test_submission_without_the_approval_forms_fields_is_refused_and_keeps_the_draft(client, wj_node, user_named):
    from wagtail.test.utils.form_data import querydict_from_html, rich_text

    client.force_login(user_named("wj_editor"))
    url = reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", wj_node.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "未填审批表的事项", "slug": "unfilled-form", "period_type": "year", "year": "2026"})
    data["body"] = rich_text("<p>录入人已写好的正文</p>")
    data["tables-count"] = "0"
    data["disclosure_time"] = ""
    data["action-submit"] = "1"
    response = client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "《党务公开事项审批表》尚未填写完整" in html
    for label in ("公开时间", "初步公开意见", "初步保密意见理由"):
        assert f"提交审核前请填写{label}。" in html
    # What was typed is still in the form.
    assert 'value="未填审批表的事项"' in html
    assert "录入人已写好的正文" in response.context["form"]["body"].value()
    assert not wj_node.get_children().filter(title="未填审批表的事项").exists()

    # Saving a draft (not submitting) needs none of it.
    del data["action-submit"]
    assert client.post(url, data).status_code == 302


def test_acting_from_the_edit_view_saves_no_revision_when_nothing_changed(client, wj_node, user_named):
    import json

    from wagtail.test.utils.form_data import querydict_from_html, rich_text

    from tests.workflow.helpers import create_item

    client.force_login(user_named("wj_editor"))
    item = create_item(client, wj_node, title="从编辑页审核的事项", body="<p>原有正文</p>")
    revisions = item.revisions.count()

    client.force_login(user_named("wj_reviewer"))
    url = reverse("wagtailadmin_pages:edit", args=[item.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    # The browser's rich-text editor sends the same text back with new block keys.
    data["body"] = rich_text("<p>原有正文</p>")
    data["tables-count"] = "0"
    data["action-workflow-action"] = "1"
    data["workflow-action-name"] = "approve"
    data["workflow-action-extra-data"] = json.dumps(
        {"disclose_opinion": "agree", "disclose_reason": "可以公开", "secrecy_opinion": "pass", "secrecy_reason": "不涉密"}
    )
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.live
    assert item.revisions.count() == revisions
    assert not item.revisions.filter(user=user_named("wj_reviewer")).exists()


def test_archivists_record_view_shows_chinese_labels_not_codes(client, wj_node, user_named, archivist):
    from archive.selectors import records_for_item
    from tests.workflow.helpers import create_item, review

    client.force_login(user_named("wj_editor"))
    item = create_item(client, wj_node, title="档案员查看的事项")
    client.force_login(user_named("wj_reviewer"))
    review(client, item)
    record = records_for_item(item).get(kind="publication")

    client.force_login(archivist)
    response = client.get(reverse("archive_archiverecord_modeladmin_inspect", args=[record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index("审批表（归档时）") :]
    assert "同意。理由：属于目录规定的公开内容" in section
    assert "通过。理由：不涉及国家秘密和个人隐私" in section
    for code in ("agree", "pass ·", "agree ·", "regular", "party"):
        assert code not in section.split("公开内容（归档版式）")[0], code
