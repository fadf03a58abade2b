"""撤消: a supervisor takes a published item off every public surface, with a reason (point 6)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import PageLogEntry, WorkflowState

from archive.selectors import records_for_item
from disclosure_pages.actions import REVOKE_LOG_ACTION, RevokePermissionError, revoke_item
from disclosure_pages.selectors import public_items
from tests.builders import make_item

from .helpers import denied

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


@pytest.fixture
def wj_item(db):
    return make_item(WJ, "1-1-1", title="有误的班子分工", scope="public")


def test_revocation_unpublishes_archives_logs_and_tells_the_editors(
    client, people, wj_item, django_capture_on_commit_callbacks
):
    url = wj_item.url
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        record = revoke_item(wj_item, user=people["sg_supervisor"], reason="分工信息有误，已要求重新报送")
    wj_item.refresh_from_db()
    assert not wj_item.live
    assert not public_items().filter(pk=wj_item.pk).exists()
    # Not a bare 404 any more: the address keeps the 撤消说明, without the withdrawn title (issue 12).
    notice = client.get(url)
    assert notice.status_code == 410
    assert "分工信息有误" in notice.content.decode() and "有误的班子分工" not in notice.content.decode()
    entry = PageLogEntry.objects.get(page=wj_item, action=REVOKE_LOG_ACTION)
    assert entry.data["reason"] == "分工信息有误，已要求重新报送"
    assert entry.user == people["sg_supervisor"]
    assert record.kind == "revocation"
    assert records_for_item(wj_item).filter(kind="revocation", reason="分工信息有误，已要求重新报送").exists()
    assert [m.to for m in mail.outbox] == [["editor@wj.example"]]
    assert "分工信息有误" in mail.outbox[0].body


def test_wujiang_supervisor_cannot_revoke_in_zhenjiang(people):
    zj_item = make_item(ZJ, "1-1-1", title="浈江区事项", scope="public")
    with pytest.raises(RevokePermissionError):
        revoke_item(zj_item, user=people["wj_supervisor"], reason="越权")
    zj_item.refresh_from_db()
    assert zj_item.live


def test_shaoguan_supervisor_revokes_in_both_districts(people, wj_item):
    zj_item = make_item(ZJ, "1-1-1", title="浈江区事项", scope="public")
    for item in (wj_item, zj_item):
        revoke_item(item, user=people["sg_supervisor"], reason="内容错误")
        item.refresh_from_db()
        assert not item.live


def test_revocation_needs_a_reason(people, wj_item):
    with pytest.raises(ValidationError):
        revoke_item(wj_item, user=people["wj_supervisor"], reason="  ")
    wj_item.refresh_from_db()
    assert wj_item.live


def test_editors_cannot_revoke(people, wj_item):
    with pytest.raises(RevokePermissionError):
        revoke_item(wj_item, user=people["wj_editor"], reason="想撤")


def test_revocation_cancels_a_pending_change(people, wj_item):
    wj_item.save_revision(user=people["wj_editor"])
    state = wj_item.get_workflow().start(wj_item, people["wj_editor"])
    revoke_item(wj_item, user=people["wj_supervisor"], reason="内容错误")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_CANCELLED


def test_supervisor_revokes_from_the_admin_after_confirming(client, people, wj_item):
    client.force_login(people["wj_supervisor"])
    listing = client.get(reverse("wagtailadmin_explore", args=[wj_item.get_parent().pk])).content.decode()
    revoke_url = reverse("disclosure_item_revoke", args=[wj_item.pk])
    assert revoke_url in listing
    form = client.get(revoke_url)
    assert form.status_code == 200 and "撤消理由" in form.content.decode()
    empty = client.post(revoke_url, {"reason": ""})
    assert empty.status_code == 200 and "请填写撤消理由。" in empty.content.decode()
    wj_item.refresh_from_db()
    assert wj_item.live
    done = client.post(revoke_url, {"reason": "公开范围错误"}, follow=True)
    assert "已撤消" in done.content.decode()
    wj_item.refresh_from_db()
    assert not wj_item.live


def test_no_revoke_button_or_view_for_those_who_may_not(client, people, wj_item):
    revoke_url = reverse("disclosure_item_revoke", args=[wj_item.pk])
    client.force_login(people["wj_editor"])
    listing = client.get(reverse("wagtailadmin_explore", args=[wj_item.get_parent().pk])).content.decode()
    assert revoke_url not in listing
    assert denied(client.get(revoke_url))
    assert denied(client.post(revoke_url, {"reason": "想撤"}))
    zj_item = make_item(ZJ, "1-1-1", title="浈江区事项", scope="public")
    client.force_login(people["wj_supervisor"])
    assert denied(client.get(reverse("disclosure_item_revoke", args=[zj_item.pk])))
    wj_item.refresh_from_db()
    zj_item.refresh_from_db()
    assert wj_item.live and zj_item.live
