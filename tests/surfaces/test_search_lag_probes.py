"""Leak probes at the index-lag seam: public items are indexed, then taken
off (revoked, made internal, unpublished, moved under an unpublished
catalogue node, deleted, their catalogue node unpublished) while no worker
runs and while another process holds the search index's write lock. None of
their needles may appear on /search/ or /api/search/ (hits, totals, facet
counts, browsing without text), at once, and the public control item must."""

from __future__ import annotations

import datetime

import apsw
import pytest
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction

from disclosure_pages.actions import revoke_item
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage
from search.backends import get_backend, reset_backend
from tests.builders import make_user, node_for

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
NEEDLES = {
    "revoked": "滞后探针甲",
    "internal": "滞后探针乙",
    "unpublished": "滞后探针丙",
    "moved": "滞后探针丁",
    "deleted": "滞后探针戊",
    "node": "滞后探针己",
}
CONTROL = "滞后对照探针"


@pytest.fixture
def lk_supervisor(db):
    return make_user("lk_supervisor", reach=RegionPage.objects.get(title="龙口市"))


def publish(item):
    item.save_revision().publish()
    return item


@pytest.fixture
def index(settings, tmp_path):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "index.sqlite3"
    settings.SEARCH_REMOVAL_WAIT_SECONDS = 0.2
    reset_backend()
    yield get_backend()
    reset_backend()


@pytest.fixture
def planted(index, item_factory, django_capture_on_commit_callbacks):
    codes = {"revoked": "1-1-1", "internal": "1-1-2", "unpublished": "1-1-3", "moved": "1-1-1", "deleted": "1-1-2"}
    items = {}
    with django_capture_on_commit_callbacks(execute=True):
        for key, code in codes.items():
            items[key] = publish(
                item_factory(
                    LK, code, title=f"{NEEDLES[key]} 公开后下线", body=f"<p>{NEEDLES[key]} 正文</p>", scope="public"
                )
            )
        items["node"] = publish(
            item_factory(LK, "2-1-1", title=f"{NEEDLES['node']} 目录下线", body="<p>目录下线</p>", scope="public")
        )
        publish(
            item_factory(
                LK,
                "1-1-2",
                title=f"{CONTROL} 公开事项",
                body="<p>对照正文</p>",
                scope="public",
                published=datetime.date(2026, 11, 24),
            )
        )
    indexed = index.indexed_fingerprints()
    assert all(item.pk in indexed for item in items.values())
    return items


def take_off(items, user):
    revoke_item(items["revoked"], user=user, reason="发布有误")
    internal = DisclosureItemPage.objects.get(pk=items["internal"].pk)
    internal.scope = "party"
    publish(internal)
    UnpublishPageAction(items["unpublished"]).execute(skip_permission_checks=True)
    hidden_node = node_for(LK, "1-2-1")
    UnpublishPageAction(hidden_node, include_descendants=False).execute(skip_permission_checks=True)
    MovePageAction(DisclosureItemPage.objects.get(pk=items["moved"].pk), hidden_node, pos="last-child").execute(
        skip_permission_checks=True
    )
    DisclosureItemPage.objects.get(pk=items["deleted"].pk).delete()
    node = CatalogNodePage.objects.get(pk=items["node"].get_parent().pk)
    UnpublishPageAction(node, include_descendants=False).execute(skip_permission_checks=True)


def assert_no_needle(client):
    for needle in NEEDLES.values():
        data = client.get("/api/search/", {"q": needle}).json()
        assert data["total"] == 0 and data["results"] == [], needle
        assert all(f["count"] == 0 for values in data["facets"].values() for f in values), needle
        page = client.get("/search/", {"q": needle}).content.decode()
        assert "公开后下线" not in page and "目录下线" not in page, needle
    # 滞后探针 as words (滞后 + 探针) also finds the control item 滞后对照探针: only it.
    probe = client.get("/api/search/", {"q": "滞后探针"}).json()
    assert [hit["title"] for hit in probe["results"]] == [f"{CONTROL} 公开事项"] and probe["total"] == 1
    assert probe["facets"]["unit"] == [{"value": LK, "count": 1}]
    browse = client.get("/api/search/", {"unit": LK, "per_page": 50}).json()
    titles = [hit["title"] for hit in browse["results"]]
    assert not any(needle in title for needle in NEEDLES.values() for title in titles)
    assert browse["total"] == len(titles) or browse["total"] > 50
    control = client.get("/api/search/", {"q": CONTROL}).json()
    assert [hit["title"] for hit in control["results"]] == [f"{CONTROL} 公开事项"]


def test_no_needle_with_the_worker_down(client, planted, settings, lk_supervisor, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        take_off(planted, lk_supervisor)
    assert_no_needle(client)


def test_no_needle_while_the_index_file_is_write_locked(
    client, planted, index, settings, lk_supervisor, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    lock = apsw.Connection(str(index.path))
    lock.execute("BEGIN IMMEDIATE")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            take_off(planted, lk_supervisor)
        assert all(item.pk in index.indexed_fingerprints() for item in planted.values())  # the index lags
        assert_no_needle(client)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
