"""Bad input gets a 4xx and a clear message, never a 500: every public URL, our admin views, Wagtail's edge cases."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

HUGE = "10000000000000000000000000"
HOSTILE = [HUGE, "9223372036854775808", "²", "-1", "abc", "%00", "1%00", "１２"]
QUERY_NAMES = ["unit", "year", "page", "per_page", "kind", "number", "q", "region", "category", "schedule",
               "catalog", "published_after", "published_before", "parent", "limit", "offset"]
OUR_APPS = ("disclosure_pages", "participation", "deadlines", "archive", "search", "cms", "callcentre", "sms",
            "supervision", "displays", "publicapi")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(patterns, prefix=""):
    """Every URL pattern under the root resolver, as (route with <name> placeholders or regex, callback)."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def fill(route: str, value: str) -> str:
    """A concrete path for `route` with `value` in every parameter (each regex group becomes one value)."""
    route = PARAM.sub(value, route).replace("^", "").replace("$", "")  # Wagtail's API router mounts with re_path
    if "(" in route:
        while "(" in route:
            route = re.sub(r"\([^()]*\)\*?", "\x01", route)  # innermost groups first
        route = route.replace("\x01", value)
        if not route.endswith("/"):
            route += "/"
    return "/" + route.lstrip("/")


def public_routes():
    return sorted({route for route, _ in walk(get_resolver().url_patterns) if not route.startswith("admin/")})


def our_admin_routes():
    routes = set()
    for route, callback in walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "") or ""
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        if route.startswith("admin/") and module.split(".")[0] in OUR_APPS and PARAM.search(route):
            routes.add(route)
    return sorted(routes)


def problems_for(client: Client, urls: list[str], *, post: bool = True) -> list[str]:
    found = []
    for url in urls:
        for method in ("get", "post") if post else ("get",):
            cache.clear()  # the public forms' rate limits must not hide a 500 behind a 429
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                found.append(f"{method.upper()} {url} → {response.status_code}")
    return found


def test_the_walk_sees_the_public_patterns_that_take_ids():
    routes = public_routes()
    for expected in ("api/items/<int:item_id>/", "api/v2/items/<int:pk>/", "api/v2/regions/<int:pk>/",
                     "feeds/unit/<int:unit_id>/rss/", "feedback/item/<int:item_id>/"):
        assert any(PARAM.sub("", route).replace("^", "") == PARAM.sub("", expected) for route in routes), (expected, routes)
    assert len(routes) > 20


def test_every_public_url_with_hostile_path_values_answers_4xx_not_500():
    client = Client(raise_request_exception=False)
    urls = sorted({fill(route, value) for route in public_routes() if PARAM.search(route) or "(" in route for value in HOSTILE})
    assert problems_for(client, urls) == []


def test_every_public_url_with_hostile_query_values_answers_without_500():
    client = Client(raise_request_exception=False)
    plain = [fill(route, "1") for route in public_routes()]
    urls = [f"{url}?{'&'.join(f'{name}={value}' for name in QUERY_NAMES)}" for url in plain for value in HOSTILE]
    assert problems_for(client, urls, post=False) == []


