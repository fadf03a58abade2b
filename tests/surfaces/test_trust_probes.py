"""Trust probes with new needles (issue 10, the outside tester's second round): other document and page
URLs, Wagtail's own admin views, hostile inputs, HTML tricks, import wordings and archive forgeries
that the first round's tests did not try. Each test names what it shows."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page

from disclosure_pages.models import DisclosureItemPage, ItemAttachment
from disclosure_pages.sanitising import sanitise_html
from disclosure_pages.selectors import find_unit
from tests.builders import make_document, make_item, node_for, pdf_bytes

pytestmark = pytest.mark.django_db
WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
NEEDLE = "新针党内甲"
DOC_NEEDLE = "新针附件乙"
IMG_NEEDLE = "新针图片丙"


def publish(item):
    item.save_revision().publish()
    return item


@pytest.fixture
def lk_secret(db, django_capture_on_commit_callbacks):
    """龙口's published 党内 item with a 党内 attachment: the needle every probe looks for."""
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(LK, "3-3-1", title=f"{NEEDLE} 党费", body=f"<p>{NEEDLE} 正文</p>", scope="party"))
    document = make_document(LK, title=DOC_NEEDLE, content=pdf_bytes("龙口"), name="xinzhen-lk.pdf")
    ItemAttachment.objects.create(page=item, document=document, attribute="active")
    return {"item": item, "document": document}


def body_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def assert_hidden(response, *needles, where=""):
    assert response.status_code < 500, (where, response.status_code)
    text = body_of(response) if response.status_code == 200 else response.content.decode(errors="replace")
    for needle in needles or (NEEDLE, DOC_NEEDLE):
        assert needle not in text, f"{needle} on {where} ({response.status_code})"


# --- 1. documents across units: other document URLs ------------------------------------------------


def test_doc_file_under_another_filename_is_not_served(client, user_named, lk_secret):
    document = lk_secret["document"]
    client.force_login(user_named("wj_editor"))
    for name in ("other.pdf", "xinzhen-lk.pdf", "x"):
        assert client.get(f"/documents/{document.pk}/{name}").status_code in (403, 404), name
    client.logout()
    assert client.get(f"/documents/{document.pk}/other.pdf").status_code in (403, 404)


def test_doc_usage_edit_and_chooser_views_do_not_name_another_units_document(client, user_named, lk_secret):
    document, lk_collection = lk_secret["document"], lk_secret["document"].collection_id
    client.force_login(user_named("wj_editor"))
    for url in [
        f"/admin/documents/usage/{document.pk}/",
        f"/admin/documents/edit/{document.pk}/",
        f"/admin/documents/delete/{document.pk}/",
        f"/admin/documents/chooser/?q={DOC_NEEDLE[:3]}",
        f"/admin/documents/chooser/results/?q={DOC_NEEDLE[:3]}&collection_id={lk_collection}",
        f"/admin/documents/chooser/results/?collection_id={lk_collection}",
        f"/admin/documents/?q={DOC_NEEDLE[:3]}",
        f"/admin/documents/?collection_id={lk_collection}",
        f"/admin/documents/results/?collection_id={lk_collection}",
        f"/admin/documents/chooser/{document.pk}/",
        f"/admin/api/main/documents/?search={DOC_NEEDLE[:3]}",
        f"/admin/api/main/documents/?id={document.pk}",
    ]:
        assert_hidden(client.get(url), DOC_NEEDLE, NEEDLE, where=url)


def test_images_of_another_unit_are_not_listed_to_an_editor(client, user_named):
    from wagtail.images import get_image_model

    from disclosure_pages.documents import unit_collection

    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(png, "PNG")
    image = get_image_model().objects.create(
        title=IMG_NEEDLE, file=ContentFile(png.getvalue(), name="lk.png"), collection=unit_collection(find_unit(LK))
    )
    client.force_login(user_named("wj_editor"))
    for url in ["/admin/images/", f"/admin/images/?q={IMG_NEEDLE[:3]}", "/admin/images/chooser/",
                f"/admin/images/chooser/results/?q={IMG_NEEDLE[:3]}", "/admin/api/main/images/",
                f"/admin/images/{image.pk}/", f"/admin/images/usage/{image.pk}/"]:
        assert_hidden(client.get(url), IMG_NEEDLE, where=url)


def test_a_rich_text_link_to_another_units_document_reveals_nothing(client, user_named, lk_secret, django_capture_on_commit_callbacks):
    """Bypass of the attachment form: a document link in the body of a public WJ item."""
    document = lk_secret["document"]
    body = f'<p>见<a linktype="document" id="{document.pk}">附件</a></p>'
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(WJ, "1-1-1", title="武江富文本链接", body=body, scope="public"))
    page = client.get(item.url)
    assert page.status_code == 200
    assert client.get(document.url).status_code == 404
    api = client.get(f"/api/v2/items/{item.pk}/")
    assert api.status_code == 200
    assert DOC_NEEDLE not in body_of(api)


# --- 6. pages of another unit through Wagtail's own views ---------------------------------------------


