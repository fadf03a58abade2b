"""The approval form (党务公开事项审批表, seed 002 附件1): filled from the item and the workflow, kept with history, printed as PDF."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from archive.choices import FormState
from archive.models import ApprovalForm
from archive.pdf import approval_form_pdf
from archive.services import approval_form_for, approval_form_record_leader, approval_form_record_review
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
    assert form.filled_by == user_named("wj_editor")


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
