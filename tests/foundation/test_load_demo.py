import io

import pytest
from django.core.management import call_command

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage

pytestmark = pytest.mark.django_db


def test_load_demo_twice_duplicates_nothing():
    before = [m.objects.count() for m in (RegionPage, UnitPage, CatalogNodePage, DisclosureItemPage)]
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    after = [m.objects.count() for m in (RegionPage, UnitPage, CatalogNodePage, DisclosureItemPage)]
    assert after == before
    assert "新建行政区域 0 个、单位 0 个、目录节点 0 个、公开事项 0 条" in out.getvalue()


def test_every_unit_has_published_items_to_show():
    for unit in UnitPage.objects.all():
        assert DisclosureItemPage.objects.live().descendant_of(unit).filter(scope="public").exists(), unit.title


def test_demo_personas_are_as_in_real_life():
    from django.contrib.auth import get_user_model

    from disclosure_pages.demo import ARCHIVISTS, PERSONAS, SUPERVISORS
    from tests.builders import node_for

    User = get_user_model()
    usernames = [p[0] for p in PERSONAS] + [s[0] for s in SUPERVISORS] + [a[0] for a in ARCHIVISTS]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    assert set(users) == set(usernames)
    assert all(user.email.endswith("@example.org") for user in users.values()), [u.email for u in users.values()]
    archivist = users["sg_archivist"]
    assert archivist.groups.filter(name="档案管理员").exists() and archivist.has_perm("wagtailadmin.access_admin")
    # A catalogue node marked 重要, so that the 审批 step shows with the demo personas.
    assert node_for("韶关市/武江区/区委办", "1-1-4").requires_leader_approval
    assert not node_for("韶关市/武江区/区委办", "1-1-3").requires_leader_approval
