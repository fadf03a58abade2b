"""What is indexed (issue 4 point 2): published, not revoked, public items
only, with their text, tables, attachment text, region, unit, catalogue,
period, time limit, document number and publication date."""

from __future__ import annotations

import datetime

import pytest

from disclosure_pages.models import CatalogNodePage, ItemAttachment
from search.indexing import document_for_item, html_to_text, is_indexable, public_ids
from search.services import index_sync
from tests.builders import make_item, node_for
from tests.search.helpers import LK, WJ, api, docx_bytes, draft_item, found_titles, make_document, pdf_bytes

LEADERSHIP_TABLE = [
    {
        "type": "leadership",
        "value": {
            "fill_date": "2026-01-08",
            "rows": [{"name": "欧阳鲲鹏", "position": "书记", "gender": "男", "phone": "", "duties": "主持全面工作"}],
            "leader": "",
            "tabulator": "",
            "supervision": "",
        },
    }
]


@pytest.fixture
def item(db):
    return make_item(
        WJ,
        "1-1-4",
        title="2026年上半年党费收缴情况",
        scope="public",
        body="<p>本支部按时收缴党费&amp;活动经费。</p><p>详见附表<b>一</b>。</p>",
        doc_number="武区办〔2026〕7号",
        period={"year": 2026, "half": 1},
        published=datetime.date(2026, 7, 10),
    )


def test_document_carries_every_indexed_field(item):
    node = node_for(WJ, "1-1-4")
    level1, level2, level3 = [
        n.title for n in CatalogNodePage.objects.ancestor_of(node, inclusive=True).order_by("depth")
    ]
    doc = document_for_item(item)
    assert doc is not None
    assert doc.title == "2026年上半年党费收缴情况"
    assert doc.body == "本支部按时收缴党费&活动经费。\n详见附表一。"  # no HTML, entities decoded
    assert (doc.region, doc.region_path) == ("武江区", ["韶关市", "武江区"])
    assert (doc.unit, doc.unit_path) == ("区委办", "韶关市/武江区/区委办")
    assert (doc.catalog_code, doc.level1, doc.level2, doc.level3) == ("1-1-4", level1, level2, level3)
    assert doc.level3 == "党费收缴、管理和使用情况"
    assert (doc.year, doc.period, doc.time_limit) == (2026, "2026年上半年", "半年公开")
    assert doc.doc_number == "武区办〔2026〕7号"
    assert doc.published_at == item.first_published_at
    assert doc.url == item.url


def test_table_text_is_searchable(item, embedded_site_backend):
    item.tables = LEADERSHIP_TABLE
    item.save()
    assert "欧阳鲲鹏" in document_for_item(item).tables_text
    index_sync(item_ids=[item.pk])
    assert found_titles("欧阳鲲鹏") == ["2026年上半年党费收缴情况"]


def test_document_number_and_catalogue_names_are_searchable(item, embedded_site_backend):
    index_sync(item_ids=[item.pk])
    assert found_titles("武区办〔2026〕7号") == ["2026年上半年党费收缴情况"]
    assert found_titles("管理和使用情况 区委办") == ["2026年上半年党费收缴情况"]


def test_pdf_and_docx_text_is_extracted_in_the_task_and_stored(item, embedded_site_backend):
    pdf = ItemAttachment.objects.create(
        page=item, document=make_document("明细.pdf", pdf_bytes("附件：鲲鹏专项经费明细表"))
    )
    word = ItemAttachment.objects.create(
        page=item, document=make_document("纪要.docx", docx_bytes("会议纪要", "蓝鲸项目"))
    )
    assert document_for_item(item).attachments_text == ""  # nothing extracted while building in a request
    index_sync(item_ids=[item.pk])  # what the background task runs
    pdf.refresh_from_db()
    word.refresh_from_db()
    assert "鲲鹏专项经费明细表" in pdf.extracted_text
    assert "蓝鲸项目" in word.extracted_text
    assert found_titles("鲲鹏专项经费") == ["2026年上半年党费收缴情况"]
    assert found_titles("蓝鲸项目") == ["2026年上半年党费收缴情况"]


def test_withheld_attachment_text_is_not_indexed(item, embedded_site_backend):
    ItemAttachment.objects.create(
        page=item,
        document=make_document("内部.docx", docx_bytes("内部材料", "鲲鹏名单")),
        attribute="withheld",
        reason="涉及个人隐私",
    )
    index_sync(item_ids=[item.pk])
    assert found_titles("鲲鹏名单") == []


def test_broken_attachment_does_not_keep_the_item_out(item, embedded_site_backend):
    ItemAttachment.objects.create(page=item, document=make_document("坏文件.pdf", b"%PDF-1.4 not really a pdf"))
    index_sync(item_ids=[item.pk])
    assert found_titles("党费收缴情况") == ["2026年上半年党费收缴情况"]


@pytest.mark.parametrize("scope", ["party", "committee"])
def test_internal_items_are_indexed_with_their_scope_and_path(db, scope):
    """For the members who may read them (search.query.Visibility); the public never finds them
    (tests/search/test_search_members.py)."""
    internal = make_item(LK, "1-1-1", title="党内事项", scope=scope)
    assert internal.live and is_indexable(internal)
    document = document_for_item(internal)
    assert (document.scope, document.tree_path) == (scope, internal.path)
    assert public_ids([internal.pk]) == set()


def test_draft_is_not_indexable(db):
    draft = draft_item(WJ, "1-1-1", title="草稿事项")
    assert not is_indexable(draft)
    assert document_for_item(draft) is None


def test_index_sync_removes_what_is_no_longer_indexable(item, embedded_site_backend):
    index_sync(item_ids=[item.pk])
    assert api("党费收缴情况")["total"] == 1
    item.unpublish()
    index_sync(item_ids=[item.pk])
    assert api("党费收缴情况")["total"] == 0


def test_html_to_text_keeps_paragraphs_apart():
    # Without the break, 费 and 本 would form a bigram that occurs nowhere.
    assert html_to_text("<p>收缴党费</p><p>本支部</p>") == "收缴党费\n本支部"
    assert html_to_text("<p>a&nbsp;&lt;b&gt;</p>") == "a <b>"
    assert html_to_text("") == ""


def test_bulk_builder_reads_a_constant_number_of_queries(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.indexing import iter_documents

    def queries_for(batch_size: int) -> tuple[int, int]:
        list(iter_documents(batch_size=batch_size))  # warm the site-root cache
        with CaptureQueriesContext(connection) as ctx:
            docs = list(iter_documents(batch_size=batch_size))
        return len(docs), len(ctx.captured_queries)

    docs, queries = queries_for(1000)
    assert docs > 700  # the demo's public items
    # Structure (2 queries + content types) once, then per batch: the items and their attachments.
    assert queries <= 8
    _, batched = queries_for(100)
    assert batched <= queries + 2 * (docs // 100 + 1)
