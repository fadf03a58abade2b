"""Items under an unpublished (or revoked) catalogue node, unit or region are off every surface alike."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from disclosure_pages.choices import Role
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage
from disclosure_pages.selectors import can_view_item, find_unit, public_items, visible_items
from tests.builders import make_user, node_for

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"
TITLE = "目录撤下后的公开事项"


@pytest.fixture
def hidden(item_factory):
    """A public item whose 一级 node is then unpublished (its descendants stay live, as Wagtail leaves them)."""
    item = item_factory(LK, "1-1-1", title=TITLE, scope="public")
    sibling = item_factory(LK, "3-3-1", title="另一目录下的公开事项", scope="public")
    level1 = CatalogNodePage.objects.ancestor_of(item).get(level=1)
    level1.unpublish()
    item.refresh_from_db()
    assert item.live and not CatalogNodePage.objects.get(pk=level1.pk).live
    return {"item": item, "sibling": sibling, "level1": level1, "level3": node_for(LK, "1-1-1")}


def test_selectors_leave_it_out(hidden):
    item = hidden["item"]
    supervisor = make_user(reach=RegionPage.objects.get(title="龙口市"))
    member = make_user(unit_path=LK, role=Role.COMMITTEE)
    assert not public_items().filter(pk=item.pk).exists()
    for user in (AnonymousUser(), member, supervisor):
        assert not visible_items(user).filter(pk=item.pk).exists()
        assert not can_view_item(user, item)
    assert public_items().filter(pk=hidden["sibling"].pk).exists()
    assert can_view_item(AnonymousUser(), DisclosureItemPage.objects.get(pk=hidden["sibling"].pk))


def test_pages_api_feeds_and_sitemap_leave_it_out(client, hidden):
    item, unit = hidden["item"], find_unit(LK)
    assert client.get(item.url).status_code == 404
    assert client.get(hidden["level3"].url).status_code == 404
    assert client.get(hidden["sibling"].url).status_code == 200
    assert client.get(f"/api/v2/items/{item.pk}/").status_code == 404
    assert client.get(f"/feedback/item/{item.pk}/").status_code == 404
    for url in ("/", unit.url, "/feeds/rss/", "/feeds/atom/", f"/feeds/unit/{unit.pk}/rss/", "/sitemap.xml",
                f"/api/v2/items/?unit={unit.pk}&limit=100", "/api/v2/items/?limit=100"):
        body = client.get(url).content.decode()
        assert TITLE not in body and item.full_url not in body, url
    assert hidden["level3"].full_url not in client.get("/sitemap.xml").content.decode()


def test_unit_counts_leave_it_out(client, hidden, item_factory):
    from disclosure_pages.selectors import catalog_tree_for, item_counts_by_unit

    unit = find_unit(LK)
    before = item_counts_by_unit(AnonymousUser(), [unit])[unit.pk]
    tree = catalog_tree_for(unit, AnonymousUser())
    counted = {node.page.pk: node.count for node in tree}
    assert hidden["level1"].pk not in counted or counted[hidden["level1"].pk] == 0
    hidden["level1"].save_revision().publish()
    assert item_counts_by_unit(AnonymousUser(), [unit])[unit.pk] > before
    assert visible_items(AnonymousUser()).filter(pk=hidden["item"].pk).exists()
    assert can_view_item(AnonymousUser(), DisclosureItemPage.objects.get(pk=hidden["item"].pk))


def test_an_unpublished_unit_or_region_hides_its_items_too(client, item_factory):
    item = item_factory("韶关市/武江区/区委办", "1-1-1", title="区县撤下后的事项", scope="public")
    region = RegionPage.objects.get(title="武江区")
    region.unpublish()
    assert not public_items().filter(pk=item.pk).exists()
    assert client.get(item.url).status_code == 404
    assert "区县撤下后的事项" not in client.get("/feeds/rss/").content.decode()


def test_the_filter_is_one_query_whatever_the_number_of_items(django_assert_num_queries, hidden):
    with django_assert_num_queries(1):
        list(public_items().values_list("pk", flat=True)[:500])
    with django_assert_num_queries(1):
        public_items().count()


def test_tree_is_shallower_than_the_ancestor_check():
    from django.db.models import Max
    from wagtail.models import Page

    from disclosure_pages.selectors import MAX_ANCESTOR_DEPTH

    assert Page.objects.aggregate(deepest=Max("depth"))["deepest"] <= MAX_ANCESTOR_DEPTH + 1
