"""Search shows only what the database says is live and public, at once
(trust issue, finding 2).

An item that stops being public (revoked, unpublished, made internal, moved
under an unpublished catalogue node, deleted, or its catalogue node
unpublished) is gone from the hits, the total and every facet count of
/search/ and /api/search/ as soon as the change has committed:

- with no worker running (the task backend never runs anything): the
  removal is done right after the commit, in the same request;
- with the index unable to take the removal (the embedded index file
  write-locked by another process, or a backend whose delete fails): every
  result page is checked against the database, and the items the database
  says are not public are excluded inside the index query, so the counts
  are right too.

Each test runs on both backends (embedded, and Elasticsearch on osmem).
"""

from __future__ import annotations

import io

import apsw
import pytest
from django.core.management import call_command
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction

from disclosure_pages.actions import revoke_item
from disclosure_pages.choices import Scope
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage
from search.backends.embedded import EmbeddedBackend
from search.indexing import document_for_item
from search.models import PendingIndexUpdate
from tests.builders import node_for
from tests.search.helpers import WJ, ZJ, api, facet_counts, publish, publish_new

pytestmark = pytest.mark.usefixtures("site_backend")

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _make_internal(item, **kwargs):
    item.scope = Scope.PARTY
    publish(item)


def _unpublish(item, **kwargs):
    UnpublishPageAction(item).execute(skip_permission_checks=True)


def _revoke(item, *, user_named, **kwargs):
    revoke_item(item, user=user_named("sg_supervisor"), reason="分工信息有误")


def _move_under_unpublished_node(item, **kwargs):
    target = node_for(WJ, "1-1-2")
    UnpublishPageAction(target, include_descendants=False).execute(skip_permission_checks=True)
    MovePageAction(DisclosureItemPage.objects.get(pk=item.pk), target, pos="last-child").execute(
        skip_permission_checks=True
    )


def _unpublish_its_catalogue_node(item, **kwargs):
    node = CatalogNodePage.objects.get(pk=item.get_parent().pk)
    UnpublishPageAction(node, include_descendants=False).execute(skip_permission_checks=True)


def _delete(item, **kwargs):
    DisclosureItemPage.objects.get(pk=item.pk).delete()


CHANGES = {
    "revoked": _revoke,
    "unpublished": _unpublish,
    "made_internal": _make_internal,
    "moved_under_unpublished_node": _move_under_unpublished_node,
    "catalogue_node_unpublished": _unpublish_its_catalogue_node,
    "deleted": _delete,
}


@pytest.fixture
def two_items(django_capture_on_commit_callbacks):
    """鲲鹏武江 (to be taken off) and 鲲鹏浈江 (stays), indexed while all is well."""
    with django_capture_on_commit_callbacks(execute=True):
        wj = publish_new(WJ, "1-1-1", title="鲲鹏武江", body="<p>鲲鹏 分工</p>")
        publish_new(ZJ, "1-1-1", title="鲲鹏浈江", body="<p>鲲鹏 分工</p>")
    assert api("鲲鹏")["total"] == 2
    return wj


def assert_only_the_other_item_is_found(client):
    data = api("鲲鹏", per_page=50)
    assert [hit["title"] for hit in data["results"]] == ["鲲鹏浈江"]
    assert data["total"] == 1
    assert facet_counts("鲲鹏", "region") == {"韶关市": 1, "浈江区": 1}
    assert facet_counts("鲲鹏", "unit") == {"韶关市/浈江区/区委办": 1}
    assert sum(count for _value, count in facet_counts("鲲鹏", "level1").items()) == 1
    # Browsing without text (counts from the index's own tables) agrees too.
    browse = api("", unit="韶关市/武江区/区委办", per_page=50)
    assert "鲲鹏武江" not in [hit["title"] for hit in browse["results"]]
    page = client.get("/search/", {"q": "鲲鹏"}).content.decode()
    assert "</mark>浈江" in page and "武江" not in page


def _change(item, change, django_capture_on_commit_callbacks, user_named):
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[change](item, user_named=user_named)