def page_urls(item):
    revision = item.latest_revision
    return [
        f"/admin/pages/{item.pk}/",
        f"/admin/pages/{item.pk}/edit/",
        f"/admin/pages/{item.pk}/history/",
        f"/admin/pages/{item.pk}/revisions/",
        f"/admin/pages/{item.pk}/revisions/{revision.pk}/view/",
        f"/admin/pages/{item.pk}/revisions/compare/earliest...{revision.pk}/",
        f"/admin/pages/{item.pk}/revisions/compare/live...{revision.pk}/",
        f"/admin/pages/{item.pk}/edit/preview/",
        f"/admin/pages/{item.pk}/view_draft/",
        f"/admin/pages/{item.pk}/copy/",
        f"/admin/pages/{item.pk}/move/",
        f"/admin/pages/{item.pk}/delete/",
        f"/admin/pages/{item.pk}/unpublish/",
        f"/admin/pages/{item.pk}/workflow_history/",
        f"/admin/pages/{item.pk}/usage/",
        f"/admin/pages/{item.pk}/privacy/",
        f"/admin/pages/{item.get_parent().pk}/",
        f"/admin/pages/{item.get_parent().pk}/?q={NEEDLE[:3]}",
        f"/admin/pages/{item.get_parent().pk}/results/",
        f"/admin/pages/search/?q={NEEDLE[:3]}",
        f"/admin/pages/search/results/?q={NEEDLE[:3]}",
        f"/admin/choose-page/{item.get_parent().pk}/",
        f"/admin/choose-page/search/?q={NEEDLE[:3]}",
        f"/admin/api/main/pages/{item.pk}/",
        f"/admin/api/main/pages/?search={NEEDLE[:3]}",
        f"/admin/api/main/pages/?child_of={item.get_parent().pk}",
        f"/admin/api/main/pages/?descendant_of={find_unit(LK).pk}",
    ]


@pytest.mark.parametrize("username", ["wj_editor", "wj_reviewer", "wj_leader", "wj_supervisor"])
def test_wagtails_page_views_do_not_show_another_units_party_item(client, user_named, lk_secret, username):
    client.force_login(user_named(username))
    for url in page_urls(lk_secret["item"]):
        assert_hidden(client.get(url), NEEDLE, where=f"{username} {url}")


@pytest.mark.parametrize("username", ["wj_editor", "wj_supervisor", "lk_member"])
def test_reports_do_not_list_another_units_party_item(client, user_named, lk_secret, username):
    item = lk_secret["item"]
    item.save_revision()  # a draft on top: shows in site history
    client.force_login(user_named(username))
    for url in ["/admin/reports/site-history/", f"/admin/reports/site-history/?q={NEEDLE[:3]}",
                "/admin/reports/site-history/results/", "/admin/reports/aging-pages/",
                "/admin/reports/aging-pages/results/", "/admin/reports/locked/", "/admin/reports/workflow/",
                "/admin/reports/workflow_tasks/", "/admin/", "/admin/reports/page-types-usage/"]:
        response = client.get(url)
        assert_hidden(response, NEEDLE, where=f"{username} {url}")


def test_locked_pages_report_does_not_name_another_units_locked_item(client, user_named, lk_secret):
    item = lk_secret["item"]
    Page.objects.filter(pk=item.pk).update(locked=True)
    client.force_login(user_named("wj_editor"))
    assert_hidden(client.get("/admin/reports/locked/"), NEEDLE, where="locked report")
    assert_hidden(client.get("/admin/reports/locked/results/"), NEEDLE, where="locked report results")


def test_an_editor_cannot_move_own_item_under_another_unit(client, user_named):
    item = make_item(WJ, "1-1-1", title="武江待移动")
    target = node_for(LK, "1-1-1")
    client.force_login(user_named("wj_editor"))
    client.post(f"/admin/pages/{item.pk}/move/{target.pk}/confirm/")
    client.post(f"/admin/pages/{item.pk}/move/", {"new_parent_page": target.pk})
    item.refresh_from_db()
    assert item.get_parent().pk == node_for(WJ, "1-1-1").pk


def test_an_editor_cannot_copy_another_units_item_into_own_unit(client, user_named, lk_secret):
    item = lk_secret["item"]
    before = DisclosureItemPage.objects.filter(title__contains=NEEDLE).count()
    client.force_login(user_named("wj_editor"))
    response = client.post(
        f"/admin/pages/{item.pk}/copy/",
        {"new_title": f"{NEEDLE} 复制", "new_slug": "copied-probe", "new_parent_page": node_for(WJ, "1-1-1").pk,
         "copy_subpages": "", "publish_copies": ""},
    )
    assert response.status_code in (302, 403, 404) or response.status_code == 200
    assert DisclosureItemPage.objects.filter(title__contains=NEEDLE).count() == before


def test_bulk_post_with_another_units_ids_changes_nothing(client, user_named, lk_secret):
    item = lk_secret["item"]
    own = make_item(WJ, "1-1-1", title="武江自己的")
    client.force_login(user_named("wj_editor"))
    for action in ["delete", "unpublish", "move", "publish"]:
        url = f"/admin/bulk/wagtailcore/page/{action}/?id={own.pk}&id={item.pk}"
        assert_hidden(client.get(url), NEEDLE, where=url)
    client.post(f"/admin/bulk/wagtailcore/page/delete/?id={item.pk}")
    client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={item.pk}")
    client.post(f"/admin/bulk/wagtailcore/page/move/?id={item.pk}", {"chooser": node_for(WJ, "1-1-1").pk})
    fresh = DisclosureItemPage.objects.get(pk=item.pk)
    assert fresh.live and fresh.get_parent().pk == node_for(LK, "3-3-1").pk


