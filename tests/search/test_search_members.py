"""Members search what they may read (issue 15 point 4), on both backends.

A logged-in party member finds the 党内 items of their unit, a committee member (or the unit's
reviewer or leader) the 委员 ones too, a supervisor every scope inside their reach: the policy's
``readable_scopes``, as a filter inside the index query, with the reader's own facet counts, and
every hit checked against the database. The anonymous public finds what it always found. The
leak tests plant needles in the internal items of three units and search for them as members of
the others: nothing, not in hits, totals, facet counts, suggestions or the page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.actions.move_page import MovePageAction

from disclosure_pages.choices import Role, Scope
from disclosure_pages.models import DisclosureItemPage, UnitMembership
from tests.builders import node_for
from tests.search.helpers import LK, WJ, ZJ, publish, publish_new

pytestmark = pytest.mark.usefixtures("site_backend")

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

# (unit, scope) -> needle; each needle occurs in one item only.
NEEDLES = {
    (WJ, Scope.PARTY): "针党内武江",
    (WJ, Scope.COMMITTEE): "针委员武江",
    (ZJ, Scope.PARTY): "针党内浈江",
    (LK, Scope.PARTY): "针党内龙口",
    (LK, Scope.COMMITTEE): "针委员龙口",
}
CODES = {WJ: "1-1-1", ZJ: "1-1-1", LK: "3-3-1"}
# Who finds which needles (and no other).
READERS = {
    None: set(),
    "wj_member": {(WJ, Scope.PARTY)},
    "wj_editor": {(WJ, Scope.PARTY)},  # staff of the unit read its 党内 items, not its 委员 ones
    "wj_reviewer": {(WJ, Scope.PARTY), (WJ, Scope.COMMITTEE)},
    "lk_member": {(LK, Scope.PARTY)},
    "lk_committee": {(LK, Scope.PARTY), (LK, Scope.COMMITTEE)},
    "wj_supervisor": {(WJ, Scope.PARTY), (WJ, Scope.COMMITTEE)},  # 武江区 only
    "sg_supervisor": {(WJ, Scope.PARTY), (WJ, Scope.COMMITTEE), (ZJ, Scope.PARTY)},  # 韶关市, not 龙口市
}


@pytest.fixture
def needles(django_capture_on_commit_callbacks):
    """One published internal item per needle, indexed (the worker runs at once), and a public
    control item in each unit that everyone finds."""
    items = {}
    with django_capture_on_commit_callbacks(execute=True):
        for (unit, scope), needle in NEEDLES.items():
            items[(unit, scope)] = publish_new(
                unit, CODES[unit], title=f"{needle} 针探事项", body=f"<p>{needle} 正文 针探</p>", scope=scope
            )
        for unit in (WJ, ZJ, LK):
            publish_new(unit, CODES[unit], title="针探公开对照", body="<p>针探 公开</p>")
    return items


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def search(client: Client, q: str, **params) -> dict:
    response = client.get("/api/search/", {"q": q, "per_page": 50, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("username", READERS)
def test_each_reader_finds_exactly_the_internal_items_they_may_read(needles, username):
    client = client_for(username)
    for key, needle in NEEDLES.items():
        data = search(client, needle)
        if key in READERS[username]:
            assert [hit["title"] for hit in data["results"]] == [f"{needle} 针探事项"], (username, needle)
            assert data["results"][0]["scope"] == key[1]
            assert data["total"] == 1
            assert data["facets"]["unit"] == [{"value": key[0], "count": 1}]
        else:
            assert data["total"] == 0 and data["results"] == [], (username, needle)
            assert all(not values for values in data["facets"].values()), (username, needle)
        suggested = client.get("/api/search/suggest/", {"q": needle}).json()
        assert bool(suggested["titles"]) == (key in READERS[username]), (username, needle)
        page = client.get("/search/", {"q": needle}).content.decode()  # the needle is in the form: look for the title
        assert ("针探事项" in page) == (key in READERS[username]), (username, needle)


@pytest.mark.parametrize("username", READERS)
def test_no_needle_of_another_unit_on_the_page_or_in_the_counts(needles, username):
    """The common word of every item (针探) as each reader: the hits, the total and the facet
    counts hold the public controls and the reader's own internal items, nothing else."""
    client = client_for(username)
    data = search(client, "针探")
    titles = {hit["title"] for hit in data["results"]}
    assert titles == {"针探公开对照"} | {f"{NEEDLES[key]} 针探事项" for key in READERS[username]}
    assert data["total"] == 3 + len(READERS[username])
    units = {f["value"]: f["count"] for f in data["facets"]["unit"]}
    expected_units = {WJ: 1, ZJ: 1, LK: 1}
    for unit, _scope in READERS[username]:
        expected_units[unit] += 1
    assert units == expected_units
    page = client.get("/search/", {"q": "针探"}).content.decode()
    for key, needle in NEEDLES.items():
        assert (needle in page) == (key in READERS[username]), (username, needle)
    browse = search(client, "", unit=LK)
    browsed = {hit["title"] for hit in browse["results"]}
    for key, needle in NEEDLES.items():
        if key[0] == LK:
            assert (f"{needle} 针探事项" in browsed) == (key in READERS[username]), (username, needle)


