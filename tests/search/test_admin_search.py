"""Admin search (Wagtail's WAGTAILSEARCH_BACKENDS) finds Chinese: pages, choosers, documents.

Runs on the database of the session: SQLite normally, PostgreSQL with DATABASE_URL set.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage
from disclosure_pages.services import items_create_published
from search import admin_backend
from tests.builders import SHANGHAI, make_item, make_user, node_for

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


@pytest.fixture
def superuser():
    return make_user("admin_search_root", is_superuser=True, is_staff=True)


def admin_search_ids(client, q: str) -> set[int]:
    """Every page /admin/pages/search/ lists for `q`, over all result pages."""
    found: set[int] = set()
    page = 1
    while True:
        response = client.get(reverse("wagtailadmin_pages:search"), {"q": q, "p": page})
        assert response.status_code == 200
        page_obj = response.context["page_obj"]
        found |= {p.pk for p in page_obj.object_list}
        if not page_obj.has_next():
            return found
        page += 1


def titled(q: str, user=None) -> set[int]:
    pages = Page.objects.filter(title__contains=q)
    if user is not None:
        policy = policy_registry.get_by_type(Page)  # the project's MembershipPagePermissionPolicy
        pages = pages.filter(pk__in=policy.explorable_instances(user).values("pk"))
    return set(pages.values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["党费", "收缴", "区委办"])
def test_admin_page_search_finds_every_page_with_the_word_in_its_title(client, superuser, q):
    containing = titled(q)
    assert len(containing) > 3, q
    client.force_login(superuser)
    found = admin_search_ids(client, q)
    assert containing <= found
    # Nothing unrelated: the rest match by 文号 or catalogue code, the other autocomplete fields.
    extra = DisclosureItemPage.objects.filter(pk__in=found - containing).exclude(doc_number__contains=q)
    assert not extra.exists()


def test_admin_page_search_as_an_editor_finds_the_own_units_items(client, user_named):
    editor = user_named("wj_editor")
    make_item(WJ, "1-1-1", title="2026年武江区委办党费收缴情况")
    containing = titled("党费", editor)
    assert containing
    client.force_login(editor)
    assert admin_search_ids(client, "党费") >= containing


def test_admin_search_finds_an_exact_full_title_first(client, superuser):
    item = make_item(WJ, "1-1-1", title="关于2026年度党费收缴、管理和使用情况的公示（第一批）")
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": item.title})
    results = list(response.context["page_obj"].object_list)
    assert results and results[0].pk == item.pk


def test_two_characters_do_not_match_across_other_words(superuser):
    decoy = make_item(WJ, "1-1-1", title="党员费用报销说明")
    wanted = make_item(WJ, "1-1-1", title="党费使用说明")
    found = {p.pk for p in Page.objects.all().autocomplete("党费")}
    assert wanted.pk in found and decoy.pk not in found
    assert decoy.pk in {p.pk for p in Page.objects.all().autocomplete("党")}  # one character: a prefix


def test_catalogue_code_and_doc_number_find_node_and_items(superuser):
    item = make_item(WJ, "1-1-4", title="2026年区委办某项公开", doc_number="武江委办〔2026〕17号")
    node = item.get_parent()
    by_code = {p.pk for p in Page.objects.all().autocomplete("1-1-4")}
    assert {node.pk, item.pk} <= by_code
    assert not CatalogNodePage.objects.filter(pk__in=by_code).exclude(code="1-1-4").exists()
    # Every item found sits under a 1-1-4 node (of some unit).
    for found in DisclosureItemPage.objects.filter(pk__in=by_code):
        assert found.search_catalog_code() == "1-1-4"
    assert [p.pk for p in Page.objects.all().autocomplete("武江委办〔2026〕17号")] == [item.pk]
    assert item.pk in {p.pk for p in Page.objects.all().autocomplete("〔2026〕17")}


def test_page_chooser_search_finds_chinese(client, superuser):
    item = make_item(WJ, "1-1-1", title="区委办党费收缴公示（选择器）")
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "选择器"})
    assert response.status_code == 200
    assert item.title in response.content.decode()
    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "党费收缴"})
    assert f"共有 {len(titled('党费收缴'))} 个符合" in response.content.decode()


def test_document_listing_and_chooser_search_find_chinese(client, superuser):
    Document = get_document_model()
    doc = Document.objects.create(title="2026年党费收缴明细表", file=ContentFile(b"%PDF-1.4", name="dangfei.pdf"))
    other = Document.objects.create(title="党员费用报销", file=ContentFile(b"%PDF-1.4", name="other.pdf"))
    client.force_login(superuser)
    listing = client.get(reverse("wagtaildocs:index"), {"q": "党费"})
    assert listing.status_code == 200
    assert doc.title in listing.content.decode() and other.title not in listing.content.decode()
    chooser = client.get(reverse("wagtaildocs_chooser:choose_results"), {"q": "收缴"})
    assert doc.title in chooser.content.decode()


def test_publishing_a_new_title_updates_the_admin_index(superuser):
    item = make_item(WJ, "1-1-1", title="旧标题事项")
    item.title = "新标题党建述职"
    item.save_revision(user=superuser).publish()
    found = {p.pk for p in Page.objects.all().autocomplete("党建述职")}
    assert item.pk in found


def test_update_index_rebuilds_the_chinese_index(superuser):
    item = make_item(WJ, "1-1-1", title="重建索引后的党费事项")
    IndexEntry.objects.all().delete()
    assert item.pk not in {p.pk for p in Page.objects.all().autocomplete("党费")}
    call_command("update_index", stdout=StringIO())
    assert item.pk in {p.pk for p in Page.objects.all().autocomplete("党费")}


def test_imported_items_are_in_the_admin_index():
    node = node_for(WJ, "1-1-1")
    [item] = items_create_published(
        [
            {
                "node": node,
                "title": "历史导入的党费公示",
                "published_at": datetime.datetime(2020, 1, 10, 10, tzinfo=SHANGHAI),
                "imported": True,
            }
        ]
    )
    assert item.pk in {p.pk for p in Page.objects.all().autocomplete("党费公示")}


@pytest.mark.parametrize("q", ["——", "？！", " ", '"', "*", "a OR b", "NEAR(党费)", "'党费"])
def test_odd_queries_answer_without_error(client, superuser, q):
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_pages:search"), {"q": q}).status_code == 200
    assert client.get(reverse("wagtaildocs:index"), {"q": q}).status_code == 200


def test_search_as_well_as_autocomplete_and_facets():
    item = make_item(WJ, "1-1-1", title="述职评议党费情况")
    backend = get_search_backend()
    assert item.pk in {p.pk for p in backend.search("党费情况", DisclosureItemPage)}
    results = Page.objects.all().autocomplete("述职评议")
    facets = results.facet("content_type_id")
    assert sum(facets.values()) == results.count() >= 1


def test_the_backend_still_reads_objects_through_upstream_add_items():
    # search.admin_backend swaps modelsearch's ObjectIndexer by name; an upgrade that drops
    # the name must fail here, not index untokenised text silently.
    backend = get_search_backend()
    assert type(backend).__module__ == admin_backend.__name__
    index = backend.get_index_for_model(Page)
    assert "ObjectIndexer" in admin_backend._global_names(index.add_items.__code__)
    assert index.add_items.__globals__["ObjectIndexer"].__module__ == admin_backend.__name__
