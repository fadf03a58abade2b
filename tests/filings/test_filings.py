"""报备 and 报批 to the superior: one mechanism (review.filings_*), per procedure, with the refusals.

Personas (demo data): wj_editor / wj_reviewer of 韶关市/武江区/区委办; wj_supervisor (reach 武江区) and
sg_supervisor (reach 韶关市) act for 武江区, the region that made the unit's catalogue; a supervisor of
浈江区 and one whose reach is the unit alone are the wrong superior.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from archive.choices import RecordKind
from archive.models import ArchiveRecord
from archive.services import approval_form_for
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage
from notices.models import Notice
from participation.choices import RequestStatus
from participation.services import RequestError, request_accept, request_answer, request_file
from review.filings_selectors import superior_of
from review.filings_services import (
    FilingError,
    catalogue_change_propose,
    catalogue_file,
    due_date_for,
    extra_item_propose,
    filing_decide,
    withheld_item_file,
)
from review.filings_signals import filing_decided
from review.models import Filing, FilingAction, FilingKind, FilingState, FilingSubject
from tests.builders import make_user
from tests.participation.conftest import at, grant_admin

WJ = "韶关市/武江区/区委办"
PLAN = {
    "title": "区委办志愿服务活动安排",
    "content": "2026年度机关党员志愿服务活动的时间、地点和参加人员。",
    "scope": "public",
    "forms": "网站、公开栏",
    "time_limit": "经同意后5个工作日内",
    "reason": "党员群众关注，目录未列入。",
}


@pytest.fixture
def people(user_named):
    return {
        name: grant_admin(user_named(name)) for name in ("wj_editor", "wj_reviewer", "wj_supervisor", "sg_supervisor")
    }


@pytest.fixture
def wrong_superior(unit):
    """A supervisor of 浈江区: not the body that made 武江区委办's catalogue."""
    zj = unit("韶关市/浈江区/区委办").get_parent()
    return grant_admin(make_user("zj_supervisor", reach=zj))


def propose(unit_obj, editor, **overrides):
    return extra_item_propose(unit=unit_obj, actor=editor, **{**PLAN, **overrides})


# --- the mechanism --------------------------------------------------------------------------------


def test_proposal_goes_to_the_region_that_made_the_catalogue_with_a_working_day_due_date(unit, people):
    wj = unit(WJ)
    filing = propose(wj, people["wj_editor"])
    assert filing.kind == FilingKind.CONSENT and filing.subject == FilingSubject.EXTRA_ITEM
    assert filing.superior.pk == superior_of(wj).pk and filing.superior.title == "武江区"
    assert filing.due_date == due_date_for(timezone.localdate(filing.submitted_at))
    assert (filing.due_date - timezone.localdate(filing.submitted_at)).days >= 5  # five working days, weekends skipped
    assert filing.subject_object == wj
    inbox = Notice.objects.filter(subject__contains=PLAN["title"])
    assert {n.user.username for n in inbox} == {"wj_supervisor", "sg_supervisor"}
    assert all(n.url == f"/admin/filings/inspect/{filing.pk}/" for n in inbox)
    assert [e.action for e in filing.events.all()] == [FilingAction.SUBMITTED]


def test_due_date_skips_weekends(db):
    friday = datetime.date(2026, 12, 4)
    assert due_date_for(friday).weekday() < 5 and due_date_for(friday) == datetime.date(2026, 12, 11)


