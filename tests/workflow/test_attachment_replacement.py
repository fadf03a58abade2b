"""A published item's attachment is changed by a new document and a new revision through review,
never by replacing the filed file in place."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

from disclosure_pages.models import ItemAttachment
from tests.builders import make_document, make_item, pdf_bytes

from .helpers import _errors, edit_item

WJ = "韶关市/武江区/区委办"


@pytest.fixture
def published_with_file(people):
    item = make_item(WJ, "1-1-3", title="武江区委办 附件更换", scope="public")
    original = make_document(WJ, title="原附件", content=pdf_bytes("原件"), name="original.pdf", user=people["wj_editor"])
    ItemAttachment.objects.create(page=item, document=original)
    return item, original


def test_the_new_file_reaches_the_item_only_through_review(client, people, published_with_file):
    item, original = published_with_file
    client.force_login(people["wj_editor"])
    refused = client.post(
        reverse("wagtaildocs:edit", args=[original.pk]),
        {"title": original.title, "file": SimpleUploadedFile("original.pdf", pdf_bytes("替换"), content_type="application/pdf")},
    )
    assert refused.status_code == 200 and "请另行上传新文件" in refused.content.decode()

    upload = SimpleUploadedFile("new.pdf", pdf_bytes("新件"), content_type="application/pdf")
    assert client.post(reverse("wagtaildocs:add"), {"title": "新附件", "file": upload}).status_code == 302
    new = get_document_model().objects.get(title="新附件")
    approval_form = {"disclosure_time": "2026年3月", "requirement": "regular", "method": "society", "platforms": "互联网"}
    response = edit_item(client, item, **{"attachments-0-document": str(new.pk)}, **approval_form)
    assert response.status_code == 302, _errors(response)

    item.refresh_from_db()
    assert item.live and item.current_workflow_task is not None  # waiting for the reviewer
    assert list(item.attachments.values_list("document_id", flat=True)) == [original.pk]  # live version unchanged
    revision = item.get_latest_revision_as_object()
    assert [a.document_id for a in revision.attachments.all()] == [new.pk]
    assert client.get(original.url).status_code == 200  # the public file is still the filed one
