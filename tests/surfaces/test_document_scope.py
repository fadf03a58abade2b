"""A document belongs to a unit: its own collection, listings, chooser, admin API, attachment rule, file guard,
and what was filed is not replaced or deleted in place."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from disclosure_pages.documents import unit_collection
from disclosure_pages.models import DisclosureItemPage, ItemAttachment, RegionPage, UnitPage
from disclosure_pages.selectors import find_unit
from disclosure_pages.services import unit_get_or_create
from tests.builders import make_document, make_item, node_for, pdf_bytes

pytestmark = pytest.mark.django_db
WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
CROSS_UNIT_ERROR = "不属于本单位"


@pytest.fixture
def lk_party_doc(db):
    """龙口's 党内 item with its attached file."""
    item = make_item(LK, "3-3-1", title="龙口党费收缴 党内", scope="party")
    document = make_document(LK, title="龙口党内附件", content=pdf_bytes("龙口党内"), name="lk-party.pdf")
    ItemAttachment.objects.create(page=item, document=document)
    return document


@pytest.fixture
def wj_doc(user_named):
    return make_document(WJ, title="武江区委办附件", content=pdf_bytes("武江"), name="wj.pdf", user=user_named("wj_editor"))


def test_every_unit_has_its_own_collection(db):
    units = list(UnitPage.objects.all())
    collections = {unit.collection_id for unit in units}
    assert None not in collections and len(collections) == len(units)
    wj = find_unit(WJ)
    assert Collection.objects.get(pk=wj.collection_id).name == WJ


def test_a_new_unit_gets_a_collection(db):
    region = RegionPage.objects.get(title="武江区")
    unit, created = unit_get_or_create(region=region, name="新设单位")
    assert created
    assert unit_collection(unit).name == "韶关市/武江区/新设单位"