def test_decision_is_logged_filed_in_the_archive_and_signalled(unit, people):
    heard = []
    filing_decided.connect(lambda sender, filing, decision, **kw: heard.append(decision), weak=False, dispatch_uid="t1")
    try:
        filing = catalogue_file(unit=unit(WJ), actor=people["wj_reviewer"], statement="本单位2026年度党务公开目录")
        assert filing.kind == FilingKind.RECORD and len(filing.details["rows"]) >= 5
        filing_decide(filing=filing, actor=people["wj_supervisor"], decision="acknowledge")
    finally:
        filing_decided.disconnect(dispatch_uid="t1")
    filing.refresh_from_db()
    assert filing.state == FilingState.ACKNOWLEDGED and filing.decided_by.username == "wj_supervisor"
    assert heard == ["acknowledge"]
    record = ArchiveRecord.objects.get(kind=RecordKind.FILING, item_ref=filing.pk)
    assert record.title.startswith("报备·目录备案") and "确认备案" in record.content_html
    assert record.content_hash == record.compute_hash()
    assert Notice.objects.filter(user__username="wj_reviewer", subject__contains="已备案").exists()


# --- refusals -------------------------------------------------------------------------------------


def test_wrong_superior_may_not_decide(unit, people, wrong_superior):
    wj = unit(WJ)
    filing = propose(wj, people["wj_editor"])
    with pytest.raises(PermissionDenied, match="武江区"):
        filing_decide(filing=filing, actor=wrong_superior, decision="approve")
    unit_only = make_user("unit_only_supervisor", reach=wj)  # supervises the unit, did not make its catalogue
    with pytest.raises(PermissionDenied):
        filing_decide(filing=filing, actor=unit_only, decision="approve")
    with pytest.raises(PermissionDenied):
        filing_decide(filing=filing, actor=people["wj_reviewer"], decision="approve")
    filing.refresh_from_db()
    assert filing.is_pending


def test_wrong_superior_gets_404_or_403_in_the_admin(client, unit, people, wrong_superior):
    filing = propose(unit(WJ), people["wj_editor"])
    client.force_login(wrong_superior)
    assert client.get(f"/admin/filings/inspect/{filing.pk}/").status_code == 404  # not theirs to see
    assert (
        client.post(f"/admin/filings/decide/{filing.pk}/", {"decision": "approve", "confirmed": "1"}).status_code == 404
    )
    client.force_login(people["wj_reviewer"])  # the unit sees its own filing, but does not decide it
    assert client.get(f"/admin/filings/inspect/{filing.pk}/").status_code == 200
    response = client.post(f"/admin/filings/decide/{filing.pk}/", {"decision": "approve", "confirmed": "1"})
    assert response.status_code == 403
    filing.refresh_from_db()
    assert filing.is_pending


def test_double_decision_is_refused(client, unit, people):
    filing = propose(unit(WJ), people["wj_editor"])
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve")
    with pytest.raises(FilingError, match="不能重复处理"):
        filing_decide(filing=filing, actor=people["sg_supervisor"], decision="refuse", reason="不同意")
    client.force_login(people["sg_supervisor"])
    response = client.post(
        f"/admin/filings/decide/{filing.pk}/", {"decision": "refuse", "reason": "晚了", "confirmed": "1"}
    )
    assert response.status_code == 400 and "不能重复处理" in response.content.decode()
    assert Filing.objects.get(pk=filing.pk).state == FilingState.APPROVED


