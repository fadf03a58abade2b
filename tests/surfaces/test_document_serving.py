"""Uploads are served as downloads unless a real parse shows a safe type; never sniffed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from disclosure_pages.models import ItemAttachment
from tests.builders import make_document, make_item, pdf_bytes

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


@pytest.fixture
def serve(client):
    item = make_item(LK, "1-1-1", title="龙口公开 附件类型", scope="public")

    def get(name: str, content: bytes):
        document = make_document(LK, title=name, content=content, name=name)
        ItemAttachment.objects.create(page=item, document=document)
        response = client.get(document.url)
        assert response.status_code == 200, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        return response

    return get


def inline(response) -> bool:
    return response["Content-Disposition"].startswith("inline")


def test_a_real_pdf_is_shown_inline(serve):
    response = serve("通知.pdf", pdf_bytes("正文"))
    assert inline(response) and response["Content-Type"] == "application/pdf"


def test_a_real_image_is_shown_inline(serve):
    response = serve("照片.png", png_bytes())
    assert inline(response) and response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "name, content",
    [
        ("polyglot.pdf", POLYGLOT),  # pypdf cannot open it
        ("appended.pdf", pdf_bytes() + b"\n<script>alert(1)</script>\n"),  # opens, but carries markup
        ("broken.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
        ("纪要.docx", b"PK\x03\x04 not really a docx"),
        ("说明.txt", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_anything_else_is_a_download(serve, name, content):
    response = serve(name, content)
    assert response["Content-Disposition"].startswith("attachment"), name
