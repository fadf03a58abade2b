"""Roles → page permissions: the matrix of who may do what where (issue 3, point 1)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, PortalHomePage, SupervisorReach, UnitMembership
from disclosure_pages.permissions import UNIT_USERS_GROUP, can_revoke
from disclosure_pages.selectors import find_unit
from review.models.workflow import WORKFLOW_NAME
from tests.builders import make_item, make_user, node_for

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


@pytest.fixture
def wj_item(db):
    return make_item(WJ, "1-1-1", title="武江区委办事项", scope="public")


@pytest.fixture
def zj_item(db):
    return make_item(ZJ, "1-1-1", title="浈江区委办事项", scope="public")


def test_editor_adds_items_only_under_their_units_catalogue(user_named):
    editor = user_named("wj_editor")
    assert node_for(WJ, "1-1-1").permissions_for_user(editor).can_add_subpage()
    assert not node_for(ZJ, "1-1-1").permissions_for_user(editor).can_add_subpage()
    # The catalogue itself and the unit page are catalogue management, not an editor's job.
    assert not find_unit(WJ).permissions_for_user(editor).can_add_subpage()
    assert not node_for(WJ, "1-1").permissions_for_user(editor).can_add_subpage()
    assert not node_for(WJ, "1-1-1").permissions_for_user(editor).can_edit()
    assert not find_unit(WJ).permissions_for_user(editor).can_edit()


def test_editor_edits_their_units_items_and_cannot_touch_zhenjiang(user_named, wj_item, zj_item):
    editor = user_named("wj_editor")
    assert wj_item.permissions_for_user(editor).can_edit()
    assert not zj_item.permissions_for_user(editor).can_edit()
    assert not wj_item.permissions_for_user(editor).can_publish()
    assert not wj_item.permissions_for_user(editor).can_unpublish()


def test_editor_is_refused_zhenjiang_in_the_admin(client, user_named, zj_item):
    client.force_login(user_named("wj_editor"))
    home = reverse("wagtailadmin_home")
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[zj_item.pk]))
    assert (edit.status_code, edit.url) == (302, home)  # Wagtail's "permission denied" redirect
    add = client.get(
        reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", node_for(ZJ, "1-1-1").pk])
    )
    assert (add.status_code, add.url) == (302, home)
    own = client.get(reverse("wagtailadmin_pages:edit", args=[make_item(WJ, "1-1-1", title="本单位").pk]))
    assert own.status_code == 200


def test_editor_deletes_own_drafts_but_not_published_items(user_named, wj_item):
    editor = user_named("wj_editor")
    assert not wj_item.permissions_for_user(editor).can_delete()
    node = node_for(WJ, "1-1-2")
    draft = DisclosureItemPage(title="草稿", slug="draft-x", period_type="year", year=2026, live=False)
    node.add_child(instance=draft)
    assert draft.permissions_for_user(editor).can_delete()


def test_explorer_for_an_editor_starts_at_their_unit_and_hides_other_units(client, user_named):
    client.force_login(user_named("wj_editor"))
    unit = find_unit(WJ)
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_explore", args=[unit.pk])
    other = client.get(reverse("wagtailadmin_explore", args=[find_unit(ZJ).pk]))
    assert other.status_code == 302 and other.url == reverse("wagtailadmin_explore", args=[unit.pk])
    listing = client.get(reverse("wagtailadmin_explore", args=[unit.pk]))
    assert listing.status_code == 200
    assert [page.title for page in listing.context["object_list"]] == ["党务公开"]


def test_supervisor_explores_their_whole_subtree(client, user_named, wj_item):
    client.force_login(user_named("wj_supervisor"))
    wujiang = find_unit(WJ).get_parent()
    response = client.get(reverse("wagtailadmin_explore", args=[wujiang.pk]))
    assert response.status_code == 200
    titles = {page.title for page in response.context["object_list"]}
    assert "区委办" in titles and "区委组织部" in titles
    item_listing = client.get(reverse("wagtailadmin_explore", args=[wj_item.get_parent().pk]))
    assert "武江区委办事项" in item_listing.content.decode()
    # Outside the reach: back to 武江区.
    elsewhere = client.get(reverse("wagtailadmin_explore", args=[find_unit(ZJ).pk]))
    assert elsewhere.status_code == 302


def test_supervisors_revoke_only_within_their_reach(user_named, wj_item, zj_item):
    wujiang, shaoguan = user_named("wj_supervisor"), user_named("sg_supervisor")
    assert can_revoke(wujiang, wj_item)
    assert not can_revoke(wujiang, zj_item)
    assert can_revoke(shaoguan, wj_item) and can_revoke(shaoguan, zj_item)
    for person in ("wj_editor", "wj_reviewer", "wj_leader", "wj_member"):
        assert not can_revoke(user_named(person), wj_item), person


def test_supervisor_cannot_edit_items(user_named, wj_item):
    supervisor = user_named("sg_supervisor")
    assert not wj_item.permissions_for_user(supervisor).can_edit()
    assert not wj_item.permissions_for_user(supervisor).can_publish()


def test_reviewer_edits_only_while_the_item_is_in_their_review(client, user_named, wj_item):
    reviewer = user_named("wj_reviewer")
    assert not wj_item.permissions_for_user(reviewer).can_edit()
    wj_item.get_workflow().start(wj_item, user_named("wj_editor"))
    wj_item.refresh_from_db()
    assert wj_item.permissions_for_user(reviewer).can_edit()
    zj_reviewer = make_user("zj_reviewer", unit_path=ZJ, role="reviewer")
    assert not wj_item.permissions_for_user(zj_reviewer).can_edit()


def test_unit_users_reach_the_admin_through_one_shared_group(client, user_named):
    group = Group.objects.get(name=UNIT_USERS_GROUP)
    members = set(group.user_set.values_list("username", flat=True))
    assert {"wj_editor", "wj_reviewer", "wj_leader", "sg_supervisor", "wj_supervisor"} <= members
    assert "wj_member" not in members and "lk_member" not in members
    assert Group.objects.filter(name__contains="区委办").count() == 0
    client.force_login(user_named("wj_editor"))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    client.force_login(user_named("wj_member"))
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_group_follows_memberships_as_they_change(db):
    group = Group.objects.get(name=UNIT_USERS_GROUP)
    newcomer = make_user("newcomer")
    assert not group.user_set.filter(pk=newcomer.pk).exists()
    membership = UnitMembership.objects.create(user=newcomer, unit=find_unit(ZJ), role="editor")
    assert group.user_set.filter(pk=newcomer.pk).exists()
    membership.delete()
    assert not group.user_set.filter(pk=newcomer.pk).exists()
    SupervisorReach.objects.create(user=newcomer, root=find_unit(ZJ).get_parent())
    assert group.user_set.filter(pk=newcomer.pk).exists()


def test_only_items_are_moderated(wj_item):
    home = PortalHomePage.objects.get()
    assert wj_item.get_workflow().name == WORKFLOW_NAME
    for page in (home, find_unit(WJ), find_unit(WJ).get_parent().specific, node_for(WJ, "1-1"), node_for(WJ, "1-1-1")):
        assert page.get_workflow() is None, page
    assert not CatalogNodePage.objects.get(pk=node_for(WJ, "1-1").pk).has_workflow
    # New items created under a 三级 node are submitted to the workflow.
    assert node_for(WJ, "1-1-1").has_workflow


def test_install_workflow_command_is_idempotent(db):
    from io import StringIO

    from django.core.management import call_command
    from wagtail.models import Workflow

    out = StringIO()
    call_command("install_workflow", stdout=out)
    call_command("install_workflow", stdout=out)
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    # The secrecy review's steps and 会签 sit between 审核 and 审批 (each skipped when not needed).
    assert [task.name for task in workflow.tasks] == [
        "审核（分管负责人）",
        "保密审查（分管保密负责人）",
        "保密审查（区保密办）",
        "会签（相关部门）",
        "审批（主要负责人）",
    ]
    assert "指定页面 1 个" in out.getvalue()


def test_page_chooser_hides_other_units_internal_items(client, user_named):
    internal = make_item(ZJ, "1-1-2", title="浈江区党内事项", scope="party")
    public = make_item(ZJ, "1-1-2", title="浈江区社会公开事项", scope="public")
    client.force_login(user_named("wj_editor"))
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[internal.get_parent().pk]))
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert public.title in html
    assert internal.title not in html