def test_bulk_doc_actions_with_another_units_ids_do_nothing(client, user_named, lk_secret):
    from wagtail.documents import get_document_model

    document = lk_secret["document"]
    client.force_login(user_named("wj_editor"))
    for action in ["delete", "add_to_collection", "add_tags"]:
        url = f"/admin/bulk/wagtaildocs/document/{action}/?id={document.pk}"
        assert_hidden(client.get(url), DOC_NEEDLE, where=url)
    own_collection = find_unit(WJ).collection_id
    client.post(f"/admin/bulk/wagtaildocs/document/add_to_collection/?id={document.pk}", {"collection": own_collection})
    assert get_document_model().objects.get(pk=document.pk).collection_id == find_unit(LK).collection_id


def test_an_editor_cannot_move_a_document_into_own_collection_by_editing(client, user_named, lk_secret):
    """Edit form of a WJ document with the collection of 龙口 (or the other way round)."""
    from wagtail.documents import get_document_model

    own = make_document(WJ, title="武江文件移动", user=user_named("wj_editor"))
    client.force_login(user_named("wj_editor"))
    client.post(reverse("wagtaildocs:edit", args=[own.pk]), {"title": own.title, "collection": find_unit(LK).collection_id})
    assert get_document_model().objects.get(pk=own.pk).collection_id == find_unit(WJ).collection_id


def test_an_upload_cannot_be_put_in_another_units_collection(client, user_named):
    from wagtail.documents import get_document_model

    client.force_login(user_named("wj_editor"))
    upload = SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(reverse("wagtaildocs:add"), {"title": "跨单位上传探针", "file": upload, "collection": find_unit(LK).collection_id})
    for document in get_document_model().objects.filter(title="跨单位上传探针"):
        assert document.collection_id != find_unit(LK).collection_id


def test_another_units_member_cannot_read_the_party_file(client, user_named, lk_secret):
    client.force_login(user_named("wj_member"))
    assert client.get(lk_secret["document"].url).status_code == 404
    client.force_login(user_named("lk_member"))
    assert client.get(lk_secret["document"].url).status_code == 200


# --- 3. search, feeds and sitemap -------------------------------------------------------------------


def test_feeds_sitemap_and_api_of_the_unit_hide_the_party_item(client, lk_secret):
    unit = find_unit(LK)
    for url in [f"/feeds/unit/{unit.pk}/rss/", f"/feeds/unit/{unit.pk}/atom/", "/sitemap.xml", "/feeds/atom/",
                f"/api/v2/items/?unit={unit.pk}&limit=100", "/api/v2/items/?catalog=3-3-1&limit=100",
                f"/api/v2/items/?region={unit.get_parent().pk}&limit=100", "/api/v2/units/?limit=100", "/api/v2/regions/?limit=100",
                f"/api/search/?q={NEEDLE}", f"/search/?q={NEEDLE[:4]}", f"/search/?q={DOC_NEEDLE[:4]}",
                f"/api/v2/items/{lk_secret['item'].pk}/", "/api/v2/pages/", f"/api/v2/pages/{lk_secret['item'].pk}/",
                f"/feedback/item/{lk_secret['item'].pk}/"]:
        assert_hidden(client.get(url), NEEDLE, DOC_NEEDLE, where=url)


