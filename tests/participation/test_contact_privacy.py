"""An applicant's contact details: the unit's handling staff and its supervisors only."""

from __future__ import annotations

import pytest

from participation.selectors import can_see_contact

PHONE, EMAIL = "13812345678", "zhangsan@example.com"


@pytest.fixture
def req(make_request):
    return make_request().request  # 韶关市/武江区/区委办


@pytest.mark.parametrize("username", ["wj_editor", "wj_reviewer", "wj_leader", "sg_supervisor", "wj_supervisor"])
def test_unit_staff_and_supervisors_see_contact_details(client, staff, req, username):
    client.force_login(staff(username))
    page = client.get(f"/admin/participation/requests/{req.pk}/").content.decode()
    assert PHONE in page and EMAIL in page
    assert req.tracking_number in client.get("/admin/participation/requests/").content.decode()


def test_staff_of_another_unit_see_neither_the_request_nor_its_contact(client, req, outsider_editor):
    assert not can_see_contact(outsider_editor, req)
    client.force_login(outsider_editor)
    assert client.get(f"/admin/participation/requests/{req.pk}/").status_code == 404
    listing = client.get("/admin/participation/requests/").content.decode()
    assert req.tracking_number not in listing and PHONE not in listing


def test_party_member_of_the_unit_is_not_handling_staff(client, staff, req):
    member = staff("wj_member")
    assert not can_see_contact(member, req)
    client.force_login(member)
    assert client.get(f"/admin/participation/requests/{req.pk}/").status_code == 302  # Wagtail: no permission


def test_supervisor_of_another_region_does_not_see_contact(req, db):
    from disclosure_pages.models import RegionPage
    from tests.builders import make_user

    longkou_supervisor = make_user("lk_supervisor", reach=RegionPage.objects.get(title="龙口市"))
    assert not can_see_contact(longkou_supervisor, req)


def test_anonymous_sees_no_contact_anywhere(client, req, unit):
    from django.contrib.auth.models import AnonymousUser

    assert not can_see_contact(AnonymousUser(), req)
    admin = client.get(f"/admin/participation/requests/{req.pk}/")
    assert admin.status_code == 302 and "/login/" in admin["Location"]
    for url in [req.unit.url, "/feedback/", "/requests/", f"/requests/status/{req.tracking_number}/"]:
        page = client.get(url, follow=True).content.decode()
        assert PHONE not in page and EMAIL not in page
