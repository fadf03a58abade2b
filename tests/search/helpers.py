"""Helpers for the Django-level search tests: publish through Wagtail's
revision API (so page_published fires, as from the admin), and ask the
public JSON API what it finds."""

from __future__ import annotations

import datetime
import io
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from disclosure_pages.choices import PeriodType
from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.services import page_slug
from tests.builders import node_for

WJ = "韶关市/武江区/区委办"  # 武江区委办
ZJ = "韶关市/浈江区/区委办"  # 浈江区委办
CITY = "韶关市/市委办"
LK = "龙口市/市科技局党支部"

_seq = itertools.count(1)


def draft_item(
    unit_path: str = WJ, code: str = "1-1-1", *, title: str, body: str = "", scope: str = "public", **fields: Any
) -> DisclosureItemPage:
    """A new item that was never published: what an editor has after “保存草稿”."""
    node = node_for(unit_path, code)
    item = DisclosureItemPage(
        title=title,
        slug=f"{page_slug(title, 'item')[:40]}-{next(_seq)}",
        body=body,
        scope=scope,
        live=False,
        period_type=fields.pop("period_type", PeriodType.YEAR),
        year=fields.pop("year", 2026),
        **fields,
    )
    node.add_child(instance=item)
    item.save_revision()
    return item


def publish(item: DisclosureItemPage, user=None) -> DisclosureItemPage:
    """Publish the latest revision, as the admin's “发布” does (page_published fires)."""
    revision = item.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    item.refresh_from_db()
    return item


def publish_new(
    unit_path: str = WJ, code: str = "1-1-1", *, title: str, body: str = "", scope: str = "public", **fields: Any
) -> DisclosureItemPage:
    return publish(draft_item(unit_path, code, title=title, body=body, scope=scope, **fields))


def api(q: str = "", **params: Any) -> dict[str, Any]:
    response = Client().get("/api/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()


def found_titles(q: str, **params: Any) -> list[str]:
    return [hit["title"] for hit in api(q, **{"per_page": 50, **params})["results"]]


def facet_counts(q: str, name: str, **params: Any) -> dict[str, int]:
    return {f["value"]: f["count"] for f in api(q, **params)["facets"][name]}


def make_document(filename: str, data: bytes, title: str = "附件"):
    return get_document_model().objects.create(title=title, file=ContentFile(data, name=filename))


def pdf_bytes(text: str) -> bytes:
    import weasyprint

    html = f'<html><body style="font-family: Noto Sans CJK SC"><p>{text}</p></body></html>'
    return weasyprint.HTML(string=html).write_pdf()


def docx_bytes(paragraph: str, cell: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def at(year: int, month: int = 3, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)