def test_a_party_item_scope_change_to_public_and_back_leaves_search_at_once(client, lk_secret, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    item = DisclosureItemPage.objects.get(pk=lk_secret["item"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        item.scope = "public"
        publish(item)
    with django_capture_on_commit_callbacks(execute=True):
        item = DisclosureItemPage.objects.get(pk=item.pk)
        item.scope = "committee"
        publish(item)
    assert_hidden(client.get("/api/search/", {"q": NEEDLE}), NEEDLE, where="api search")
    assert_hidden(client.get("/search/", {"q": NEEDLE[:4]}), NEEDLE, where="search")


def test_an_unpublished_unit_hides_its_public_items_from_search_feeds_and_api(client, django_capture_on_commit_callbacks):
    from wagtail.actions.unpublish_page import UnpublishPageAction

    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(LK, "1-1-1", title="新针单位下线 公开", body="<p>新针单位下线</p>", scope="public"))
    with django_capture_on_commit_callbacks(execute=True):
        UnpublishPageAction(find_unit(LK), include_descendants=False).execute(skip_permission_checks=True)
    for url in ["/api/search/?q=新针单位下线", "/search/?q=新针单位", "/feeds/rss/", "/sitemap.xml",
                "/api/v2/items/?limit=100", f"/api/v2/items/{item.pk}/"]:
        assert_hidden(client.get(url), "新针单位下线", where=url)
    assert client.get(item.url or "/no/").status_code == 404


# --- 7. hostile inputs -----------------------------------------------------------------------------

HOSTILE_PAGES = ["99999999999999999999", "²", "-1", "0", "abc", "1e3", "１"]


def test_public_listings_with_hostile_page_sort_and_long_q_answer_without_500(client):
    urls = []
    for value in HOSTILE_PAGES:
        for base in ["/search/", "/api/search/", "/api/items/", "/api/v2/items/", "/api/v2/units/", "/feedback/", "/requests/", "/韶关市/武江区/区委办/"]:
            urls.append(f"{base}?page={value}")
            urls.append(f"{base}?per_page={value}")
    for base in ["/search/", "/api/search/", "/api/items/", "/api/v2/items/"]:
        urls += [f"{base}?sort=unknown", f"{base}?order=-nope", f"{base}?q={'党' * 5000}", f"{base}?q=%00",
                 f"{base}?q=*:*", f'{base}?q="', f"{base}?q=NEAR(", f"{base}?q=a OR", f"{base}?unit=韶关市/../",
                 f"{base}?year=0", f"{base}?year=99999", f"{base}?published_after=2026-13-40"]
    bad = []
    for url in urls:
        try:
            status = client.get(url).status_code
        except Exception as exc:  # noqa: BLE001 - a view that raises is what we look for
            bad.append(f"{url} raised {type(exc).__name__}: {exc}")
            continue
        if status >= 500:
            bad.append(f"{url} → {status}")
    assert bad == []


def test_wagtail_admin_listings_with_hostile_page_and_sort_answer_without_500(client, user_named):
    client.force_login(user_named("wj_editor"))
    unit = find_unit(WJ)
    urls = []
    for value in ["99999999999999999999", "²", "-1", "abc"]:
        for base in ["/admin/pages/search/?q=党", f"/admin/pages/{unit.pk}/?", "/admin/documents/?", "/admin/reports/site-history/?",
                     "/admin/documents/chooser/results/?", "/admin/api/main/documents/?"]:
            urls.append(f"{base}&p={value}")
            urls.append(f"{base}&ordering={value}")
            urls.append(f"{base}&offset={value}&limit={value}")
    urls += [f"/admin/pages/search/?q={'党' * 5000}", "/admin/pages/search/?q=%00", "/admin/api/main/pages/?order=nope",
             "/admin/api/main/documents/?collection_id=99999999999999999999", "/admin/documents/?collection_id=²",
             "/admin/documents/chooser/results/?collection_id=99999999999999999999"]
    bad = []
    for url in urls:
        try:
            status = client.get(url).status_code
        except Exception as exc:  # noqa: BLE001
            bad.append(f"{url} raised {type(exc).__name__}: {exc}")
            continue
        if status >= 500:
            bad.append(f"{url} → {status}")
    assert bad == []


# --- 4. import scopes --------------------------------------------------------------------------------


def import_lines(tmp_path, rows):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_disclosures", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), None
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc


def import_row(n, **extra):
    return {"unit": LK, "catalog_code": "1-2-2", "title": f"新针导入{n}", "body": "正文", "published_at": "2024-01-12", **extra}


@pytest.mark.parametrize(
    "wording",
    ["社\u3000会", "ＰＵＢＬＩＣ", "Public", "PUBLIC", "社会\u200b", "\u200b社会", "社会公开。", "社会；", "社會",
     "不公开", "社会公开（不含涉密）", "非党内", "public,party", "社会/党内", "社\u00a0会"],
)
def test_import_refuses_scope_variants(tmp_path, wording):
    out, err, exc = import_lines(tmp_path, [import_row(1, scope=wording)])
    assert exc is not None, wording
    assert not DisclosureItemPage.objects.filter(title="新针导入1").exists()
    assert "无法识别" in err


@pytest.mark.parametrize("value", [1, ["public"], {"a": "public"}, True, 0.5])
def test_import_scope_of_another_type_is_a_line_error(tmp_path, value):
    out, err, exc = import_lines(tmp_path, [import_row(1, scope=value)])
    assert exc is not None
    assert "第 1 行" in err
    assert not DisclosureItemPage.objects.filter(title="新针导入1").exists()


@pytest.mark.parametrize("field", ["unit", "catalog_code", "body", "published_at", "doc_number"])
def test_import_other_fields_of_another_type_are_line_errors(tmp_path, field):
    out, err, exc = import_lines(tmp_path, [import_row(1, **{field: ["x"]})])
    assert exc is not None and "第 1 行" in err


def test_import_whitespace_variants_of_known_wordings_map_exactly(tmp_path):
    out, err, exc = import_lines(tmp_path, [import_row(1, scope="\u3000全体党员\u3000"), import_row(2, scope="党支部委员\u3000第二纪检组")])
    assert exc is None, err
    assert DisclosureItemPage.objects.get(title="新针导入1").scope == "party"
    assert DisclosureItemPage.objects.get(title="新针导入2").scope == "committee"


def test_import_a_public_scope_at_a_committee_node_is_not_searchable_unless_said(tmp_path, client):
    """No scope at a 委员 node: the item takes the node's scope and stays out of public search."""
    out, err, exc = import_lines(tmp_path, [import_row(1, title="新针导入委员默认")])
    assert exc is None, err
    item = DisclosureItemPage.objects.get(title="新针导入委员默认")
    assert item.scope in ("", "committee")
    assert_hidden(client.get("/api/search/", {"q": "新针导入委员默认"}), "新针导入委员默认", where="search")
    assert client.get(f"/api/v2/items/{item.pk}/").status_code == 404


# --- 8. untrusted content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        "<img src=x onerror=alert(1)>",
        '<img src="javascript:alert(1)">',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<svg><script>alert(1)</script></svg>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<a linktype="page" id="1" href="javascript:alert(1)">x</a>',
        '<embed embedtype="media" url="javascript:alert(1)"/>',
        '<form action="https://evil"><input name=x></form>',
        '<base href="https://evil/">',
        '<details open ontoggle=alert(1)>',
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    ],
)
def test_sanitiser_drops_script_vectors(html):
    cleaned = sanitise_html(html).lower()
    for bad in ("javascript:", "vbscript:", "data:", "onerror", "onload", "ontoggle", "<script", "<svg", "<form",
                "<input", "<base", "style=", "<math"):
        assert bad not in cleaned, (html, cleaned)