@pytest.mark.parametrize("change", CHANGES)
def test_taken_off_at_once_with_no_worker_running(
    change, two_items, settings, site_backend, django_capture_on_commit_callbacks, user_named, client
):
    settings.TASKS = DUMMY_TASKS  # the worker is down: queued tasks never run
    _change(two_items, change, django_capture_on_commit_callbacks, user_named)
    assert_only_the_other_item_is_found(client)
    # Removed from the index itself, in the request: nothing left to retry.
    assert two_items.pk not in site_backend.indexed_fingerprints()
    assert not PendingIndexUpdate.objects.filter(item_id=two_items.pk).exists()


@pytest.fixture
def failing_removal(monkeypatch, site_backend):
    """The index keeps answering searches but cannot take a removal."""

    def refuse(self, ids, **kwargs):
        raise RuntimeError("index is read-only")

    monkeypatch.setattr(type(site_backend), "delete", refuse)
    return site_backend


@pytest.mark.parametrize("change", CHANGES)
def test_excluded_from_hits_totals_and_facets_while_the_index_cannot_remove_it(
    change, two_items, settings, failing_removal, django_capture_on_commit_callbacks, user_named, client, monkeypatch
):
    settings.TASKS = DUMMY_TASKS
    _change(two_items, change, django_capture_on_commit_callbacks, user_named)
    assert two_items.pk in failing_removal.indexed_fingerprints()  # still in the index
    assert PendingIndexUpdate.objects.filter(item_id=two_items.pk).exists()  # and waiting for a retry
    assert_only_the_other_item_is_found(client)

    # search_sync retries the removal once the index takes writes again; an item made internal is
    # indexed anew with its scope (for the members who may read it), which the public never sees.
    monkeypatch.undo()
    PendingIndexUpdate.objects.update(next_attempt_at=PendingIndexUpdate.objects.first().last_failed_at)
    call_command("search_sync", stdout=io.StringIO())
    if change == "made_internal":
        internal = document_for_item(DisclosureItemPage.objects.get(pk=two_items.pk))
        assert internal.scope == Scope.PARTY
        assert failing_removal.indexed_fingerprints()[two_items.pk] == internal.fingerprint()
    else:
        assert two_items.pk not in failing_removal.indexed_fingerprints()
    assert not PendingIndexUpdate.objects.exists()
    assert_only_the_other_item_is_found(client)


@pytest.fixture
def locked_index(site_backend, settings):
    """Another process holds the embedded index file's write lock."""
    if not isinstance(site_backend, EmbeddedBackend):
        pytest.skip("a write lock on the index file is a property of the embedded backend")
    settings.SEARCH_REMOVAL_WAIT_SECONDS = 0.2
    site_backend.ping()  # schema in place before the lock is taken
    con = apsw.Connection(str(site_backend.path))
    con.execute("BEGIN IMMEDIATE")
    try:
        yield site_backend
    finally:
        con.execute("ROLLBACK")
        con.close()


@pytest.mark.parametrize("change", CHANGES)
def test_excluded_at_once_while_the_index_file_is_write_locked(
    change, two_items, settings, locked_index, django_capture_on_commit_callbacks, user_named, client
):
    settings.TASKS = DUMMY_TASKS
    _change(two_items, change, django_capture_on_commit_callbacks, user_named)
    assert two_items.pk in locked_index.indexed_fingerprints()
    assert_only_the_other_item_is_found(client)


def test_an_index_entry_changed_behind_its_back_is_never_shown(
    two_items, client, site_backend, django_capture_on_commit_callbacks
):
    """A bulk ORM update fires no signal, so nothing told the index: the
    check of the result page against the database still keeps it out, the
    counts are made right at the same time, and the entry is removed."""
    DisclosureItemPage.objects.filter(pk=two_items.pk).update(live=False)
    with django_capture_on_commit_callbacks(execute=True):  # the search request's own commit
        assert_only_the_other_item_is_found(client)
    assert two_items.pk not in site_backend.indexed_fingerprints()


def test_check_fix_removes_orphans(two_items, site_backend, failing_removal, monkeypatch):
    with pytest.raises(RuntimeError):
        site_backend.delete([two_items.pk])
    DisclosureItemPage.objects.filter(pk=two_items.pk).update(live=False)
    monkeypatch.undo()
    out = io.StringIO()
    call_command("search_check", "--fix", stdout=out)
    assert "删除 1 项" in out.getvalue()
    assert two_items.pk not in site_backend.indexed_fingerprints()