def test_refusal_needs_a_reason_and_the_form_keeps_what_was_typed(client, unit, people):
    filing = propose(unit(WJ), people["wj_editor"])
    with pytest.raises(FilingError, match="不同意须说明理由"):
        filing_decide(filing=filing, actor=people["wj_supervisor"], decision="refuse", reason="  ")
    client.force_login(people["wj_supervisor"])
    response = client.post(f"/admin/filings/decide/{filing.pk}/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and "不同意须说明理由。" in response.content.decode()
    response = client.post(f"/admin/filings/decide/{filing.pk}/", {"decision": "maybe", "reason": "再议"})
    assert response.status_code == 400 and "报批只能同意、不同意。" in response.content.decode()
    assert "再议" in response.content.decode()
    # The confirmation screen first; only the confirmed post decides.
    response = client.post(f"/admin/filings/decide/{filing.pk}/", {"decision": "refuse", "reason": "已有目录事项覆盖"})
    assert response.status_code == 200 and "确认不同意" in response.content.decode()
    assert Filing.objects.get(pk=filing.pk).is_pending
    response = client.post(
        f"/admin/filings/decide/{filing.pk}/", {"decision": "refuse", "reason": "已有目录事项覆盖", "confirmed": "1"}
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == FilingState.REFUSED and filing.reason == "已有目录事项覆盖"
    assert not CatalogNodePage.objects.filter(title=PLAN["title"]).exists()  # nothing drafted
    assert Notice.objects.filter(user__username="wj_editor", subject__contains="不同意").exists()


def test_a_record_is_acknowledged_not_approved(unit, people):
    filing = catalogue_file(unit=unit(WJ), actor=people["wj_editor"])
    with pytest.raises(FilingError, match="报备只能确认备案"):
        filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve")


# --- 目录外事项 ------------------------------------------------------------------------------------


def test_proposal_form_needs_every_part_of_the_working_plan(client, people):
    client.force_login(people["wj_editor"])
    page = client.get("/admin/filings/propose-extra-item/")
    assert page.status_code == 200 and "工作方案" in page.content.decode()
    from disclosure_pages.selectors import find_unit

    data = {
        "unit": find_unit(WJ).pk,
        "title": "志愿服务",
        "content": "活动安排",
        "scope": "public",
        "forms_text": "",
        "time_limit": "",
        "reason": "",
    }
    response = client.post("/admin/filings/propose-extra-item/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写公开形式。" in html and "请填写公开时限。" in html and "请填写公开理由。" in html
    assert "活动安排" in html  # kept
    assert not Filing.objects.filter(title="志愿服务").exists()
    with pytest.raises(FilingError, match="工作方案须写明公开理由"):
        extra_item_propose(unit=find_unit(WJ), actor=people["wj_editor"], **{**PLAN, "reason": ""})


def test_only_the_units_editor_proposes(client, unit, people):
    with pytest.raises(PermissionDenied):
        propose(unit(WJ), people["wj_supervisor"])
    client.force_login(people["wj_supervisor"])
    assert client.get("/admin/filings/propose-extra-item/").status_code == 403


def test_approved_proposal_becomes_a_draft_under_the_units_extra_node_and_its_form_shows_the_approval(unit, people):
    wj = unit(WJ)
    filing = propose(wj, people["wj_editor"])
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve", reason="同意按方案公开")
    filing.refresh_from_db()
    item = filing.subject_object
    assert isinstance(item, DisclosureItemPage) and not item.live and item.title == PLAN["title"]
    node = item.get_parent().specific
    assert (
        node.level == 3 and node.content == PLAN["content"] and node.scope == "public" and node.forms == "网站、公开栏"
    )
    top = node.get_parent().get_parent().specific
    assert top.title == "目录外事项" and top.level == 1 and top.get_parent().pk == wj.pk
    assert node.code == f"{top.code}-1-1"
    assert item.requirement and item.method == "society"  # the 审批表's 公开要求/公开方式, preset as for any row
    assert [e.action for e in filing.events.all()] == [
        FilingAction.SUBMITTED,
        FilingAction.APPROVED,
        FilingAction.FOLLOWED_UP,
    ]
    snapshot = approval_form_for(item).snapshot()
    assert (
        "目录外事项经武江区审核同意" in snapshot["superior_approval"]
        and "同意按方案公开" in snapshot["superior_approval"]
    )
    assert Notice.objects.filter(user__username="wj_editor", url=f"/admin/pages/{item.pk}/edit/").exists()
    # A second proposal reuses the unit's 目录外事项 node.
    second = propose(wj, people["wj_editor"], title="第二个目录外事项")
    filing_decide(filing=second, actor=people["sg_supervisor"], decision="approve")
    second.refresh_from_db()
    assert second.subject_object.get_parent().specific.code == f"{top.code}-1-2"
    assert CatalogNodePage.objects.child_of(wj).filter(title="目录外事项").count() == 1


def test_superior_dashboard_lists_the_waiting_filing_with_the_link_to_act(client, unit, people):
    filing = propose(unit(WJ), people["wj_editor"])
    client.force_login(people["wj_supervisor"])
    html = client.get("/admin/").content.decode()
    assert "待我处理的报备报批" in html and f"/admin/filings/decide/{filing.pk}/" in html
    client.force_login(people["wj_editor"])
    assert "待我处理的报备报批" not in client.get("/admin/").content.decode()


def test_list_shows_own_unit_and_reach_only(client, unit, people, wrong_superior):
    filing = propose(unit(WJ), people["wj_editor"])
    client.force_login(people["wj_reviewer"])
    assert PLAN["title"] in client.get("/admin/filings/").content.decode()
    assert PLAN["title"] in client.get("/admin/filings/?state=pending&kind=consent").content.decode()
    assert PLAN["title"] not in client.get("/admin/filings/?state=approved").content.decode()
    client.force_login(wrong_superior)
    assert PLAN["title"] not in client.get("/admin/filings/").content.decode()
    assert client.get(f"/admin/filings/edit/{filing.pk}/").status_code in (302, 403)


# --- 目录变更, 暂不宜公开 ---------------------------------------------------------------------------


def test_catalogue_change_needs_a_statement_and_consent(unit, people):
    with pytest.raises(FilingError, match="目录变更须作说明"):
        catalogue_change_propose(
            unit=unit(WJ), actor=people["wj_editor"], title="增设“志愿服务”", change="新增三级目录", statement=""
        )
    filing = catalogue_change_propose(
        unit=unit(WJ), actor=people["wj_editor"], title="增设“志愿服务”", change="新增三级目录", statement="因工作需要"
    )
    assert filing.kind == FilingKind.CONSENT
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve")
    assert Filing.objects.get(pk=filing.pk).state == FilingState.APPROVED


def test_withheld_item_is_filed_with_the_superior(unit, people, item_factory):
    item = item_factory(WJ, "1-1-1", title="暂不宜公开的事项")
    with pytest.raises(FilingError, match="暂不宜公开须说明理由"):
        withheld_item_file(item=item, actor=people["wj_editor"], reason="")
    filing = withheld_item_file(item=item, actor=people["wj_editor"], reason="涉及正在办理的案件")
    assert filing.kind == FilingKind.RECORD and filing.subject_object.pk == item.pk
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="acknowledge")
    assert ArchiveRecord.objects.get(kind=RecordKind.FILING, item_ref=filing.pk).item_id == item.pk


# --- 依申请公开: 不予公开 waits for consent; every request's handling is filed --------------------------------


def test_not_disclosable_answer_waits_for_the_superiors_consent(make_request, people):
    editor = people["wj_editor"]
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    kept = request_answer(
        request=req, actor=editor, outcome="not_disclosable", answer_text="经研究不予公开。", reason="涉及党内秘密"
    )
    kept.refresh_from_db()
    assert kept.status == RequestStatus.ACCEPTED and not kept.answer_text  # not sent yet
    filing = Filing.objects.get(subject=FilingSubject.WITHHOLDING_ANSWER, object_id=req.pk)
    assert filing.kind == FilingKind.CONSENT and filing.details["answer_text"] == "经研究不予公开。"
    with pytest.raises(RequestError, match="请等待上级同意"):
        request_answer(request=req, actor=editor, outcome="not_disclosable", answer_text="再次", reason="涉密")
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve", reason="同意不予公开")
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED and req.outcome == "not_disclosable"
    assert req.answer_text == "经研究不予公开。" and req.outcome_reason == "涉及党内秘密"


def test_refused_consent_leaves_the_request_open_for_another_answer(make_request, people):
    editor = people["wj_editor"]
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    request_answer(request=req, actor=editor, outcome="not_disclosable", answer_text="不予公开。", reason="涉密")
    filing = Filing.objects.get(subject=FilingSubject.WITHHOLDING_ANSWER, object_id=req.pk)
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="refuse", reason="可以部分公开")
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED
    request_answer(request=req, actor=editor, outcome="partly", answer_text="部分公开如下。", reason="隐去个人信息")
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED and req.outcome == "partly"


def test_admin_answer_not_disclosable_says_it_waits(client, make_request, people):
    editor = people["wj_editor"]
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    client.force_login(editor)
    response = client.post(
        f"/admin/participation/requests/{req.pk}/answer/",
        {
            "outcome": "not_disclosable",
            "answer_text": "不予公开。",
            "reason": "涉密",
            "draft_node": "",
            "draft_title": "",
        },
        follow=True,
    )
    assert "须经上级党组织同意" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED


def test_every_requests_handling_is_filed(make_request, people):
    editor = people["wj_editor"]
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    request_answer(request=req, actor=editor, outcome="disclosed", answer_text="已公开。")
    request_file(request=req, actor=editor, note="按规定备案")
    filing = Filing.objects.get(subject=FilingSubject.REQUEST_HANDLING, object_id=req.pk)
    assert (
        filing.kind == FilingKind.RECORD
        and filing.details["outcome"] == "予以公开"
        and filing.statement == "按规定备案"
    )
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="acknowledge")
    assert Filing.objects.get(pk=filing.pk).state == FilingState.ACKNOWLEDGED