def test_a_stored_body_with_script_vectors_is_served_clean(client, django_capture_on_commit_callbacks):
    body = ('<p>新针净化</p><a href="javascript:alert(1)">j</a><img src=x onerror=alert(1)>'
            '<a href="data:text/html,x">d</a><p onclick="alert(1)">c</p>')
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(WJ, "1-1-1", title="新针净化", body=body, scope="public"))
    for text in [client.get(item.url).content.decode(), body_of(client.get(f"/api/v2/items/{item.pk}/")),
                 DisclosureItemPage.objects.get(pk=item.pk).body]:
        lowered = text.lower()
        assert "javascript:alert" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert "data:text/html" not in lowered


def test_a_published_revision_with_script_vectors_in_its_tables_is_served_clean(client, django_capture_on_commit_callbacks):
    item = make_item(WJ, "1-1-1", title="新针表格净化", scope="public")
    item = DisclosureItemPage.objects.get(pk=item.pk)
    raw = item.tables.raw_data if item.tables else []
    item.title = "新针表格净化<script>alert(1)</script>"
    with django_capture_on_commit_callbacks(execute=True):
        publish(item)
    page = client.get(DisclosureItemPage.objects.get(pk=item.pk).url)
    assert page.status_code == 200 and "<script>alert(1)</script>" not in page.content.decode()
    assert raw is not None