def test_the_anonymous_search_is_unchanged(needles):
    data = search(Client(), "")  # the index holds the needles and the three public controls
    assert [hit["title"] for hit in data["results"]] == ["针探公开对照"] * 3 and data["total"] == 3
    assert all(hit["scope"] == Scope.PUBLIC for hit in data["results"])
    assert all(count == 1 for f in data["facets"]["unit"] for count in [f["count"]])
    page = Client().get("/search/", {"q": "针探"}).content.decode()
    assert "相关的公开信息 3 条" in page and "党内公开" not in page and "您已登录" not in page


def test_a_member_sees_the_scope_of_an_internal_hit(needles):
    page = client_for("wj_member").get("/search/", {"q": "针探"}).content.decode()
    assert "您已登录" in page
    assert '<span class="search-scope">党内公开（全体党员）</span>' in page


def test_a_member_who_leaves_the_unit_finds_its_items_no_more(needles):
    client = client_for("wj_member")
    assert search(client, NEEDLES[(WJ, Scope.PARTY)])["total"] == 1
    UnitMembership.objects.filter(user__username="wj_member").delete()
    assert search(client, NEEDLES[(WJ, Scope.PARTY)])["total"] == 0


def test_a_new_member_of_another_unit_finds_its_party_items(needles, user_named, unit):
    client = client_for("wj_member")
    assert search(client, NEEDLES[(LK, Scope.PARTY)])["total"] == 0
    UnitMembership.objects.create(user=user_named("wj_member"), unit=unit(LK), role=Role.MEMBER)
    assert search(client, NEEDLES[(LK, Scope.PARTY)])["total"] == 1
    assert search(client, NEEDLES[(LK, Scope.COMMITTEE)])["total"] == 0


def test_an_entry_changed_behind_the_index_is_checked_against_the_database(needles, django_capture_on_commit_callbacks):
    """A bulk update makes the 党内 item a 委员 one without telling the index: the member's hits
    are checked against the database, so the item is not shown, and the counts agree."""
    item = needles[(WJ, Scope.PARTY)]
    DisclosureItemPage.objects.filter(pk=item.pk).update(scope=Scope.COMMITTEE)
    with django_capture_on_commit_callbacks(execute=True):
        data = search(client_for("wj_member"), "针探")
    assert NEEDLES[(WJ, Scope.PARTY)] not in str(data)
    assert data["total"] == 3
    assert {f["value"]: f["count"] for f in data["facets"]["unit"]}[WJ] == 1
    # The entry was updated meanwhile: the unit's committee members find it as a 委员 item.
    found = search(client_for("wj_reviewer"), NEEDLES[(WJ, Scope.PARTY)])
    assert [hit["scope"] for hit in found["results"]] == [Scope.COMMITTEE]


def test_narrowing_the_scope_takes_it_from_members_at_once_with_no_worker(
    needles, settings, site_backend, django_capture_on_commit_callbacks
):
    """党内 made 委员 with the worker down: taken off the index in the request (and put back with its
    new scope by the worker later), so the unit's plain members never find it meanwhile."""
    settings.TASKS = DUMMY_TASKS
    item = DisclosureItemPage.objects.get(pk=needles[(WJ, Scope.PARTY)].pk)
    item.scope = Scope.COMMITTEE
    with django_capture_on_commit_callbacks(execute=True):
        publish(item)
    assert item.pk not in site_backend.indexed_fingerprints()
    assert search(client_for("wj_member"), NEEDLES[(WJ, Scope.PARTY)])["total"] == 0


def test_narrowing_the_scope_with_the_worker_running_reindexes_it(needles, django_capture_on_commit_callbacks):
    item = DisclosureItemPage.objects.get(pk=needles[(WJ, Scope.PARTY)].pk)
    item.scope = Scope.COMMITTEE
    with django_capture_on_commit_callbacks(execute=True):
        publish(item)
    assert search(client_for("wj_member"), NEEDLES[(WJ, Scope.PARTY)])["total"] == 0
    found = search(client_for("wj_reviewer"), NEEDLES[(WJ, Scope.PARTY)])
    assert [hit["scope"] for hit in found["results"]] == [Scope.COMMITTEE]


def test_moving_an_item_to_another_unit_takes_it_from_the_old_units_members(
    needles, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    item = DisclosureItemPage.objects.get(pk=needles[(WJ, Scope.PARTY)].pk)
    with django_capture_on_commit_callbacks(execute=True):
        MovePageAction(item, node_for(ZJ, "1-1-1"), pos="last-child").execute(skip_permission_checks=True)
    assert search(client_for("wj_member"), NEEDLES[(WJ, Scope.PARTY)])["total"] == 0


def test_member_pages_are_never_cached_for_others(needles, settings):
    """cms.middleware caches pages for the anonymous: a member's results are neither served from
    that cache nor stored in it, and tell other caches to keep nothing."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    needle = NEEDLES[(WJ, Scope.PARTY)]
    anonymous = Client()
    for url in ("/search/", "/api/search/", "/api/search/suggest/"):
        before = anonymous.get(url, {"q": needle}).content.decode()
        assert f"{needle} 针探事项" not in before
        member = client_for("wj_member").get(url, {"q": needle})
        assert needle in member.content.decode() and "针探事项" in member.content.decode(), url
        assert "private" in member["Cache-Control"] and "no-store" in member["Cache-Control"], url
        assert "Cookie" in member.get("Vary", ""), url
        other = client_for("lk_member").get(url, {"q": needle}).content.decode()
        assert "针探事项" not in other, url
        after = anonymous.get(url, {"q": needle}).content.decode()
        assert after == before, url
