"""Leak probes: internal items (全体党员, 党支部委员) with attachments, and a revoked public item,
are absent from every public surface — and their URLs give no hint that they exist."""

import datetime
import re

import pytest
from django.urls import reverse

from disclosure_pages.models import ItemAttachment
from disclosure_pages.selectors import find_unit
from tests.builders import make_document, make_user, node_for
from tests.surfaces.test_document_scope import CROSS_UNIT_ERROR, attachment_post, titles_in

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"
SECRET_WORDS = ["泄密探针甲", "泄密探针乙", "泄密探针丙", "泄密探针附件"]


def publish(item):
    item.save_revision().publish()
    return item


@pytest.fixture
def probes(item_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        party = publish(item_factory(LK, "3-3-1", title="泄密探针甲 党费收缴情况", body="<p>泄密探针甲 内部数据</p>"))
        committee = publish(item_factory(LK, "1-2-2", title="泄密探针乙 支委决策", body="<p>泄密探针乙 内部数据</p>"))
        revoked = publish(item_factory(LK, "1-1-1", title="泄密探针丙 已撤消", body="<p>泄密探针丙 公开后撤消</p>"))
        # a public control item, published the same way: the surfaces do show what they should
        control = publish(
            item_factory(LK, "1-1-2", title="对照探针 公开事项", body="<p>对照数据 公开内容</p>", published=datetime.date(2026, 11, 24))
        )
    documents = {}
    for key, item in (("party", party), ("committee", committee), ("revoked", revoked)):
        # uploaded by the unit, so in the unit's own collection
        document = make_document(LK, title=f"泄密探针附件-{key}", content=b"%PDF-1.4 probe", name=f"{key}.pdf")
        ItemAttachment.objects.create(page=item, document=document, attribute="active")
        documents[key] = document
    with django_capture_on_commit_callbacks(execute=True):
        revoked.unpublish()
    return {"items": {"party": party, "committee": committee, "revoked": revoked}, "documents": documents, "control": control}


def test_the_public_control_item_is_visible_everywhere(client, probes):
    control = probes["control"]
    assert client.get(control.url).status_code == 200
    assert "对照探针 公开事项" in client.get("/feeds/rss/").content.decode()
    assert control.full_url in client.get("/sitemap.xml").content.decode()
    assert client.get(f"/api/v2/items/{control.pk}/").status_code == 200
    data = client.get("/api/search/", {"q": "对照数据"}).json()
    assert [r["title"] for r in data["results"]] == ["对照探针 公开事项"]


def assert_no_secret(body: str, where: str):
    for word in SECRET_WORDS:
        assert word not in body, f"{word} leaked on {where}"


def without_path(html: str) -> str:
    return re.sub(r"/[^\s\"'<>]*", "", html)


def test_item_urls_are_plain_404s(client, probes):
    missing = client.get("/龙口市/市科技局党支部/1/1-1/1-1-1/no-such-item/")
    for key, item in probes["items"].items():
        response = client.get(item.url)
        assert response.status_code == 404, key
        assert without_path(response.content.decode()) == without_path(missing.content.decode()), key


@pytest.mark.parametrize(
    "path",
    ["/", "/龙口市/", "/龙口市/市科技局党支部/", "/龙口市/市科技局党支部/3/", "/龙口市/市科技局党支部/1/1-2/1-2-2/",
     "/韶关市/武江区/区委办/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/api/v2/items/?limit=100",
     "/api/v2/units/?limit=100", "/api/v2/regions/?limit=100", "/api/v2/items/?catalog=3-3-1&limit=100",
     "/feedback/", "/requests/"],
)
def test_public_pages_feeds_sitemap_api_show_no_probe(client, probes, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_no_secret(response.content.decode(), path)


def test_unit_feed_and_api_details(client, probes):
    unit = find_unit(LK)
    assert_no_secret(client.get(f"/feeds/unit/{unit.pk}/rss/").content.decode(), "unit feed")
    for item in probes["items"].values():
        assert client.get(f"/api/v2/items/{item.pk}/").status_code == 404


# Queries that match the probes' text without echoing the probe marker in the page itself.
@pytest.mark.parametrize("query, only_probes", [("内部数据", True), ("公开后撤消", True), ("支委决策", True), ("党费收缴", False), ("", False)])
def test_search_results_and_facets_show_no_probe(client, probes, query, only_probes):
    page = client.get("/search/", {"q": query})
    assert page.status_code == 200
    assert_no_secret(page.content.decode(), f"search {query!r}")
    data = client.get("/api/search/", {"q": query}).json()
    assert_no_secret(str(data), f"api search {query!r}")
    if only_probes:
        assert data["total"] == 0
        assert all(entry["count"] == 0 for values in data["facets"].values() for entry in values)


def test_attachment_urls_are_not_served(client, probes):
    for key, document in probes["documents"].items():
        assert client.get(document.url).status_code == 404, key


def test_a_member_of_another_unit_sees_nothing_either(client, probes):
    client.force_login(make_user(unit_path="韶关市/武江区/区委办", role="committee"))
    for item in probes["items"].values():
        assert client.get(item.url).status_code == 404
    assert_no_secret(client.get("/龙口市/市科技局党支部/").content.decode(), "unit page, other unit's member")
    assert_no_secret(client.get("/search/", {"q": "内部数据"}).content.decode(), "search, other unit's member")


def test_previews_and_admin_pdf_endpoints_need_the_admin(client, probes):
    party = probes["items"]["party"]
    for url in [
        f"/admin/pages/{party.pk}/view_draft/",
        f"/admin/pages/{party.pk}/edit/preview/",
        f"/admin/pages/{party.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert_no_secret(response.content.decode(), url)


def test_documents_across_units(client, user_named, probes):
    """An editor of 韶关市/武江区/区委办 cannot reach 龙口's 党内 file: not listed, not attachable, not served,
    and Wagtail's bulk-action pages do not name 龙口's 党内 pages."""
    party_doc, party_item = probes["documents"]["party"], probes["items"]["party"]
    client.force_login(user_named("wj_editor"))
    for url in [reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose"), "/admin/api/main/documents/",
                f"{reverse('wagtaildocs_chooser:choose_results')}?q=泄密"]:
        assert_no_secret(titles_in(client.get(url)), url)
    assert client.get(f"/admin/api/main/documents/{party_doc.pk}/").status_code == 404
    response = attachment_post(client, node_for("韶关市/武江区/区委办", "1-1-1"), title="跨单位探针草稿", document_pk=party_doc.pk)
    assert response.status_code == 200 and CROSS_UNIT_ERROR in response.content.decode()
    assert client.get(party_doc.url).status_code == 404
    for action in ["delete", "unpublish", "move", "publish"]:
        for query in [f"?id={party_item.pk}", f"?id=all&childOf={party_item.get_parent().pk}"]:
            url = f"/admin/bulk/wagtailcore/page/{action}/{query}"
            assert_no_secret(client.get(url).content.decode(), url)
        url = f"/admin/bulk/wagtaildocs/document/delete/?id={party_doc.pk}"
        assert_no_secret(client.get(url).content.decode(), url)
