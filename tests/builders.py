"""make_x(**kwargs) builders for tests (kept apart from fixtures so any test module can import them)."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from disclosure_pages.choices import Role
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, SupervisorReach, UnitMembership
from disclosure_pages.selectors import catalog_nodes_by_code, find_unit
from disclosure_pages.services import item_create_published

_seq = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def node_for(unit_path: str, code: str) -> CatalogNodePage:
    unit = find_unit(unit_path)
    assert unit is not None, unit_path
    return catalog_nodes_by_code(unit)[code]


def make_item(
    unit_path: str = "韶关市/武江区/区委办",
    code: str = "1-1-1",
    *,
    title: str | None = None,
    scope: str = "",
    body: str = "<p>测试正文</p>",
    published: datetime.date | None = None,
    **kwargs,
) -> DisclosureItemPage:
    node = node_for(unit_path, code)
    published = published or datetime.date(2026, 3, 1)
    return item_create_published(
        node=node,
        title=title or f"测试事项{next(_seq)}",
        body=body,
        scope=scope,
        published_at=datetime.datetime.combine(published, datetime.time(10), tzinfo=SHANGHAI),
        **kwargs,
    )


def make_user(username: str | None = None, *, unit_path: str | None = None, role: str = Role.MEMBER, reach=None, **extra):
    user = get_user_model().objects.create_user(username=username or f"user{next(_seq)}", password="pw", **extra)
    if unit_path:
        UnitMembership.objects.create(user=user, unit=find_unit(unit_path), role=role)
    if reach is not None:
        SupervisorReach.objects.create(user=user, root=reach)
    return user


def make_document(unit_path: str | None = None, *, title: str = "附件", content: bytes = b"%PDF-1.4 test", name: str = "a.pdf", user=None):
    """A document in the collection of the unit at `unit_path` (Wagtail's root collection without one)."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from disclosure_pages.documents import unit_collection

    fields = {"collection": unit_collection(find_unit(unit_path))} if unit_path else {}
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), uploaded_by_user=user, **fields
    )


def pdf_bytes(text: str = "") -> bytes:
    """A real one-page PDF (pypdf writes it), with `text` in its metadata."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if text:
        writer.add_metadata({"/Subject": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
