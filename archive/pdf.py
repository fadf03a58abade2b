"""PDFs of the archive through WeasyPrint: the approval form (审批表), a record's printout
(approval form + content + tables) and a volume's 归档文件目录.

Fonts: "Archive Serif", Noto Serif CJK SC (Debian fonts-noto-cjk) re-cut once per machine so that
WeasyPrint's subsets are small (archive/fonts: ~20 KB a form instead of ~150 KB), is declared with
@font-face and embedded (subset) in every PDF, so that pdftotext gives the Chinese back; DejaVu
Sans draws ☑/☐.
"""

from __future__ import annotations

import datetime
import io
import itertools
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from disclosure_pages.choices import DisclosureMethod, DisclosureRequirement, Retention
from disclosure_pages.models import UnitPage

from . import fonts, pdf_worker
from .choices import ITEM_KINDS, DiscloseOpinion, Platform, RecordKind, SecrecyOpinion, approval_labels
from .models import ApprovalForm, ArchiveRecord

CJK_FONT_FILE = fonts.SOURCE_FONT
_FALLBACK_SRC = f'local("{fonts.SOURCE_FAMILY}"), url("{CJK_FONT_FILE.as_uri()}")'
logger = logging.getLogger(__name__)


def font_src() -> str:
    """The @font-face src of "Archive Serif": the cut font (built at the first call), else Noto as installed."""
    try:
        path = fonts.ensure_font(settings.ARCHIVE_FONT_DIR, CJK_FONT_FILE)
    except Exception:  # noqa: BLE001 - a PDF with the larger font beats no PDF
        logger.exception("归档 PDF 字体裁切失败，改用系统字体")
        path = None
    return f'url("{path.as_uri()}")' if path is not None else _FALLBACK_SRC


def warm_up() -> float:
    """Lay out one small form in this process (fontconfig, WeasyPrint's import, the font, the form's
    CSS), so that the first PDF someone waits for costs what the later ones do; returns the seconds."""
    started = time.perf_counter()
    pdf_worker.warm_up(render_to_string("archive/pdf/warm_up.html", {}))
    return time.perf_counter() - started


def _document(html: str):
    return pdf_worker.render(html)


def html_to_pdf(html: str) -> bytes:
    return _document(html).write_pdf()


# Approval form -------------------------------------------------------------------------------


def organisation_name(unit: UnitPage | None, unit_name: str = "") -> str:
    """The unit's party organisation (中共…委员会) when recorded, else its region and name ("武江区区委办")."""
    if unit is None:
        return unit_name
    region = unit.region
    return unit.organisation_name or (f"{region.title}{unit.title}" if region is not None else unit.title)


def form_title(unit: UnitPage | None, unit_name: str = "") -> str:
    """《…党务公开事项审批表》 headed with the unit's organisation, as 《中共惠农区委党务公开若干制度（试行）》 heads it with "中共惠农区委"."""
    return f"{organisation_name(unit, unit_name)}党务公开事项审批表"