@pytest.mark.parametrize(
    "name, content",
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("x.html", b"<html><script>alert(1)</script></html>"),
        ("x.txt", b"<script>alert(1)</script>"),
        ("x.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
        ("x.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script>"),
        ("x.pdf", b"%PDF-1.4\n<SCRIPT>alert(1)</SCRIPT>"),
        ("x.pdf", b"%PDF-1.4\n<img src=x onerror=alert(1)>"),
        ("x.docx", b"PK\x03\x04<script>alert(1)</script>"),
        ("x.ofd", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_hostile_files_are_served_as_downloads_with_nosniff(client, name, content):
    item = make_item(WJ, "1-1-1", title="新针文件", scope="public")
    document = make_document(WJ, title="新针下载", content=content, name=name)
    ItemAttachment.objects.create(page=item, document=document)
    response = client.get(document.url)
    if response.status_code == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment"), (name, response["Content-Disposition"])
    else:
        assert response.status_code in (403, 404, 415)


def test_an_svg_or_html_upload_is_refused_or_kept_as_download(client, user_named):
    client.force_login(user_named("wj_editor"))
    for name, content in [("x.svg", b"<svg onload=alert(1)></svg>"), ("x.html", b"<script>alert(1)</script>")]:
        upload = SimpleUploadedFile(name, content)
        response = client.post(reverse("wagtaildocs:add"), {"title": f"新针上传{name}", "file": upload})
        assert response.status_code in (200, 302)
    from wagtail.documents import get_document_model

    assert not get_document_model().objects.filter(title__startswith="新针上传").exists()


def test_an_svg_image_upload_is_refused(client, user_named):
    from wagtail.images import get_image_model

    client.force_login(user_named("wj_editor"))
    upload = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>')
    client.post("/admin/images/add/", {"title": "新针SVG", "file": upload})
    assert not get_image_model().objects.filter(title="新针SVG").exists()


# --- 5. archive forgeries ------------------------------------------------------------------------------


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_archive", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode or 1, out.getvalue() + err.getvalue() + str(exc)
    except Exception as exc:  # noqa: BLE001 - a crash is not a report; the test below says which
        return -1, f"{type(exc).__name__}: {exc}"
    return 0, out.getvalue() + err.getvalue()


@pytest.fixture
def filed_pair(user_named, django_capture_on_commit_callbacks):
    """Two publications of 武江区委办, each with its own attachment (so two files in the archive store)."""
    from archive.models import ArchiveRecord

    items = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            item = make_item(WJ, "1-1-1", title=f"新针归档{n}")
            DisclosureItemPage.objects.filter(pk=item.pk).update(live=False, first_published_at=None)
            item = DisclosureItemPage.objects.get(pk=item.pk)
            document = make_document(WJ, title=f"新针归档附件{n}", content=pdf_bytes(f"原件{n}"), name=f"filed{n}.pdf")
            ItemAttachment.objects.create(page=item, document=document, attribute="active")
            item.save_revision(user=user_named("wj_editor")).publish(user=user_named("wj_editor"), skip_permission_checks=True)
            items.append(item)
    code, text = verify("--unit", WJ)
    assert code == 0, text
    records = list(ArchiveRecord.objects.filter(item_ref__in=[i.pk for i in items]).order_by("chain_index"))
    assert records
    return items, records


def sql(statement, params=()):
    from django.db import connection

    from archive.models import ApprovalForm, ArchiveChainHead, ArchiveRecord, SignedHead

    tables = {"records": ArchiveRecord._meta.db_table, "heads": ArchiveChainHead._meta.db_table,
              "signed": SignedHead._meta.db_table, "forms": ApprovalForm._meta.db_table}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The fixture's inserts leave deferred foreign-key checks pending, and PostgreSQL refuses DDL
            # on a table with pending trigger events: run those checks now, as a commit would.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement.format(**tables), params)


def test_forgery_swap_two_records_files_in_the_archive_store_is_reported(filed_pair):
    from archive.store import archive_store

    _, records = filed_pair
    store = archive_store()
    hashes = [entry["sha256"] for record in records for entry in record.attachments if entry.get("sha256")]
    files = [h for h in dict.fromkeys(hashes) if store.exists(h)]
    assert len(files) >= 2, hashes
    a, b = (store.path(h) for h in files[:2])
    data_a, data_b = a.read_bytes(), b.read_bytes()
    try:
        for path, data in ((a, data_b), (b, data_a)):
            path.chmod(0o644)
            path.write_bytes(data)
        code, text = verify("--unit", WJ)
    finally:
        for path, data in ((a, data_a), (b, data_b)):
            path.write_bytes(data)
            path.chmod(0o444)
    assert code != 0, text


def test_forgery_delete_the_signed_heads_table_is_reported_not_a_crash(filed_pair):
    sql("DROP TABLE {signed}")
    code, text = verify("--unit", WJ)
    assert code > 0, text


def test_forgery_delete_an_approval_form_while_its_item_exists_is_reported(filed_pair):
    """Null the record's link (so PostgreSQL's foreign key lets the row go), then delete the form."""
    from archive.models import ArchiveRecord

    record = next(
        (
            r
            for r in ArchiveRecord.objects.filter(approval_form_ref__isnull=False, approval_form__isnull=False)
            .order_by("-pk")
            if Page.objects.filter(pk=r.item_ref).exists()
        ),
        None,
    )
    assert record is not None, "no record with a live approval form"
    sql("UPDATE {records} SET approval_form_id = NULL WHERE approval_form_id = %s", [record.approval_form_ref])
    sql("DELETE FROM {forms} WHERE id = %s", [record.approval_form_ref])
    code, text = verify("--unit", record.unit_path)
    assert code != 0, text
    assert "审批表" in text


def test_forgery_swap_item_refs_of_two_records_and_rehash_is_reported(filed_pair):
    from archive.models import ArchiveRecord

    _, records = filed_pair
    a, b = records[0], records[-1]
    if a.item_ref == b.item_ref:
        pytest.skip("one item")
    sql("UPDATE {records} SET item_ref = %s WHERE id = %s", [b.item_ref, a.pk])
    sql("UPDATE {records} SET item_ref = %s WHERE id = %s", [a.item_ref, b.pk])
    prev = ""
    for record in ArchiveRecord.objects.filter(unit_id=a.unit_id).order_by("chain_index"):
        record.prev_hash = prev
        record.content_hash = record.compute_hash()
        sql("UPDATE {records} SET prev_hash = %s, content_hash = %s WHERE id = %s", [prev, record.content_hash, record.pk])
        prev = record.content_hash
    sql("UPDATE {heads} SET head_hash = %s WHERE unit_id = %s", [prev, a.unit_id])
    code, text = verify("--unit", WJ)
    assert code != 0, text


def test_forgery_copy_a_valid_signed_head_row_from_another_unit_is_reported(filed_pair, django_capture_on_commit_callbacks):
    """Re-point a signed head of 龙口 at 武江 (a signature made by the real key, but for another chain)."""
    from archive.models import ArchiveChainHead, SignedHead

    _, records = filed_pair
    with django_capture_on_commit_callbacks(execute=True):
        lk = make_item(LK, "1-1-1", title="新针归档龙口")
        lk.save_revision().publish()
    lk_unit = find_unit(LK)
    lk_signed = SignedHead.objects.filter(unit_id=lk_unit.pk).order_by("-pk").first()
    if lk_signed is None:
        pytest.skip("no signed head for 龙口")
    wj_unit_id = records[0].unit_id
    sql("DELETE FROM {signed} WHERE unit_id = %s", [wj_unit_id])
    sql("UPDATE {signed} SET unit_id = %s WHERE id = %s", [wj_unit_id, lk_signed.pk])
    assert ArchiveChainHead.objects.filter(unit_id=wj_unit_id).exists()
    code, text = verify("--unit", WJ)
    assert code != 0, text


# --- rich-text links into another unit (the body allows page and document links) ----------------------


def test_a_public_items_page_link_to_another_units_party_item_does_not_reveal_its_url(client, lk_secret, django_capture_on_commit_callbacks):
    """Slugs are made from titles, so the href of a page link names the 党内 item."""
    target = lk_secret["item"]
    body = f'<p>参见<a linktype="page" id="{target.pk}">此处</a></p>'
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(WJ, "1-1-1", title="武江页面链接探针", body=body, scope="public"))
    page = client.get(item.url)
    assert page.status_code == 200
    assert NEEDLE not in page.content.decode(), "党内 item's slug in the href"
    assert NEEDLE not in body_of(client.get(f"/api/v2/items/{item.pk}/"))


def test_a_public_items_document_link_to_another_units_file_does_not_reveal_its_name(client, lk_secret, django_capture_on_commit_callbacks):
    document = make_document(LK, title="龙口文件名探针", content=pdf_bytes(), name="新针文件名丁.pdf")
    ItemAttachment.objects.create(page=lk_secret["item"], document=document)
    body = f'<p>见<a linktype="document" id="{document.pk}">附件</a></p>'
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(WJ, "1-1-1", title="武江文档链接探针", body=body, scope="public"))
    page = client.get(item.url).content.decode()
    assert "新针文件名丁" not in page
    assert "新针文件名丁" not in body_of(client.get(f"/api/v2/items/{item.pk}/"))


# --- rate limits count accepted submissions only ----------------------------------------------------

REQUEST_FORM = {
    "applicant_name": "王五",
    "contact_phone": "13700001111",
    "contact_email": "wangwu@example.com",
    "request_text": "请公开党费使用情况。",
    "purpose": "了解情况",
    "website": "",
}


def test_ten_mistyped_requests_do_not_lock_a_person_out(client):
    from django.core.cache import cache

    cache.clear()
    unit = find_unit(WJ)
    for mistake in [{"contact_phone": "12345"}, {"contact_phone": "", "contact_email": ""}, {"request_text": "党" * 2001},
                    {"unit": "99999999999999999999"}, {"unit": "²"}] * 2:
        response = client.post("/requests/new/", {**REQUEST_FORM, "unit": unit.pk, **mistake}, REMOTE_ADDR="203.0.113.77")
        assert response.status_code in (200, 400), (mistake, response.status_code)
    ok = client.post("/requests/new/", {**REQUEST_FORM, "unit": unit.pk}, REMOTE_ADDR="203.0.113.77")
    assert ok.status_code == 302


def test_ten_empty_feedback_posts_do_not_lock_a_person_out(client):
    from django.core.cache import cache

    cache.clear()
    url = f"/feedback/unit/{find_unit(WJ).pk}/"
    for mistake in [{"content": ""}, {"kind": "nope", "content": "x"}, {"content": "党" * 100000}] * 3 + [{}]:
        response = client.post(url, {"kind": "opinion", "website": "", **mistake}, REMOTE_ADDR="203.0.113.78")
        assert response.status_code in (200, 400), (mistake, response.status_code)
    ok = client.post(url, {"kind": "opinion", "content": "建议按月公开党费", "website": ""}, REMOTE_ADDR="203.0.113.78")
    assert ok.status_code in (200, 302)
    from participation.models import Feedback

    assert Feedback.objects.filter(content="建议按月公开党费").exists()


# --- per-object authorization in our own admin views --------------------------------------------------


def test_a_supervisor_cannot_add_a_membership_outside_reach_nor_list_it(client, user_named):
    from disclosure_pages.models import UnitMembership

    client.force_login(user_named("wj_supervisor"))
    index = client.get(reverse("unit_memberships:index"))
    assert index.status_code == 200
    assert "lk_member" not in index.content.decode() and "lk_committee" not in index.content.decode()
    assert "lk_member" not in client.get(reverse("unit_memberships:index") + "?q=lk").content.decode()
    before = UnitMembership.objects.filter(unit=find_unit(LK)).count()
    client.post(reverse("unit_memberships:add"), {"user": user_named("wj_member").pk, "unit": find_unit(LK).pk, "role": "editor"})
    assert UnitMembership.objects.filter(unit=find_unit(LK)).count() == before


def test_another_units_request_and_feedback_are_not_shown_in_the_admin(client, user_named):
    from django.core.cache import cache

    from participation.models import DisclosureRequest, Feedback

    cache.clear()
    lk = find_unit(LK)
    client.post("/requests/new/", {**REQUEST_FORM, "unit": lk.pk, "request_text": "新针申请戊 龙口党费"}, REMOTE_ADDR="203.0.113.79")
    client.post(f"/feedback/unit/{lk.pk}/", {"kind": "opinion", "content": "新针反馈己 龙口", "website": ""}, REMOTE_ADDR="203.0.113.80")
    request_obj = DisclosureRequest.objects.get(request_text__startswith="新针申请戊")
    feedback = Feedback.objects.get(content__startswith="新针反馈己")
    client.force_login(user_named("wj_editor"))
    for url in ["/admin/participation/requests/", f"/admin/participation/requests/?unit={lk.pk}",
                f"/admin/participation/requests/{request_obj.pk}/", "/admin/participation/feedback/",
                f"/admin/participation/feedback/?unit={lk.pk}", f"/admin/participation/feedback/{feedback.pk}/"]:
        assert_hidden(client.get(url), "新针申请戊", "新针反馈己", "203.0.113", where=url)
    for action in ["reply", "publish", "close", "accept", "reject"]:
        response = client.post(f"/admin/participation/requests/{request_obj.pk}/{action}/", {"reply": "x", "text": "x"})
        assert response.status_code in (302, 403, 404, 405), (action, response.status_code)
    request_obj.refresh_from_db()
    feedback.refresh_from_db()
    assert "新针" not in str(getattr(request_obj, "reply", "") or "")


def test_another_units_archive_records_attachments_and_schedules_are_refused(client, user_named, lk_secret, django_capture_on_commit_callbacks):
    from archive.models import ArchiveRecord

    record = ArchiveRecord.objects.filter(item_ref=lk_secret["item"].pk).first()
    assert record is not None
    client.force_login(user_named("wj_editor"))
    node = node_for(LK, "3-3-1")
    for url in [f"/admin/archive/records/{record.pk}/pdf/", f"/admin/archive/records/{record.pk}/attachments/0/",
                f"/admin/archive/records/{record.pk}/attachments/1/", f"/admin/archive/items/{lk_secret['item'].pk}/approval-form/pdf/",
                f"/admin/deadlines/node/{node.pk}/", f"/admin/archive/volume/?unit={find_unit(LK).pk}",
                f"/admin/archive/archiverecord/inspect/{record.pk}/", f"/admin/archive/archiverecord/?q={NEEDLE[:3]}"]:
        response = client.get(url)
        assert response.status_code != 200 or NEEDLE not in body_of(response), url
        assert response.status_code < 500, url


@pytest.mark.parametrize("username", ["wj_editor", "wj_reviewer", "wj_supervisor"])
def test_more_wagtail_views_do_not_show_another_units_party_item(client, user_named, lk_secret, username):
    from wagtail.models import Task, WorkflowState

    item = lk_secret["item"]
    revision = item.latest_revision
    state = WorkflowState.objects.filter(base_content_type__isnull=False, object_id=str(item.pk)).first()
    task = Task.objects.first()
    urls = [
        "/admin/search/?q=" + NEEDLE[:3],
        "/admin/users/?q=lk",
        f"/admin/pages/{item.pk}/revisions/{revision.pk}/revert/",
        f"/admin/pages/{item.pk}/revisions/{revision.pk}/unschedule/",
        f"/admin/pages/{item.pk}/history/results/",
        f"/admin/pages/{item.pk}/lock/",
        f"/admin/pages/{item.pk}/set_position/",
        f"/admin/pages/{item.pk}/move/{node_for(WJ, '1-1-1').pk}/confirm/",
        f"/admin/pages/{item.pk}/convert_alias/",
        f"/admin/pages/workflow/confirm_cancellation/{item.pk}/",
        "/admin/pages/usage/disclosure_pages/disclosureitempage/",
        "/admin/pages/usage/disclosure_pages/disclosureitempage/results/",
        f"/admin/pages/{item.get_parent().pk}/add_subpage/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/workflow/results/",
        "/admin/reports/workflow_tasks/results/",
        "/admin/reports/page-types-usage/results/",
        "/admin/locale/",
    ]
    if task is not None:
        urls.append(f"/admin/pages/workflow/preview/{item.pk}/{task.pk}/")
    if state is not None:
        urls.append(f"/admin/pages/{item.pk}/workflow_history/detail/{state.pk}/")
    client.force_login(user_named(username))
    for url in urls:
        assert_hidden(client.get(url), NEEDLE, where=f"{username} {url}")
    client.post(f"/admin/pages/{item.pk}/lock/")
    client.post(f"/admin/pages/{item.pk}/revisions/{revision.pk}/revert/")
    assert not Page.objects.get(pk=item.pk).locked


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1"])
def test_bulk_action_with_an_id_out_of_range_is_a_404_not_a_500(client, user_named, value):
    client.force_login(user_named("wj_editor"))
    response = client.get(f"/admin/bulk/wagtailcore/page/delete/?id={value}")
    assert response.status_code == 404


# --- images in rich text: Wagtail serves image renditions from media with no scope check ------------


def _lk_image():
    from PIL import Image
    from wagtail.images import get_image_model

    from disclosure_pages.documents import unit_collection

    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    return get_image_model().objects.create(
        title=IMG_NEEDLE, file=ContentFile(png.getvalue(), name="lk-secret.png"), collection=unit_collection(find_unit(LK))
    )


def test_a_rich_text_image_of_another_unit_is_not_shown_on_a_public_item(client, django_capture_on_commit_callbacks):
    image = _lk_image()
    body = f'<p>武江图片</p><embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{IMG_NEEDLE}"/>'
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(make_item(WJ, "1-1-1", title="武江富文本图片", body=body, scope="public"))
    stored = DisclosureItemPage.objects.get(pk=item.pk).body
    assert 'embedtype="image"' not in stored
    page = client.get(item.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "武江图片" in html
    assert "lk-secret" not in html and IMG_NEEDLE not in html and "/media/images/" not in html
    assert IMG_NEEDLE not in body_of(client.get(f"/api/v2/items/{item.pk}/"))


@pytest.mark.parametrize(
    "html",
    [
        '<p>图</p><img src="https://example.org/beacon.png" alt="x">',
        '<p>图</p><img src="/media/original_images/lk-secret.png">',
        '<p>图</p><embed embedtype="image" id="7" format="left" alt="x"/>',
        "<p>图</p><embed embedtype='image' id='7' format='left'>",
        '<p>图</p><EMBED EMBEDTYPE=image ID=7 FORMAT=left/>',
    ],
)
def test_sanitiser_drops_images(html):
    cleaned = sanitise_html(html)
    assert "<p>图</p>" in cleaned
    assert "img" not in cleaned.lower() and "image" not in cleaned.lower()


def test_the_body_editor_offers_no_image_button():
    features = DisclosureItemPage._meta.get_field("body").features
    assert features is not None and "image" not in features and "document-link" in features
