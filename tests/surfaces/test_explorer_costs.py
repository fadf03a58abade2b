"""The admin page explorer costs a fixed number of queries, whatever the number of pages it lists.

Each listed page asks the page policy (memberships, reaches) and Wagtail's permission tester about
ten times (its title, each of its buttons); one query among them would make a province's listing
grow with its units (bench/explorer.py measures 1,000 units). Counting the queries keeps that out.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure_pages.choices import Role
from disclosure_pages.demo import catalog_data
from disclosure_pages.models import PortalHomePage
from disclosure_pages.services import catalog_install, region_get_or_create, unit_get_or_create
from tests.builders import make_item, make_user, node_for

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


def _add_units(region, first: int, last: int) -> None:
    catalog = catalog_data("shaoguan_standard")
    for n in range(first, last):
        unit, _ = unit_get_or_create(region=region, name=f"测试单位{n}")
        catalog_install(unit=unit, catalog=catalog)


def _explore(client, page) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtailadmin_explore", args=[page.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_supervisors_region_listing_costs_the_same_for_5_and_25_units(client):
    region, _ = region_get_or_create(parent=PortalHomePage.objects.get(), name="测试市", kind="市")
    _add_units(region, 0, 5)
    client.force_login(make_user("region_supervisor", reach=region))
    _explore(client, region)  # the first request fills the caches (content types, site root paths)

    few, html = _explore(client, region)
    assert "测试单位4" in html
    _add_units(region, 5, 25)
    many, html = _explore(client, region)

    assert "测试单位24" in html and "共 25 个页面" in html
    assert many == few


def test_editors_item_listing_costs_the_same_for_3_and_12_items(client):
    node = node_for(WJ, "1-1-2")
    for n in range(3):
        make_item(WJ, "1-1-2", title=f"计数事项{n}", scope="public")
    client.force_login(make_user("counting_editor", unit_path=WJ, role=Role.EDITOR))
    _explore(client, node)

    few, html = _explore(client, node)
    assert "计数事项2" in html
    for n in range(3, 12):
        make_item(WJ, "1-1-2", title=f"计数事项{n}", scope="public")
    many, html = _explore(client, node)

    assert "计数事项11" in html
    assert many == few
