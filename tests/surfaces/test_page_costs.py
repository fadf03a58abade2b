"""Public pages look up where the site's pages live once per request, not once per link.

A page's `.url` without the request asks the cache for the site root paths on every call; with
Redis in production the home page's 120 links cost 130 round trips (measured: 181 ms → 29 ms per
request once the templates passed the request). Counting calls keeps that from coming back.
"""

from unittest import mock

import pytest
from wagtail.models import Site

from disclosure_pages.selectors import find_unit, public_items

pytestmark = pytest.mark.django_db


def _root_path_lookups(client, url: str) -> int:
    with mock.patch.object(Site, "get_site_root_paths", wraps=Site.get_site_root_paths) as lookups:
        response = client.get(url)
    assert response.status_code == 200
    return lookups.call_count


def test_home_page_resolves_page_urls_once(client):
    assert _root_path_lookups(client, "/") <= 1


def test_unit_and_item_pages_resolve_page_urls_once(client):
    unit = find_unit("韶关市/武江区/区委办")
    item = public_items().descendant_of(unit).first()
    assert _root_path_lookups(client, unit.url) <= 1
    assert _root_path_lookups(client, item.url) <= 1


def test_home_page_query_count_does_not_grow_with_units(client, django_assert_max_num_queries):
    # 113 regions and units and 15 latest items: a fixed handful of queries, not one per row.
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
