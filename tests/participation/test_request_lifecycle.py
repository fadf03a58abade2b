"""On-request disclosure from the applicant's form through the staff's admin to 备案."""

from __future__ import annotations

import re

import pytest

from disclosure_pages.models import DisclosureItemPage
from participation.choices import EventAction, RequestStatus
from participation.models import DisclosureRequest
from participation.selectors import answer_nodes
from participation.services import RequestError, request_accept, request_answer

from .conftest import WJ, at

FORM = {
    "applicant_name": "李四",
    "contact_phone": "13912345678",
    "contact_email": "",
    "request_text": "请公开区委办2025年度发展党员情况。",
    "purpose": "学习参考",
    "website": "",
}


def submit(client, unit_obj, **overrides):
    return client.post("/requests/new/", {**FORM, "unit": unit_obj.pk, **overrides})


def receipt_of(client, response) -> tuple[str, str]:
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    number = re.search(r'id="tracking-number">([^<]+)<', page).group(1)
    code = re.search(r'id="secret-code">([^<]+)<', page).group(1)
    return number, code


def test_request_form_offers_units_grouped_by_region_and_preselects_from_unit_page(client, unit):
    wj = unit(WJ)
    page = client.get(f"/requests/new/?unit={wj.pk}").content.decode()
    assert '<optgroup label="韶关市/武江区">' in page
    assert f'<option value="{wj.pk}" selected>区委办</option>' in page


def test_unit_page_links_to_request_and_feedback_forms(client, unit):
    wj = unit(WJ)
    page = client.get(wj.url).content.decode()
    assert f"/requests/new/?unit={wj.pk}" in page
    assert f"/feedback/unit/{wj.pk}/" in page
    assert "我要提意见 / 点题" in page and "回音壁" in page


def test_submission_gives_tracking_number_and_code_shown_once(client, unit):
    number, code = receipt_of(client, submit(client, unit(WJ)))
    assert re.fullmatch(r"YSQ-\d{4}-\d{6}", number)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    again = client.get("/requests/received/").content.decode()
    assert code not in again and "只在提交后显示一次" in again
    stored = DisclosureRequest.objects.get(tracking_number=number)
    assert code not in stored.secret_hash and code.replace("-", "") not in stored.secret_hash
    assert stored.secret_hash.startswith("sha256$")  # only a salted hash is kept
    assert stored.status == RequestStatus.SUBMITTED
    assert stored.events.get().action == EventAction.SUBMITTED