def test_public_forms_refuse_hostile_ids_in_posted_fields():
    client = Client(raise_request_exception=False)
    for value in HOSTILE:
        cache.clear()
        for url, data in (
            ("/requests/new/", {"unit": value, "applicant_name": "王五", "contact_phone": "13700001111", "request_text": "请公开", "purpose": "了解", "website": ""}),
            ("/requests/status/", {"tracking_number": value, "code": value}),
        ):
            response = client.post(url, data)
            assert response.status_code < 500, (url, value)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v2/items/?unit={HUGE}",
        f"/api/v2/items/{HUGE}/",
        f"/feeds/unit/{HUGE}/rss/",
        f"/feeds/unit/{HUGE}/atom/",
        f"/feedback/unit/{HUGE}/",
        f"/feedback/item/{HUGE}/",
        "/api/v2/items/?unit=²",
        "/api/v2/items/?year=²",
        f"/api/v2/units/?region={HUGE}",
        f"/api/v2/regions/?parent={HUGE}",
    ],
)
def test_the_reported_cases(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code in (400, 404), response.status_code
    if "?" in url:
        assert response.status_code == 400  # a filter that cannot match is refused, with the reason
        assert "应为" in response.json()["message"]


def test_a_filter_that_is_not_an_id_is_refused_rather_than_listing_everything(client):
    # The first API answered such filters with an empty list; /api/v2/ says what is wrong (400).
    assert client.get("/api/v2/items/?unit=abc").status_code == 400
    assert client.get("/api/v2/items/?year=²").status_code == 400
    assert client.get("/api/items/?unit=abc", follow=True).status_code == 400
    assert client.get("/api/v2/items/").json()["meta"]["total_count"] > 0


def test_our_admin_views_with_hostile_ids_answer_4xx_not_500():
    admin = get_user_model().objects.create_superuser("badinput_admin", password="pw")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    routes = our_admin_routes()
    assert any("archive/records" in route for route in routes) and any("node/" in route for route in routes), routes
    urls = sorted({fill(route, value) for route in routes for value in (HUGE, "9223372036854775808")})
    listings = ["/admin/archive/archiverecord/", "/admin/participation/requests/", "/admin/participation/feedback/",
                "/admin/deadlines/compliance/", "/admin/archive/volume/"]
    names = ["unit", "year", "kind", "status", "due", "state", "scope", "region", "p", "page", "retention"]
    urls += [f"{url}?{'&'.join(f'{name}={value}' for name in names)}" for url in listings for value in HOSTILE]
    calls = ["q", "page", "outcome", "operator", "started_at_after", "started_at_before"]
    urls += [
        f"{url}?{'&'.join(f'{name}={value}' for name in calls)}"
        for url in ("/admin/callcentre/", "/admin/callcentre/calls/")
        for value in HOSTILE
    ]
    assert problems_for(client, urls, post=False) == []


ADMIN_LISTINGS = [
    "/admin/participation/requests/", "/admin/participation/feedback/", "/admin/archive/archiverecord/",
    "/admin/archive/volume/", "/admin/callcentre/calls/", "/admin/sms_subscriptions/", "/admin/sms_messages/",
    "/admin/supervision/evaluations/", "/admin/pages/search/", "/admin/documents/", "/admin/users/",
]


def test_a_nul_in_an_admin_search_or_filter_is_a_400_before_any_view():
    """PostgreSQL text cannot hold a NUL: the admin's listings pass their search box and filters to the
    database as typed, and /admin/participation/requests/?q=%00 was a 500 there. Refused once, for every
    admin screen, before a view can hand the value on."""
    admin = get_user_model().objects.create_superuser("nul_admin", password="pw")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    for url in ADMIN_LISTINGS:
        assert client.get(url).status_code == 200, url  # the listing exists and serves without the NUL
        for query in ("q=%00", "q=%E5%85%9A%00", "status=%00", "q=ok&unit=1%00"):
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query, response.status_code)
            assert "空字符" in response.content.decode(), url
    assert client.get("/search/?q=%00%E5%85%9A").status_code == 200  # the public search copes on its own


def test_parse_id_accepts_only_ascii_digits_in_bigint_range():
    from disclosure_pages.params import parse_id

    assert parse_id("42") == 42 and parse_id(" 7 ") is None and parse_id(7) == 7
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    for bad in (str(2**63), HUGE, "²", "１２", "-1", "0", "abc", "", None, "1e3", "1.0", "\x00", True, 2**63, -5):
        assert parse_id(bad) is None, bad


# --- Wagtail's own views --------------------------------------------------------------------------


def test_reverting_to_revision_zero_is_a_404(admin_client, item_factory):
    admin_client.raise_request_exception = False
    item = item_factory("韶关市/武江区/区委办", "1-1-1", title="回退测试事项", scope="public")
    for revision in ("0", HUGE):
        response = admin_client.get(f"/admin/pages/{item.pk}/revisions/{revision}/revert/")
        assert response.status_code == 404, (revision, response.status_code)


def test_adding_an_item_with_an_empty_post_body_shows_the_form_again(admin_client, item_factory):
    from tests.builders import node_for

    admin_client.raise_request_exception = False
    node = node_for("韶关市/武江区/区委办", "1-1-1")
    url = f"/admin/pages/add/disclosure_pages/disclosureitempage/{node.pk}/"
    for data in ({}, {"title": "空表单"}, {"title": "坏计数", "tables-count": "abc"}):
        response = admin_client.post(url, data)
        assert response.status_code in (200, 400), (data, response.status_code)
        assert "页面无法保存" in response.content.decode() or "标准表格" in response.content.decode()
