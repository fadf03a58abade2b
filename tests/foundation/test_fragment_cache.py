"""Cached fragments of public pages (home, unit, item) for anonymous readers, keyed on publication:
a publish, a revocation or a scope change shows at once, and members' pages never come from
(or go into) the anonymous fragments."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure_pages.actions import revoke_item
from disclosure_pages.choices import Role
from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.selectors import find_unit
from tests.builders import make_item, make_user

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"
TODAY = datetime.date.today()  # newest, so that the home page's latest 15 show it


@pytest.fixture(autouse=True)
def fragments(settings):
    settings.PUBLIC_FRAGMENT_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def publish(item, **changes):
    for name, value in changes.items():
        setattr(item, name, value)
    item.save_revision().publish(skip_permission_checks=True)
    item.refresh_from_db()


def pages(item):
    return {"home": "/", "unit": find_unit(WJ).url, "item": item.url}


def html(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_fragments_are_cached_until_something_is_published(client):
    item = make_item(WJ, published=TODAY, title="缓存测试事项甲")
    urls = pages(item)
    for url in urls.values():
        assert "缓存测试事项甲" in html(client, url)[1]
    # A change no page signal announces: the cached fragments still show the old title…
    DisclosureItemPage.objects.filter(pk=item.pk).update(title="缓存测试事项乙")
    assert "缓存测试事项甲" in html(client, urls["unit"])[1]
    with CaptureQueriesContext(connection) as queries:
        client.get(urls["home"])
    assert not any(
        "wagtailcore_page" in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT 15" in q["sql"] for q in queries
    )
    # …and a publication retires every one of them at once.
    publish(item, title="缓存测试事项丙")
    for name, url in urls.items():
        status, text = html(client, url)
        assert status == 200 and "缓存测试事项丙" in text and "缓存测试事项甲" not in text, name


def test_a_revoked_item_leaves_the_cached_pages_at_once(client):
    item = make_item(WJ, published=TODAY, title="即将撤消的事项")
    urls = pages(item)
    for url in urls.values():
        assert "即将撤消的事项" in html(client, url)[1]
    revoke_item(item, user=make_user(is_superuser=True, is_staff=True), reason="误发，依规撤消")
    # The address keeps the 撤消 notice (410), never a cached copy of the item's text.
    response = client.get(urls["item"])
    assert response.status_code == 410 and "即将撤消的事项" not in response.content.decode()
    for name in ("home", "unit"):
        assert "即将撤消的事项" not in html(client, urls[name])[1], name


def test_an_item_made_internal_leaves_the_anonymous_fragments(client):
    item = make_item(WJ, published=TODAY, title="改为党内公开的事项")
    urls = pages(item)
    for url in urls.values():
        assert "改为党内公开的事项" in html(client, url)[1]
    publish(item, scope="party")
    assert client.get(urls["item"]).status_code == 404
    for name in ("home", "unit"):
        assert "改为党内公开的事项" not in html(client, urls[name])[1], name


def test_members_pages_never_come_from_or_go_into_the_anonymous_fragments(client):
    make_item(WJ, published=TODAY, title="社会公开事项")
    internal = make_item(WJ, code="1-1-2", published=TODAY, title="党内事项不对外", scope="party")
    member = make_user(unit_path=WJ, role=Role.MEMBER)
    unit_url = find_unit(WJ).url
    anonymous_first = html(client, unit_url)[1]
    assert "社会公开事项" in anonymous_first and "党内事项不对外" not in anonymous_first

    client.force_login(member)
    for url in ("/", unit_url, internal.url):
        assert "党内事项不对外" in html(client, url)[1], url
    client.logout()
    for url in ("/", unit_url):
        assert "党内事项不对外" not in html(client, url)[1], url
    assert client.get(internal.url).status_code == 404


def test_item_page_is_routed_in_a_few_queries_and_hidden_under_an_unpublished_node(client):
    item = make_item(WJ, published=TODAY, title="路由测试事项")
    client.get(item.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(item.url).status_code == 200
    # Wagtail's tree walk alone took 14 queries for an item (two per level); 9 with the one-query route.
    assert sum("wagtailcore_page" in q["sql"] for q in queries) <= 10, [q["sql"][:120] for q in queries]
    assert client.get(item.url.rstrip("/") + "-nope/").status_code == 404
    item.get_parent().specific.unpublish()
    assert client.get(item.url).status_code == 404
