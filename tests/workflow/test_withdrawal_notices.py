"""A withdrawn item (撤消, 变更/撤销/终止, 更正) leaves a public notice at its address instead of a bare
404: what kind, when, why, the item that replaces it — and nothing of the withdrawn content. The
notice follows the item's scope; search, feeds, sitemap and API still never show the item."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.selectors import records_for_item
from disclosure_pages.actions import WithdrawPermissionError, revoke_item
from disclosure_pages.models import DisclosureItemPage, ItemAttachment, WithdrawalNotice
from disclosure_pages.services import item_correction_start, item_withdraw
from tests.builders import make_document, make_item, make_user

from .helpers import _errors, approve_as_leader, denied, edit_item, review

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"
SECRET_TITLE = "撤下探针 班子分工有误"
SECRET_BODY = "撤下探针正文 张某某 13800000000"


@pytest.fixture
def wj_item(db):
    item = make_item(WJ, "1-1-1", title=SECRET_TITLE, scope="public", body=f"<p>{SECRET_BODY}</p>")
    document = make_document(WJ, title="撤下探针附件", name="probe.pdf")
    ItemAttachment.objects.create(page=item, document=document, attribute="active")
    return item


def _surfaces(client) -> str:
    return "".join(
        client.get(url).content.decode()
        for url in ("/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/api/v2/items/?limit=100", "/search/?q=撤下探针", "/api/search/?q=撤下探针")
    )


def test_a_revoked_item_leaves_a_notice_without_its_content(client, people, wj_item, django_capture_on_commit_callbacks):
    url = wj_item.url
    with django_capture_on_commit_callbacks(execute=True):
        revoke_item(wj_item, user=people["sg_supervisor"], reason="分工信息有误，已要求重新报送")
    response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert "撤消说明" in html and "分工信息有误，已要求重新报送" in html
    assert "武江区·区委办" in html and "1-1-1" in html
    assert "2026年3月1日" in html  # the original publication date
    for withdrawn in (SECRET_TITLE, "撤下探针", "张某某", "13800000000", "probe.pdf"):
        assert withdrawn not in html
    surfaces = _surfaces(client)
    # (the search pages echo the query 撤下探针; what must be absent is the item's title and address)
    assert "班子分工有误" not in surfaces and url not in surfaces


def test_an_internal_reason_stays_internal_when_a_public_note_is_given(client, people, wj_item):
    revoke_item(wj_item, user=people["sg_supervisor"], reason="含张某某手机号", public_reason="公开内容不符合要求，已撤消。")
    html = client.get(wj_item.url).content.decode()
    assert "公开内容不符合要求，已撤消。" in html and "张某某" not in html
    assert records_for_item(wj_item).filter(kind="revocation", reason="含张某某手机号").exists()


def test_a_party_items_notice_is_seen_only_by_those_who_could_see_the_item(client, people):
    item = make_item(WJ, "1-1-1", title="党内撤下探针", scope="party")
    url = item.url
    revoke_item(item, user=people["wj_supervisor"], reason="范围有误")
    assert client.get(url).status_code == 404  # the public: no hint that it existed
    client.force_login(make_user(unit_path="龙口市/市科技局党支部"))
    assert client.get(url).status_code == 404  # a member elsewhere
    client.force_login(people["wj_member"])
    response = client.get(url)
    assert response.status_code == 410 and "范围有误" in response.content.decode()
    assert "党内撤下探针" not in response.content.decode()
    client.force_login(people["sg_supervisor"])
    assert client.get(url).status_code == 410


def test_a_bare_unpublish_still_gives_a_plain_404(client, wj_item):
    url = wj_item.url
    wj_item.unpublish()
    assert client.get(url).status_code == 404
    assert not WithdrawalNotice.objects.filter(item=wj_item).exists()


@pytest.mark.parametrize("kind,label", [("changed", "变更"), ("withdrawn", "撤销"), ("terminated", "终止")])
def test_the_units_leader_withdraws_with_a_reason(client, people, wj_item, kind, label):
    notice = item_withdraw(item=wj_item, user=people["wj_leader"], kind=kind, reason=f"按目录调整{label}")
    wj_item.refresh_from_db()
    assert not wj_item.live
    html = client.get(wj_item.url).content.decode()
    assert f"{label}说明" in html and f"按目录调整{label}" in html and "经本单位党组织（主要负责人）批准" in html
    assert SECRET_TITLE not in html and "张某某" not in html
    assert notice.kind == kind
    assert records_for_item(wj_item).filter(kind="revocation", reason=f"{label}：按目录调整{label}").exists()


def test_a_change_links_the_item_that_now_applies(client, people, wj_item):
    current = make_item(WJ, "1-1-1", title="班子成员分工（调整后）", scope="public")
    item_withdraw(item=wj_item, user=people["wj_supervisor"], kind="changed", reason="班子调整", replacement=current, approval="武江组〔2026〕3号")
    html = client.get(wj_item.url).content.decode()
    assert "班子成员分工（调整后）" in html and current.url in html and "武江组〔2026〕3号" in html


def test_withdrawal_needs_the_approvers_role_a_reason_and_a_kind(people, wj_item):
    with pytest.raises(WithdrawPermissionError):
        item_withdraw(item=wj_item, user=people["wj_editor"], kind="withdrawn", reason="想撤")
    zj_item = make_item(ZJ, "1-1-1", title="浈江区事项", scope="public")
    with pytest.raises(WithdrawPermissionError):
        item_withdraw(item=zj_item, user=people["wj_leader"], kind="withdrawn", reason="越权")
    with pytest.raises(ValidationError):
        item_withdraw(item=wj_item, user=people["wj_leader"], kind="withdrawn", reason=" ")
    with pytest.raises(ValidationError):
        item_withdraw(item=wj_item, user=people["wj_leader"], kind="revoked", reason="撤消是组织部门的")
    with pytest.raises(ValidationError):
        item_withdraw(item=wj_item, user=people["wj_leader"], kind="withdrawn", reason="撤销", replacement=zj_item)
    wj_item.refresh_from_db()
    zj_item.refresh_from_db()
    assert wj_item.live and zj_item.live


def test_the_leader_withdraws_from_the_admin_after_confirming(client, people, wj_item):
    url = reverse("disclosure_item_withdraw", args=[wj_item.pk])
    client.force_login(people["wj_editor"])
    assert denied(client.get(url))
    client.force_login(people["wj_leader"])
    form = client.get(url)
    assert form.status_code == 200 and "终止" in form.content.decode()
    empty = client.post(url, {"kind": "terminated", "reason": ""})
    assert empty.status_code == 200 and "请填写说明。" in empty.content.decode()
    wrong = client.post(url, {"kind": "nonsense", "reason": "x"})
    assert wrong.status_code == 200 and "请选择变更、撤销或终止。" in wrong.content.decode()
    done = client.post(url, {"kind": "terminated", "reason": "该项工作已结束"}, follow=True)
    assert "已终止" in done.content.decode()
    wj_item.refresh_from_db()
    assert not wj_item.live
    assert "该项工作已结束" in client.get(wj_item.url).content.decode()


def test_a_correction_replaces_the_item_once_reviewed_and_published(
    client, people, wj_item, django_capture_on_commit_callbacks
):
    old_url = wj_item.url
    client.force_login(people["wj_editor"])
    start = client.post(reverse("disclosure_item_correct", args=[wj_item.pk]))
    draft = DisclosureItemPage.objects.get(corrects=wj_item)
    assert start.status_code == 302 and start.url == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert not draft.live and draft.attachments.count() == 1
    assert item_correction_start(item=wj_item, user=people["wj_editor"]).pk == draft.pk  # one draft at a time
    # The 更正说明 is required before the correction can be submitted.
    missing = edit_item(client, draft, body="<p>班子成员分工（已更正）</p>")
    assert missing.status_code == 200 and "更正事项须填写更正说明" in missing.content.decode()
    note = "原分工表中一名同志职务有误，已更正。"
    response = edit_item(
        client,
        draft,
        body="<p>班子成员分工（已更正）</p>",
        correction_note=note,
        title="班子成员分工（更正）",
        disclosure_time="2026年3月",
        requirement="long_term",
        method="society",
        platforms="互联网",
    )
    assert response.status_code == 302, _errors(response)
    wj_item.refresh_from_db()
    assert wj_item.live  # nothing happens before the review
    client.force_login(people["wj_reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        result = review(client, draft)
        draft.refresh_from_db()
        if not draft.live:  # the node may need the leader
            client.force_login(people["wj_leader"])
            result = approve_as_leader(client, draft)
    assert result.get("success", True), result
    draft.refresh_from_db()
    wj_item.refresh_from_db()
    assert draft.live and not wj_item.live
    client.logout()
    html = client.get(old_url).content.decode()
    assert "更正说明" in html and note in html and draft.url in html and "班子成员分工（更正）" in html
    assert SECRET_TITLE not in html and "张某某" not in html
    surfaces = _surfaces(client)
    assert "班子分工有误" not in surfaces and old_url not in surfaces
    assert client.get(draft.url).status_code == 200
    assert records_for_item(wj_item).filter(kind="revocation", reason=f"更正：{note}").exists()


def test_only_the_units_editors_start_a_correction(client, people, wj_item):
    url = reverse("disclosure_item_correct", args=[wj_item.pk])
    client.force_login(people["wj_member"])
    assert denied(client.post(url))
    client.force_login(people["wj_supervisor"])
    assert denied(client.post(url))
    assert not DisclosureItemPage.objects.filter(corrects=wj_item).exists()
