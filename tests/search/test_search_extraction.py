"""Attachment text is extracted in the worker, never in the publishing
request, and within limits (trust issue, finding 8): a small DOCX that
inflates to hundreds of megabytes is refused at once, from the sizes its zip
directory declares, before anything is decompressed."""

from __future__ import annotations

import datetime
import io
import time
import tracemalloc
import zipfile

import pytest

from disclosure_pages.models import ItemAttachment
from search import indexing, tasks
from search.indexing import MAX_INFLATED_BYTES, ExtractionRefused, docx_text, extract_document_text
from tests.builders import make_item
from tests.search.helpers import WJ, docx_bytes, found_titles, make_document, publish

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
INFLATED = 300 * 1024 * 1024


def zip_bomb_docx(inflated: int = INFLATED) -> bytes:
    """A real DOCX whose word/document.xml is padded with ``inflated`` bytes
    of whitespace: about 300 KB on disk for 300 MB inflated."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes("炸弹附件正文", "鲲鹏")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename != "word/document.xml":
                bomb.writestr(info, data)
                continue
            with bomb.open("word/document.xml", "w", force_zip64=True) as member:
                head, tail = data.split(b"<w:body>", 1)
                member.write(head + b"<w:body>")
                chunk = b" " * (1024 * 1024)
                for _ in range(inflated // len(chunk)):
                    member.write(chunk)
                member.write(tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_docx()


def test_zip_bomb_is_small_on_disk(bomb):
    assert len(bomb) < 2 * 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > INFLATED


def test_zip_bomb_docx_is_refused_quickly_without_inflating_it(bomb):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ExtractionRefused):
        docx_text(bomb)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024  # the 300 MB were never decompressed


def test_a_docx_within_the_limits_is_still_read():
    assert "蓝鲸项目" in docx_text(docx_bytes("会议纪要", "蓝鲸项目"))
    assert MAX_INFLATED_BYTES < INFLATED


def test_a_zip_directory_that_understates_the_sizes_is_not_believed(bomb):
    """Sizes in the zip directory can lie: reading stops at the declared size
    (and the checksum then fails), so the lie buys nothing."""
    data = bytearray(bomb)
    with zipfile.ZipFile(io.BytesIO(bomb)) as zf:
        info = zf.getinfo("word/document.xml")
    # Rewrite the declared size in the central directory entry to 10 KB.
    # (zip64: the real size lives in the extra field; shrink it there.)
    real = info.file_size.to_bytes(8, "little")
    at = data.rfind(real)
    assert at > 0
    data[at : at + 8] = (10 * 1024).to_bytes(8, "little")
    started = time.perf_counter()
    with pytest.raises(Exception):  # noqa: B017 - refused or unreadable, either way not inflated
        docx_text(bytes(data))
    assert time.perf_counter() - started < 2.0


def test_extraction_of_a_bomb_gives_no_text_and_the_item_is_indexed_without_it(db, bomb, embedded_site_backend):
    item = make_item(WJ, "1-1-1", title="鲲鹏附件炸弹事项", scope="public", published=datetime.date(2026, 3, 1))
    document = make_document("炸弹.docx", bomb)
    started = time.perf_counter()
    assert extract_document_text(document) == ""
    assert time.perf_counter() - started < 2.0
    ItemAttachment.objects.create(page=item, document=document)
    tasks.sync_items.call([item.pk])
    assert found_titles("鲲鹏附件炸弹") == ["鲲鹏附件炸弹事项"]


def test_publishing_never_extracts_the_worker_does(
    db, settings, embedded_site_backend, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = DUMMY_TASKS  # the worker has not run yet
    calls = []
    real = indexing.docx_text
    monkeypatch.setattr(indexing, "docx_text", lambda data: calls.append(1) or real(data))
    item = make_item(WJ, "1-1-1", title="鲲鹏附件事项", scope="public")
    ItemAttachment.objects.create(page=item, document=make_document("纪要.docx", docx_bytes("会议纪要", "蓝鲸项目")))
    with django_capture_on_commit_callbacks(execute=True):
        publish(item)
    assert calls == []  # nothing extracted in the publishing request
    tasks.sync_items.call([item.pk])  # what the worker runs
    assert calls == [1]
    assert found_titles("蓝鲸项目") == ["鲲鹏附件事项"]


def test_pdf_extraction_stops_at_the_time_limit(monkeypatch):
    from tests.search.helpers import pdf_bytes

    monkeypatch.setattr(indexing, "MAX_EXTRACT_SECONDS", 0.0)
    assert indexing.pdf_text(pdf_bytes("鲲鹏超时")) == ""
