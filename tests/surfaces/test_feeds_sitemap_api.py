"""Feeds, sitemap and the JSON API expose public (社会) items only."""

import datetime
import json

import pytest

from disclosure_pages.selectors import find_unit

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"


@pytest.fixture
def items(item_factory):
    public = item_factory(LK, "1-1-1", title="公开的决策部署情况", published=datetime.date(2026, 11, 20))
    internal = item_factory(LK, "3-3-1", title="仅党员可见的党费情况", published=datetime.date(2026, 11, 21))
    committee = item_factory(LK, "1-2-2", title="仅委员可见的决策情况", published=datetime.date(2026, 11, 22))
    revoked = item_factory(LK, "1-1-2", title="已撤消的公开事项", published=datetime.date(2026, 11, 23))
    revoked.unpublish()
    return {"public": public, "internal": internal, "committee": committee, "revoked": revoked}


HIDDEN = ["仅党员可见的党费情况", "仅委员可见的决策情况", "已撤消的公开事项"]


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_site_feeds_list_public_items_only(client, items, url):
    body = client.get(url).content.decode()
    assert "公开的决策部署情况" in body
    for title in HIDDEN:
        assert title not in body


def test_unit_feed_lists_that_units_public_items(client, items):
    unit = find_unit(LK)
    body = client.get(f"/feeds/unit/{unit.pk}/rss/").content.decode()
    assert "公开的决策部署情况" in body and "市科技局党支部" in body
    for title in HIDDEN:
        assert title not in body
    assert client.get("/feeds/unit/999999/rss/").status_code == 404


def test_sitemap_has_public_items_only(client, items):
    body = client.get("/sitemap.xml").content.decode()
    assert items["public"].full_url in body
    for key in ("internal", "committee", "revoked"):
        assert items[key].full_url not in body


def test_api_lists_public_items_only(client, items):
    data = client.get(f"/api/v2/items/?unit={find_unit(LK).pk}&limit=100").json()
    titles = [r["title"] for r in data["items"]]
    assert "公开的决策部署情况" in titles
    assert not set(HIDDEN) & set(titles)
    first = next(r for r in data["items"] if r["title"] == "公开的决策部署情况")
    assert first["catalog_code"] == "1-1-1" and first["unit"]["title"] == "市科技局党支部"


def test_api_detail_404_for_internal_and_revoked(client, items):
    assert client.get(f"/api/v2/items/{items['public'].pk}/").json()["title"] == "公开的决策部署情况"
    for key in ("internal", "committee", "revoked"):
        assert client.get(f"/api/v2/items/{items[key].pk}/").status_code == 404


def test_api_bad_parameters_are_refused_with_a_reason(client):
    # The first API ignored nonsense; /api/v2/ answers 400 and says what is wrong.
    response = client.get("/api/v2/items/?offset=abc&limit=-5&year=xx&unit=zz")
    assert response.status_code == 400 and "应为" in response.json()["message"]


def test_openapi_describes_the_api(client):
    spec = json.loads(client.get("/api/openapi.json", follow=True).content)
    assert spec["openapi"].startswith("3.") and "/api/v2/items/" in spec["paths"] and "/api/v2/items/{id}/" in spec["paths"]
