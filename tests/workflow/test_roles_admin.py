"""Memberships and reaches are managed in the admin, in Chinese, with history (point 1)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from disclosure_pages.models import UnitMembership
from disclosure_pages.permissions import UNIT_USERS_GROUP
from disclosure_pages.selectors import find_unit
from tests.builders import make_user

from .helpers import denied

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


def test_site_manager_lists_memberships_and_reaches(admin_client):
    memberships = admin_client.get(reverse("unit_memberships:index"))
    assert memberships.status_code == 200
    html = memberships.content.decode()
    assert "单位成员" in html and "wj_editor" in html and "审核人（分管负责人）" in html
    reaches = admin_client.get(reverse("supervisor_reaches:index"))
    assert reaches.status_code == 200 and "sg_supervisor" in reaches.content.decode()


def test_supervisor_sees_and_adds_memberships_only_within_reach(client, user_named):
    supervisor = user_named("wj_supervisor")
    zj_member = make_user("zj_editor", unit_path=ZJ, role="editor")
    client.force_login(supervisor)
    listing = client.get(reverse("unit_memberships:index")).content.decode()
    assert "wj_editor" in listing and zj_member.username not in listing

    newcomer = make_user("wj_new_editor")
    ok = client.post(
        reverse("unit_memberships:add"), {"user": newcomer.pk, "unit": find_unit(WJ).pk, "role": "editor"}
    )
    assert ok.status_code == 302
    assert UnitMembership.objects.filter(user=newcomer, unit=find_unit(WJ), role="editor").exists()
    assert Group.objects.get(name=UNIT_USERS_GROUP).user_set.filter(pk=newcomer.pk).exists()

    refused = client.post(reverse("unit_memberships:add"), {"user": newcomer.pk, "unit": find_unit(ZJ).pk, "role": "editor"})
    assert refused.status_code == 200
    assert "只能为本组织部门监督范围内的单位设置成员。" in refused.content.decode()


def test_membership_changes_have_a_history(admin_client, user_named):
    membership = UnitMembership.objects.get(user=user_named("wj_editor"))
    response = admin_client.post(
        reverse("unit_memberships:edit", args=[membership.pk]),
        {"user": membership.user_id, "unit": membership.unit_id, "role": "reviewer"},
    )
    assert response.status_code == 302
    history = admin_client.get(reverse("unit_memberships:history", args=[membership.pk]))
    assert history.status_code == 200
    assert membership.history.count() >= 2  # django-simple-history keeps the row versions


def test_editors_cannot_manage_roles(client, user_named):
    client.force_login(user_named("wj_editor"))
    assert denied(client.get(reverse("unit_memberships:index")))
    assert denied(client.get(reverse("supervisor_reaches:index")))