def test_approved_catalogue_change_is_published_on_the_unit_page_with_its_statement(client, unit, people):
    wj = unit(WJ)
    filing = catalogue_change_propose(
        unit=wj,
        actor=people["wj_editor"],
        title="增设志愿服务目录",
        change="新增三级目录“志愿服务”",
        statement="落实上级部署",
    )
    assert "增设志愿服务目录" not in client.get(wj.url).content.decode()  # not before the approval
    filing_decide(filing=filing, actor=people["wj_supervisor"], decision="approve")
    html = client.get(wj.url).content.decode()
    assert "目录变更说明" in html and "增设志愿服务目录" in html and "落实上级部署" in html


def test_catalogue_forms_in_the_admin_refuse_a_missing_statement(client, unit, people):
    client.force_login(people["wj_editor"])
    response = client.post(
        "/admin/filings/change-catalogue/",
        {"unit": unit(WJ).pk, "title": "变更", "change": "删去一项", "statement": ""},
    )
    assert (
        response.status_code == 400
        and "目录变更须作说明" in response.content.decode()
        and "删去一项" in response.content.decode()
    )
    response = client.post("/admin/filings/file-catalogue/", {"unit": unit(WJ).pk, "statement": "年度目录"})
    assert response.status_code == 302
    assert Filing.objects.filter(subject=FilingSubject.CATALOGUE, unit=unit(WJ)).exists()
    client.force_login(people["wj_supervisor"])
    assert client.get("/admin/filings/file-catalogue/").status_code == 403


def test_withheld_item_is_filed_from_the_admin(client, unit, people, item_factory, wrong_superior):
    item = item_factory(WJ, "1-1-1", title="暂不宜公开的人事事项")
    client.force_login(people["wj_editor"])
    response = client.post(f"/admin/filings/withhold-item/{item.pk}/", {"reason": ""})
    assert response.status_code == 400 and "暂不宜公开须说明理由。" in response.content.decode()
    response = client.post(f"/admin/filings/withhold-item/{item.pk}/", {"reason": "人选尚未确定"})
    assert response.status_code == 302
    assert Filing.objects.get(subject=FilingSubject.WITHHELD_ITEM, object_id=item.pk).statement == "人选尚未确定"
    client.force_login(wrong_superior)
    assert client.get(f"/admin/filings/withhold-item/{item.pk}/").status_code in (403, 404)