def test_an_upload_lands_in_the_uploaders_unit(client, user_named):
    client.force_login(user_named("wj_editor"))
    form = client.get(reverse("wagtaildocs:add"))
    assert form.status_code == 200
    upload = SimpleUploadedFile("通知.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(reverse("wagtaildocs:add"), {"title": "武江通知", "file": upload})
    assert response.status_code == 302
    document = get_document_model().objects.get(title="武江通知")
    assert document.collection_id == find_unit(WJ).collection_id


def titles_in(response) -> str:
    """The page's text; a JSON answer (the chooser's modal, the admin API) decoded, its escapes resolved."""
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        return data["html"] if "html" in data else json.dumps(data, ensure_ascii=False)
    return response.content.decode()


def test_listing_chooser_and_admin_api_offer_only_the_users_units(client, user_named, lk_party_doc, wj_doc):
    client.force_login(user_named("wj_editor"))
    for url in [reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose"), "/admin/api/main/documents/"]:
        body = titles_in(client.get(url))
        assert "龙口党内附件" not in body, url
    assert "武江区委办附件" in titles_in(client.get(reverse("wagtaildocs:index")))
    assert "武江区委办附件" in titles_in(client.get(reverse("wagtaildocs_chooser:choose")))
    assert client.get(f"/admin/api/main/documents/{lk_party_doc.pk}/").status_code == 404
    assert client.get(reverse("wagtaildocs_chooser:chosen", args=[lk_party_doc.pk])).status_code in (403, 404) or (
        "龙口党内附件" not in client.get(reverse("wagtaildocs_chooser:chosen", args=[lk_party_doc.pk])).content.decode()
    )
    assert client.get(reverse("wagtaildocs:edit", args=[lk_party_doc.pk])).status_code in (302, 403, 404)


def test_lk_users_do_not_see_wujiang_documents(client, user_named, wj_doc):
    from tests.builders import make_user

    lk_editor = make_user("lk_editor_docs", unit_path=LK, role="editor")
    from disclosure_pages.services import roles_sync

    roles_sync(user_id=lk_editor.pk)
    client.force_login(lk_editor)
    assert "武江区委办附件" not in titles_in(client.get(reverse("wagtaildocs_chooser:choose")))
    data = json.loads(client.get("/admin/api/main/documents/").content)
    assert "武江区委办附件" not in [entry["title"] for entry in data["items"]]


def attachment_post(client, node, *, title: str, document_pk: int):
    url = reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", node.pk])
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    data["title"] = title
    data["slug"] = "cross-unit-probe"
    data["period_type"] = "year"
    data["year"] = "2026"
    data["body"] = rich_text("<p>正文</p>")
    data.setdefault("tables-count", "0")
    data["attachments-TOTAL_FORMS"] = "1"
    data["attachments-INITIAL_FORMS"] = "0"
    data["attachments-0-document"] = str(document_pk)
    data["attachments-0-attribute"] = "active"
    data["attachments-0-doc_number"] = ""
    data["attachments-0-reason"] = ""
    data["attachments-0-ORDER"] = "1"
    return client.post(url, data)


def test_pointing_a_draft_at_another_units_document_is_a_form_error(client, user_named, lk_party_doc, wj_doc):
    client.force_login(user_named("wj_editor"))
    response = attachment_post(client, node_for(WJ, "1-1-1"), title="跨单位附件探针", document_pk=lk_party_doc.pk)
    assert response.status_code == 200
    assert CROSS_UNIT_ERROR in response.content.decode()
    assert not DisclosureItemPage.objects.filter(title="跨单位附件探针").exists()
    # the unit's own document is fine
    ok = attachment_post(client, node_for(WJ, "1-1-1"), title="本单位附件", document_pk=wj_doc.pk)
    assert ok.status_code == 302


def test_the_model_refuses_another_units_document(lk_party_doc):
    item = make_item(WJ, "1-1-1", title="武江事项")
    with pytest.raises(ValidationError) as error:
        ItemAttachment(page=item, document=lk_party_doc).full_clean()
    assert CROSS_UNIT_ERROR in str(error.value)


def test_the_file_guard_follows_the_documents_own_unit(client, user_named, lk_party_doc):
    """An item elsewhere that points at the file (however it got there) gives no access."""
    wj_public = make_item(WJ, "1-1-1", title="武江公开事项", scope="public")
    ItemAttachment.objects.create(page=wj_public, document=lk_party_doc)  # bypassing the form and the model check
    assert client.get(lk_party_doc.url).status_code == 404  # anonymous, through a public item elsewhere
    assert "龙口党内附件" not in client.get(wj_public.url).content.decode()  # nor listed on the item
    api = client.get(f"/api/v2/items/{wj_public.pk}/")
    assert api.status_code == 200 and "龙口党内附件" not in json.dumps(api.json(), ensure_ascii=False)
    client.force_login(user_named("wj_editor"))  # may edit the WJ item that points at it
    assert client.get(lk_party_doc.url).status_code == 404
    client.force_login(user_named("lk_member"))  # a member of the document's own unit reads it
    assert client.get(lk_party_doc.url).status_code == 200


def test_a_public_items_document_is_served_to_everyone(client):
    item = make_item(LK, "1-1-1", title="龙口公开", scope="public")
    document = make_document(LK, title="龙口公开附件", content=pdf_bytes(), name="lk-public.pdf")
    ItemAttachment.objects.create(page=item, document=document)
    assert client.get(document.url).status_code == 200


# --- what was filed is not changed or lost in place ------------------------------------------------


@pytest.fixture
def filed_doc(user_named):
    item = make_item(WJ, "1-1-1", title="武江已发布", scope="public")
    document = make_document(WJ, title="已归档附件", content=pdf_bytes("原件"), name="filed.pdf", user=user_named("wj_editor"))
    ItemAttachment.objects.create(page=item, document=document)
    return document


def edit_document(client, document, **fields):
    url = reverse("wagtaildocs:edit", args=[document.pk])
    return client.post(url, {"title": document.title, "collection": document.collection_id, **fields})


@pytest.mark.parametrize("who", ["wj_editor", "admin"])
def test_a_filed_documents_file_cannot_be_replaced(client, user_named, admin_user, filed_doc, who):
    client.force_login(admin_user if who == "admin" else user_named("wj_editor"))
    original = filed_doc.file.name
    replacement = SimpleUploadedFile("filed.pdf", pdf_bytes("未经审核的替换件"), content_type="application/pdf")
    response = edit_document(client, filed_doc, file=replacement)
    assert response.status_code == 200
    assert "已发布或已归档事项的附件，不能替换文件" in response.content.decode()
    filed_doc.refresh_from_db()
    assert filed_doc.file.name == original and filed_doc.file.storage.exists(original)
    # the title may still be corrected
    assert edit_document(client, filed_doc, title="已归档附件（更正标题）").status_code == 302


@pytest.mark.parametrize("who", ["wj_editor", "admin"])
def test_a_filed_document_cannot_be_deleted(client, user_named, admin_user, filed_doc, who):
    client.force_login(admin_user if who == "admin" else user_named("wj_editor"))
    client.post(reverse("wagtaildocs:delete", args=[filed_doc.pk]))
    client.post(f"/admin/bulk/wagtaildocs/document/delete/?id={filed_doc.pk}")
    assert get_document_model().objects.filter(pk=filed_doc.pk).exists()
    assert filed_doc.file.storage.exists(filed_doc.file.name)


def test_a_draft_only_document_may_be_replaced(client, user_named, wj_doc):
    draft = make_item(WJ, "1-1-1", title="武江草稿")
    DisclosureItemPage.objects.filter(pk=draft.pk).update(live=False, first_published_at=None, last_published_at=None)
    ItemAttachment.objects.create(page=draft, document=wj_doc)
    client.force_login(user_named("wj_editor"))
    replacement = SimpleUploadedFile("wj.pdf", pdf_bytes("修改稿"), content_type="application/pdf")
    assert edit_document(client, wj_doc, file=replacement).status_code == 302


def test_a_drafts_document_is_not_deleted_either(client, user_named, wj_doc):
    """The attachment's foreign key protects it: the delete views refuse instead of failing."""
    draft = make_item(WJ, "1-1-1", title="武江草稿二")
    DisclosureItemPage.objects.filter(pk=draft.pk).update(live=False, first_published_at=None, last_published_at=None)
    ItemAttachment.objects.create(page=draft, document=wj_doc)
    client.force_login(user_named("wj_editor"))
    assert client.post(reverse("wagtaildocs:delete", args=[wj_doc.pk])).status_code in (302, 403)
    assert client.post(f"/admin/bulk/wagtaildocs/document/delete/?id={wj_doc.pk}").status_code in (200, 302)
    assert get_document_model().objects.filter(pk=wj_doc.pk).exists()
    unattached = make_document(WJ, title="未使用附件", user=user_named("wj_editor"))
    assert client.post(reverse("wagtaildocs:delete", args=[unattached.pk])).status_code == 302
    assert not get_document_model().objects.filter(pk=unattached.pk).exists()


def test_another_units_document_gives_an_item_no_search_text(lk_party_doc):
    from search.indexing import attachment_texts

    wj_public = make_item(WJ, "1-1-1", title="武江公开 检索探针", scope="public")
    ItemAttachment.objects.create(page=wj_public, document=lk_party_doc, extracted_text="龙口党内文字")  # a bypass
    own = make_document(WJ, title="武江自己的附件")
    ItemAttachment.objects.create(page=wj_public, document=own, extracted_text="武江公开文字")
    assert attachment_texts([wj_public.pk]) == {wj_public.pk: "武江公开文字"}
