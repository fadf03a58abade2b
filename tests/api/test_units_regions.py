"""/api/v2/units/ and /api/v2/regions/: live units and regions, counting public items only."""

from __future__ import annotations

import datetime

import pytest
from wagtail.actions.unpublish_page import UnpublishPageAction

from disclosure_pages.models import RegionPage
from disclosure_pages.selectors import find_unit
from tests.builders import make_item

from .conftest import LK, WJ

pytestmark = pytest.mark.django_db


def test_unit_rows_have_the_agreed_fields_and_count_public_items_only(client, planted):
    unit = find_unit(LK)
    response = client.get(f"/api/v2/units/{unit.pk}/")
    assert response.status_code == 200
    row = response.json()
    assert list(row) == ["id", "meta", "title", "name", "region", "item_count", "latest_published_at"]
    assert row["meta"]["detail_url"] == f"{unit.get_site().root_url}/api/v2/units/{unit.pk}/"
    assert row["title"] == "市科技局党支部" and row["name"] == "龙口市·市科技局党支部"
    assert row["region"] == {"id": unit.get_parent().pk, "title": "龙口市"}
    items = client.get(f"/api/v2/items/?unit={unit.pk}&limit=100").json()
    assert row["item_count"] == items["meta"]["total_count"]  # the 党内/委员/draft/revoked needles are not counted
    assert row["latest_published_at"] == items["items"][0]["published_at"] == "2026-11-20T10:00:00+08:00"


def test_units_filter_by_region_includes_sub_regions(client, planted):
    shaoguan = RegionPage.objects.get(title="韶关市", depth=3)
    wujiang = find_unit(WJ).get_parent()
    city = client.get(f"/api/v2/units/?region={shaoguan.pk}&limit=100").json()
    district = client.get(f"/api/v2/units/?region={wujiang.pk}&limit=100").json()
    assert find_unit(WJ).pk in {row["id"] for row in district["items"]} and find_unit(WJ).pk in {row["id"] for row in city["items"]}
    assert {row["region"]["title"] for row in district["items"]} == {"武江区"}
    assert city["meta"]["total_count"] > district["meta"]["total_count"]
    assert find_unit(LK).pk not in {row["id"] for row in city["items"]}


def test_an_unpublished_unit_and_its_items_leave_every_endpoint(client):
    item = make_item(LK, "1-1-1", title="接口单位下线事项", scope="public", published=datetime.date(2026, 12, 2))
    unit = find_unit(LK)
    UnpublishPageAction(unit, include_descendants=False).execute(skip_permission_checks=True)
    assert client.get(f"/api/v2/units/{unit.pk}/").status_code == 404
    assert client.get(f"/api/v2/items/{item.pk}/").status_code == 404
    assert unit.pk not in {row["id"] for row in client.get("/api/v2/units/?limit=100").json()["items"]}
    assert "接口单位下线事项" not in client.get("/api/v2/items/?limit=100").content.decode()
    assert client.get(f"/api/v2/items/?unit={unit.pk}").status_code == 400  # no such (live) unit


def test_region_rows_and_the_parent_filter(client):
    shaoguan = RegionPage.objects.get(title="韶关市", depth=3)
    wujiang = find_unit(WJ).get_parent()
    row = client.get(f"/api/v2/regions/{wujiang.pk}/").json()
    assert list(row) == ["id", "meta", "title", "parent", "unit_count"]
    assert row["title"] == "武江区" and row["parent"] == shaoguan.pk
    assert row["unit_count"] == client.get(f"/api/v2/units/?region={wujiang.pk}").json()["meta"]["total_count"] > 0
    city = client.get(f"/api/v2/regions/{shaoguan.pk}/").json()
    assert city["parent"] is None
    assert city["unit_count"] == client.get(f"/api/v2/units/?region={shaoguan.pk}").json()["meta"]["total_count"]
    children = client.get(f"/api/v2/regions/?parent={shaoguan.pk}&limit=100").json()
    assert wujiang.pk in {r["id"] for r in children["items"]} and {r["parent"] for r in children["items"]} == {shaoguan.pk}
    top = client.get("/api/v2/regions/?parent=root&limit=100").json()
    titles = {r["title"] for r in top["items"]}
    assert {"韶关市", "龙口市"} <= titles and "武江区" not in titles
    assert {r["parent"] for r in top["items"]} == {None}
    everything = client.get("/api/v2/regions/?limit=100").json()
    assert everything["meta"]["total_count"] > top["meta"]["total_count"]


def test_listings_of_units_and_regions_cost_bounded_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v2/units/?limit=20").json()["items"]) == 20
    with django_assert_max_num_queries(8):
        assert client.get("/api/v2/regions/?limit=20").json()["items"]
