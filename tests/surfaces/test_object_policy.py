"""One policy answers "may this user see / change this object"; every admin view of ours asks it,
Wagtail's bulk-action views included."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure_pages import permissions
from disclosure_pages.models import SupervisorReach, UnitMembership
from disclosure_pages.selectors import find_unit
from tests.builders import make_document, make_item, make_user, node_for

pytestmark = pytest.mark.django_db
WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
SECRET = "龙口党内 对象探针"


@pytest.fixture
def lk_party_item(db):
    return make_item(LK, "3-3-1", title=SECRET, scope="party")


@pytest.fixture
def lk_row(user_named):
    return UnitMembership.objects.get(user=user_named("lk_member"), unit=find_unit(LK))


def refused(response) -> bool:
    return response.status_code in (403, 404)


@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_a_supervisor_cannot_open_memberships_outside_reach(client, user_named, lk_row, view):
    client.force_login(user_named("wj_supervisor"))
    url = reverse(f"unit_memberships:{view}", args=[lk_row.pk])
    assert refused(client.get(url)), view
    if view != "history":
        assert refused(client.post(url, {"user": lk_row.user_id, "unit": lk_row.unit_id, "role": "editor"})), view
    lk_row.refresh_from_db()
    assert lk_row.role != "editor" or view == "history"
    assert UnitMembership.objects.filter(pk=lk_row.pk).exists()


def test_a_supervisor_edits_rows_inside_reach_but_cannot_move_them_out(client, user_named):
    row = UnitMembership.objects.get(user=user_named("wj_member"), unit=find_unit(WJ))
    client.force_login(user_named("wj_supervisor"))
    url = reverse("unit_memberships:edit", args=[row.pk])
    assert client.get(url).status_code == 200
    moved = client.post(url, {"user": row.user_id, "unit": find_unit(LK).pk, "role": row.role})
    assert moved.status_code == 200 and "只能为本组织部门监督范围内的单位设置成员。" in moved.content.decode()
    row.refresh_from_db()
    assert row.unit == find_unit(WJ)


BULK_ACTIONS = ["delete", "unpublish", "move", "publish"]


@pytest.mark.parametrize("username", ["wj_editor", "wj_reviewer", "wj_supervisor", "sg_supervisor"])
@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_bulk_action_pages_do_not_name_pages_the_user_may_not_see(client, user_named, lk_party_item, username, action):
    client.force_login(user_named(username))
    own = make_item(WJ, "1-1-1", title="武江本单位 批量探针")
    url = f"/admin/bulk/wagtailcore/page/{action}/"
    for query in [f"?id={lk_party_item.pk}", f"?id={lk_party_item.pk}&id={own.pk}", f"?id=all&childOf={lk_party_item.get_parent().pk}"]:
        response = client.get(url + query)
        assert SECRET not in response.content.decode(), (username, action, query)
    response = client.post(url + f"?id={lk_party_item.pk}", {"include_descendants": ""})
    assert SECRET not in response.content.decode()
    lk_party_item.refresh_from_db()
    assert lk_party_item.live


def test_the_policy_answers_for_every_kind_of_object(user_named, lk_party_item):
    from archive.models import ArchiveRecord
    from participation.services import feedback_submit, request_submit

    wj_editor, wj_supervisor, lk_member, sg_supervisor = (
        user_named(name) for name in ("wj_editor", "wj_supervisor", "lk_member", "sg_supervisor")
    )
    lk_unit = find_unit(LK)
    wj_item = make_item(WJ, "1-1-1", title="武江事项 政策探针")
    objects = {
        "lk_item": lk_party_item,
        "lk_document": make_document(LK, title="龙口文件"),
        "lk_membership": UnitMembership.objects.get(user=lk_member, unit=lk_unit),
        "lk_request": request_submit(unit=lk_unit, applicant_name="张三", contact_phone="13800000000", request_text="申请").request,
        "lk_feedback": feedback_submit(unit=lk_unit, content="意见"),
        "lk_record": ArchiveRecord.objects.filter(unit=lk_unit).first(),
        "wj_item": wj_item,
        "wj_document": make_document(WJ, title="武江文件"),
        "wj_request": request_submit(unit=find_unit(WJ), applicant_name="李四", contact_phone="13800000001", request_text="申请").request,
        "wj_feedback": feedback_submit(unit=find_unit(WJ), content="意见"),
        "wj_record": ArchiveRecord.objects.filter(unit=find_unit(WJ)).first(),
    }
    assert objects["lk_record"] is not None and objects["wj_record"] is not None
    for key, obj in objects.items():
        wj_side = key.startswith("wj_")
        assert permissions.can_see(wj_supervisor, obj) is wj_side, key
        assert permissions.can_see(sg_supervisor, obj) is wj_side, key
        assert permissions.can_see(wj_editor, obj) is (wj_side and not key.endswith("record")), key
    assert permissions.can_change(wj_editor, objects["wj_item"])
    assert not permissions.can_change(wj_editor, objects["lk_item"])
    assert permissions.can_change(wj_supervisor, UnitMembership.objects.get(user=user_named("wj_member")))
    assert not permissions.can_change(wj_supervisor, objects["lk_membership"])
    assert not permissions.can_see(lk_member, objects["lk_request"])  # a member is not a handler


def test_the_staff_roles_are_written_once():
    import archive.selectors
    import deadlines.selectors
    import participation.selectors

    for module in (archive.selectors, deadlines.selectors, participation.selectors):
        source = open(module.__file__, encoding="utf-8").read()
        assert "Role.EDITOR, Role.REVIEWER, Role.LEADER" not in source, module.__name__
    assert set(permissions.STAFF_ROLES) == {"editor", "reviewer", "leader", "secrecy"}


def test_supervisor_reach_rows_are_for_site_managers_only(client, user_named):
    reach = SupervisorReach.objects.get(user=user_named("sg_supervisor"))
    client.force_login(user_named("wj_supervisor"))
    for view in ["edit", "delete", "history"]:
        response = client.get(reverse(f"supervisor_reaches:{view}", args=[reach.pk]))
        assert response.status_code in (302, 403, 404), view


@pytest.mark.parametrize("url_name", ["archive_record_pdf"])
def test_archive_record_views_follow_the_policy(client, user_named, url_name):
    from archive.models import ArchiveRecord

    make_item(LK, "1-1-2", title="龙口归档探针", scope="public")
    record = ArchiveRecord.objects.filter(unit=find_unit(LK)).first()
    client.force_login(user_named("wj_supervisor"))
    assert client.get(reverse(url_name, args=[record.pk])).status_code in (302, 403, 404)
    client.force_login(make_user("lk_reach", reach=find_unit(LK)))
    assert client.get(reverse(url_name, args=[record.pk])).status_code == 200


def test_node_for_sanity():
    assert node_for(LK, "3-3-1").code == "3-3-1"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/bulk/wagtaildocs/document/delete/?id={doc}",
        "/admin/bulk/wagtaildocs/document/add_tags/?id={doc}",
        "/admin/bulk/wagtaildocs/document/add_to_collection/?id={doc}",
        "/admin/bulk/wagtaildocs/document/delete/?id=all",
        "/admin/bulk/auth/user/delete/?id={user}",
        "/admin/bulk/auth/user/set_active_state/?id={user}",
    ],
)
def test_other_bulk_actions_do_not_name_what_the_user_may_not_see(client, user_named, url):
    document = make_document(LK, title="龙口文件 批量探针")
    lk_member = user_named("lk_member")
    lk_member.first_name = "龙口成员批量探针"
    lk_member.save()
    client.force_login(user_named("wj_editor"))
    response = client.get(url.format(doc=document.pk, user=lk_member.pk))
    body = response.content.decode()
    assert "批量探针" not in body, url