def _date_text(value: str | datetime.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _choices(choices, selected) -> list[dict[str, Any]]:
    chosen = set(selected if isinstance(selected, (list, tuple, set)) else [selected])
    return [{"value": value, "label": label, "checked": value in chosen} for value, label in choices]


def _moment_text(value: str | None, day: str | None) -> str:
    """"2026年12月2日 14:30" from an ISO time of the snapshot; the date alone for older snapshots."""
    if value:
        moment = datetime.datetime.fromisoformat(value)
        return f"{_date_text(moment.date())} {moment:%H:%M}"
    return _date_text(day)


def form_context(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the form template shows, from an ApprovalForm.snapshot() (live or as archived)."""
    f = dict(snapshot)
    f.update(approval_labels(f))
    f["filled_on_text"] = _date_text(f.get("filled_on"))
    f["submitted_at_text"] = _moment_text(f.get("submitted_at"), None)
    f["reviewed_on_text"] = _moment_text(f.get("reviewed_at"), f.get("reviewed_on"))
    f["leader_on_text"] = _moment_text(f.get("leader_at"), f.get("leader_on"))
    f["secrecy_officer_at_text"] = _moment_text(f.get("secrecy_officer_at"), None)
    f["secrecy_office_at_text"] = _moment_text(f.get("secrecy_office_at"), None)
    for row in f.get("countersignature_rows") or []:
        row["signed_at_text"] = _moment_text(row.get("signed_at"), None)
    f["requirement_choices"] = _choices(DisclosureRequirement.choices, f.get("requirement"))
    f["method_choices"] = _choices(DisclosureMethod.choices, f.get("method"))
    f["platform_choices"] = _choices(Platform.choices, f.get("platforms") or [])
    f["disclose_choices"] = _choices(DiscloseOpinion.choices, f.get("disclose_opinion"))
    f["secrecy_choices"] = _choices(SecrecyOpinion.choices, f.get("secrecy_opinion"))
    return f


def approval_form_html(form: ApprovalForm) -> str:
    unit = form.item.unit if form.item_id else None
    return render_to_string(
        "archive/pdf/approval_form.html",
        {"f": form_context(form.snapshot()), "form_title": form_title(unit, form.department)},
    )


def approval_form_pdf(form: ApprovalForm) -> bytes:
    return html_to_pdf(approval_form_html(form))


# Records -------------------------------------------------------------------------------------


def _local(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _record_context(record: ArchiveRecord, units: dict[int, UnitPage]) -> dict[str, Any]:
    snapshot = record.approval_snapshot
    unit = units.get(record.unit_id)
    return {
        "record": record,
        "form": form_context(snapshot) if snapshot else None,
        "form_title": form_title(unit, record.unit_path.rsplit("/", 1)[-1]),
        "form_anchor": f"form-{record.pk}",
        "content_anchor": f"content-{record.pk}",
        "published_text": _local(record.published_at),
        # A filed document (a request, feedback, a 报备) is dated by its conclusion, not by a publication.
        "date_label": "发布时间" if record.kind in ITEM_KINDS else "办结时间",
        "reason_label": "撤消理由" if record.kind == RecordKind.REVOCATION else "意见及理由",
        "created_text": _local(record.created_at),
    }


def _units_for(records: Sequence[ArchiveRecord]) -> dict[int, UnitPage]:
    return UnitPage.objects.in_bulk({record.unit_id for record in records})


def records_html(records: Sequence[ArchiveRecord], *, title: str = "归档文件") -> str:
    units = _units_for(records)
    return render_to_string(
        "archive/pdf/record.html",
        {"records": [_record_context(record, units) for record in records], "title": title},
    )


def record_pdf(record: ArchiveRecord) -> bytes:
    """One record as filed: its approval form, then the content and tables, one PDF."""
    return html_to_pdf(records_html([record], title=f"{record.number} {record.title}"))


@dataclass
class RecordPrintout:
    record: ArchiveRecord
    pdf: bytes | None  # approval form + content + tables
    approval_form_pdf: bytes | None  # the form's page(s) alone
    pages: int


def pdf_workers() -> int:
    """Processes for laying out a volume: settings.ARCHIVE_PDF_WORKERS, else the CPUs (at most 4)."""
    configured = getattr(settings, "ARCHIVE_PDF_WORKERS", None)
    if configured:
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, 4))


def record_printouts(
    records: Sequence[ArchiveRecord], *, chunk: int = 10, with_record_pdf: bool = True, workers: int | None = None
) -> Iterator[RecordPrintout]:
    """Printouts of many records, in order, with their page counts.

    The HTML is built here (database reads); WeasyPrint's layout, the slow part, runs on
    `chunk` records at a time, in a pool of worker processes when there is more than one
    chunk and more than one worker (pdf_worker has no Django imports, so spawned workers
    start quickly and never touch the database).
    """
    records = list(records)
    chunks = [records[start : start + chunk] for start in range(0, len(records), chunk)]
    workers = pdf_workers() if workers is None else workers

    def job(batch):
        return (
            records_html(batch),
            [record.pk for record in batch],
            [bool(record.approval_snapshot) for record in batch],
            with_record_pdf,
        )

    def assemble(batch, results):
        for record, (_pk, pages, form_pdf, record_pdf) in zip(batch, results, strict=True):
            yield RecordPrintout(record=record, pdf=record_pdf, approval_form_pdf=form_pdf, pages=pages)

    if workers <= 1 or len(chunks) <= 1:
        for batch in chunks:
            yield from assemble(batch, pdf_worker.render_chunk(*job(batch)))
        return

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque = deque()
        queue = iter(chunks)
        # Keep a few chunks in flight, not the whole volume's HTML and PDFs in memory.
        for batch in itertools.islice(queue, workers * 2):
            pending.append((batch, pool.submit(pdf_worker.render_chunk, *job(batch))))
        while pending:
            batch, future = pending.popleft()
            results = future.result()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(pdf_worker.render_chunk, *job(following))))
            yield from assemble(batch, results)


# Volume catalogue ----------------------------------------------------------------------------


# The 归档文件目录 of DA/T 22《归档文件整理规则》: 件号, 责任者, 文号, 题名, 日期 (8 digits), 页数,
# 密级 (here the 公开属性, what a party-affairs disclosure has instead), 备注; with this platform's
# 保管期限 and 目录代码. The PDF and the CSV beside it show the same columns in this order.
CATALOGUE_COLUMNS = [
    ("number", "件号"),
    ("responsible", "责任者"),
    ("doc_number", "文号"),
    ("title", "题名"),
    ("date", "日期"),
    ("pages", "页数"),
    ("openness", "公开属性"),
    ("retention", "保管期限"),
    ("catalog_code", "目录代码"),
    ("note", "备注"),
]


def _doc_number(record: ArchiveRecord) -> str:
    content = record.content if isinstance(record.content, dict) else {}
    if content.get("doc_number"):
        return str(content["doc_number"])
    numbers = [a.get("doc_number") for a in record.attachments or [] if isinstance(a, dict) and a.get("doc_number")]
    return "；".join(dict.fromkeys(numbers))


def catalogue_rows(records: Sequence[ArchiveRecord], pages: dict[int, int] | None = None) -> list[dict[str, Any]]:
    from disclosure_pages.choices import Scope

    pages = pages or {}
    units = _units_for(records)
    rows = []
    for record in records:
        notes = []
        if record.kind != RecordKind.PUBLICATION:
            notes.append(record.get_kind_display())
        if record.attachments:
            notes.append(f"附件{len(record.attachments)}件")
        rows.append(
            {
                "number": record.number,
                "responsible": organisation_name(units.get(record.unit_id), record.unit_path.rsplit("/", 1)[-1]),
                "doc_number": _doc_number(record),
                "title": record.title,
                "date": f"{timezone.localtime(record.published_at):%Y%m%d}",
                "pages": pages.get(record.pk),
                "openness": Scope(record.scope).label if record.scope in Scope.values else "",
                "retention": Retention(record.retention).label if record.retention in Retention.values else "",
                "catalog_code": record.catalog_code,
                "note": "，".join(notes),
            }
        )
    return rows


def catalogue_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """The 归档文件目录 as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese)."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _key, label in CATALOGUE_COLUMNS])
    for row in rows:
        writer.writerow(["" if row[key] is None else row[key] for key, _label in CATALOGUE_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def volume_catalogue_pdf(
    *, unit_path: str, year: int, records: Sequence[ArchiveRecord], pages: dict[int, int] | None = None
) -> bytes:
    """归档文件目录 of a unit's year (CATALOGUE_COLUMNS, DA/T 22), then the unit's
    latest signed chain head and the public key that checks it (a copy of both outside the database)."""
    html = render_to_string(
        "archive/pdf/volume_catalogue.html",
        {
            "title": f"{unit_path} {year}年度 归档文件目录",
            "unit_path": unit_path,
            "year": year,
            "rows": catalogue_rows(records, pages),
            "columns": CATALOGUE_COLUMNS,
            "generated": _local(timezone.now()),
            **signature_context(records[0].unit_id if records else None),
        },
    )
    return html_to_pdf(html)


def signature_context(unit_id: int | None) -> dict[str, Any]:
    from . import signing
    from .selectors import latest_signed_heads

    try:
        key = signing.trusted_public_key()
    except ImproperlyConfigured:
        key = None
    heads = latest_signed_heads(unit_id) if unit_id is not None else []
    signed = heads[0] if heads else None
    return {
        "signed_head": signed,
        "signed_text": _local(signed.signed_at) if signed else "",
        "key_pem": signing.public_pem(key) if key else "",
        "key_fingerprint": signing.fingerprint(key) if key else "",
        "key_id": signing.key_id(key) if key else "",
    }


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), for tests and checks."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