def test_full_lifecycle_through_the_admin(client, unit, staff):
    wj = unit(WJ)
    number, code = receipt_of(client, submit(client, wj))
    req = DisclosureRequest.objects.get(tracking_number=number)
    editor = staff("wj_editor")
    client.force_login(editor)
    base = f"/admin/participation/requests/{req.pk}"

    listing = client.get("/admin/participation/requests/").content.decode()
    assert number in listing and ("即将到期" in listing or "办理中" in listing)

    confirm = client.get(f"{base}/accept/").content.decode()
    assert "确认要对申请" in confirm and "确认受理" in confirm
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED  # a GET changes nothing

    assert client.post(f"{base}/accept/", {"note": ""}).status_code == 302
    assert client.post(f"{base}/pause/", {"kind": "clarify", "reason": "请说明需要哪一年度的情况"}).status_code == 302
    # Answering while the clock is stopped is not offered.
    assert client.post(f"{base}/answer/", {"outcome": "disclosed", "answer_text": "x"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED

    # The applicant sees the 补正 request on the status page and answers it there.
    client.logout()
    client.post("/requests/status/", {"tracking_number": number, "code": code})
    status_page = client.get(f"/requests/status/{number}/").content.decode()
    assert "请说明需要哪一年度的情况" in status_page and "提交补正" in status_page
    assert client.post(f"/requests/status/{number}/clarify/", {"text": "2025年度"}).status_code == 302
    req.refresh_from_db()
    assert not req.is_paused

    client.force_login(editor)
    node = answer_nodes(wj)[0]
    response = client.post(
        f"{base}/answer/",
        {
            "outcome": "partly",
            "answer_text": "2025年度发展党员3名，名单已在公开栏公示。",
            "reason": "涉及个人隐私的信息不予公开。",
            "draft_node": node.pk,
            "draft_title": "2025年度发展党员情况（依申请公开）",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED and req.outcome == "partly"
    item = DisclosureItemPage.objects.get(pk=req.disclosure_item_id)
    assert not item.live and item.get_parent().pk == node.pk  # a draft: publishing goes through review

    assert client.post(f"{base}/file/", {"note": "已报武江区委组织部"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.FILED

    detail = client.get(f"{base}/").content.decode()
    for label in [
        "提交申请",
        "受理",
        "暂停计时：补正",
        "申请人补正",
        "恢复计时",
        "答复",
        "生成公开事项草稿",
        "报上级备案",
    ]:
        assert label in detail
    assert "武江区委办 录入人" in detail  # who acted
    assert req.history.count() >= 5  # django-simple-history keeps every version of the row
    assert "变更记录" in detail and "办理状态、受理时间" in detail and "申请编号" in detail

    client.logout()
    client.post("/requests/status/", {"tracking_number": number, "code": code})
    public = client.get(f"/requests/status/{number}/").content.decode()
    assert "已报备案" in public and "部分公开" in public and "涉及个人隐私的信息不予公开。" in public
    assert "生成公开事项草稿" not in public and "武江区委办 录入人" not in public  # internal steps, staff names


def test_refusal_needs_a_reason_and_is_shown_to_the_applicant(client, unit, staff):
    number, code = receipt_of(client, submit(client, unit(WJ)))
    req = DisclosureRequest.objects.get(tracking_number=number)
    client.force_login(staff("wj_reviewer"))
    empty = client.post(f"/admin/participation/requests/{req.pk}/refuse/", {"reason": ""})
    assert empty.status_code == 200 and "请填写理由。" in empty.content.decode()
    client.post(
        f"/admin/participation/requests/{req.pk}/refuse/",
        {"reason": "所申请事项属于涉密事项，经上级党组织同意不予公开。"},
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.REFUSED
    client.logout()
    client.post("/requests/status/", {"tracking_number": number, "code": code})
    page = client.get(f"/requests/status/{number}/").content.decode()
    assert "不予受理" in page and "经上级党组织同意不予公开" in page


def test_answer_not_disclosable_needs_a_reason(make_request, user_named):
    editor = user_named("wj_editor")
    req = make_request(submitted="2026-03-04").request
    request_accept(request=req, actor=editor, at=at("2026-03-05"))
    with pytest.raises(RequestError, match="必须说明理由"):
        request_answer(request=req, actor=editor, outcome="not_disclosable", answer_text="不予公开")
    request_answer(
        request=req, actor=editor, outcome="not_held", answer_text="本单位不掌握该信息", reason="未制作或获取"
    )


def test_steps_out_of_order_are_refused(make_request, user_named, client, staff):
    editor = user_named("wj_editor")
    req = make_request().request
    with pytest.raises(RequestError, match="不能进行此操作"):
        request_answer(request=req, actor=editor, outcome="disclosed", answer_text="已公开")
    client.force_login(staff("wj_editor"))
    response = client.post(f"/admin/participation/requests/{req.pk}/file/", {"note": ""}, follow=True)
    assert "不能报上级备案" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_overdue_requests_are_badged_and_filterable(client, make_request, staff):
    late = make_request(submitted="2026-01-05").request
    fresh = make_request().request
    client.force_login(staff("wj_leader"))
    page = client.get("/admin/participation/requests/?due=overdue").content.decode()
    assert late.tracking_number in page and fresh.tracking_number not in page
    assert "已超期" in page
    everything = client.get("/admin/participation/requests/").content.decode()
    assert everything.index(late.tracking_number) < everything.index(fresh.tracking_number)  # most urgent first


def test_admin_menu_shows_participation_to_handlers_only(client, staff, user_named):
    client.force_login(staff("wj_editor"))
    assert "/admin/participation/requests/" in client.get("/admin/").content.decode()
    member = staff("wj_member")
    client.force_login(member)
    assert "/admin/participation/requests/" not in client.get("/admin/").content.decode()
    refused = client.get("/admin/participation/requests/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's "no permission" redirect


def test_admin_listing_pages_keep_the_filters(client, make_request, staff):
    for _ in range(51):
        make_request()
    client.force_login(staff("wj_editor"))
    page = client.get("/admin/participation/requests/?status=submitted&due=open").content.decode()
    assert "第 1 / 2 页，共 51 条" in page
    assert "?status=submitted&amp;due=open&amp;page=2" in page
