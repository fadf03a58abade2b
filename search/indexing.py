"""From disclosure items to ``IndexDocument``s: what is indexed, and how.

Only published (live) items whose regions, unit and catalogue nodes are all
live reach the index. A revoked item is unpublished, so "live" covers
revocation. Everything else (drafts, items under an unpublished unit) is never
indexed, and is removed when it was. Each entry carries its scope (公开范围)
and page path: the anonymous public finds the 社会 ones only, members and
supervisors also the 党内 and 委员 ones they may read (search.query.Visibility,
from disclosure_pages.permissions.readable_scopes), filtered inside the index
query and checked against the database (``indexable_ids`` with ``among``).

The page tree is the organisation, so an item's region, unit and catalogue
names are the titles of its ancestors: an item sits 4 levels (Page.steplen
characters each) below its unit, and its path's prefixes are the paths of
its 三级, 二级 and 一级 catalogue nodes, its unit and its regions. The bulk
builder loads those structure pages once and reads titles by path prefix,
so documents for any number of items cost a few queries per batch.
"""

from __future__ import annotations

import html
import io
import logging
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags
from wagtail.models import Page

from disclosure_pages.choices import AttachmentAttribute, Scope
from disclosure_pages.documents import own_unit_attachments
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, ItemAttachment, RegionPage, UnitPage
from disclosure_pages.selectors import live_items, public_items
from search.documents import IndexDocument

logger = logging.getLogger(__name__)

STEPLEN = Page.steplen
LEVELS_BELOW_UNIT = 4  # unit → 一级 → 二级 → 三级 → item
BATCH_SIZE = 500
# Extraction limits: a scanned 500-page PDF or a zip bomb must not stall the
# worker, and the first pages of an attachment are what people search for.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024  # read from storage, at most
MAX_PDF_PAGES = 300
MAX_ATTACHMENT_CHARS = 200_000
# A DOCX is a zip: its parts together may inflate to this much, its XML parts
# (the text) to a part of it. Real documents with photos stay far below; a
# 1 MB file padded to inflate to 300 MB took 94 s and 3.5 GB before.
MAX_INFLATED_BYTES = 40 * 1024 * 1024
MAX_INFLATED_XML_BYTES = 16 * 1024 * 1024
MAX_EXTRACT_SECONDS = 20.0  # per attachment; pypdf limits each stream itself (75 MB)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_BLOCK_END_RE = re.compile(r"(?i)(</(?:p|div|li|h[1-6]|tr|td|th|blockquote|pre)>|<br\s*/?>)")


def html_to_text(value: str) -> str:
    """Rich text to plain text. Block ends become line breaks first, so that
    the last word of one paragraph and the first of the next do not form a
    bigram that occurs nowhere in the text."""
    if not value:
        return ""
    text = html.unescape(strip_tags(_BLOCK_END_RE.sub(r"\1\n", value)))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


# --- structure pages ------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    kind: str  # "region", "unit", "catalog"
    title: str
    live: bool
    code: str = ""
    time_limit: str = ""


class Structure:
    """Regions, units and catalogue nodes by path, to read an item's
    ancestors without a query per item."""

    def __init__(self, nodes: dict[str, _Node]) -> None:
        self.nodes = nodes

    @classmethod
    def load(cls, item_paths: Iterable[str] | None = None) -> Structure:
        """Every structure page (item_paths None), or only the ancestors of
        the given item paths. Two queries either way."""
        kinds = {
            ContentType.objects.get_for_model(RegionPage).pk: "region",
            ContentType.objects.get_for_model(UnitPage).pk: "unit",
            ContentType.objects.get_for_model(CatalogNodePage).pk: "catalog",
        }
        pages = Page.objects.filter(content_type_id__in=kinds)
        catalog = CatalogNodePage.objects.all()
        if item_paths is not None:
            prefixes = {path[:end] for path in item_paths for end in range(STEPLEN, len(path), STEPLEN)}
            if not prefixes:
                return cls({})
            pages = pages.filter(path__in=prefixes)
            catalog = catalog.filter(path__in=prefixes)
        extra = {
            path: (code, time_limit) for path, code, time_limit in catalog.values_list("path", "code", "time_limit")
        }
        nodes: dict[str, _Node] = {}
        for path, title, live, ct in pages.values_list("path", "title", "live", "content_type_id"):
            code, time_limit = extra.get(path, ("", ""))
            nodes[path] = _Node(kinds[ct], title, live, code, time_limit)
        return cls(nodes)

    def ancestry(self, item_path: str) -> _Ancestry | None:
        """The item's unit, regions and catalogue nodes; None when the item
        is not where items belong (directly under a 三级 node of a unit)."""
        unit_path = item_path[: -LEVELS_BELOW_UNIT * STEPLEN]
        unit = self.nodes.get(unit_path)
        levels = [self.nodes.get(item_path[: -n * STEPLEN]) for n in (3, 2, 1)]
        if unit is None or unit.kind != "unit" or any(n is None or n.kind != "catalog" for n in levels):
            return None
        regions = [
            node
            for end in range(STEPLEN, len(unit_path), STEPLEN)
            if (node := self.nodes.get(unit_path[:end])) is not None and node.kind == "region"
        ]
        return _Ancestry(unit=unit, unit_path=unit_path, regions=regions, levels=levels)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Ancestry:
    unit: _Node
    unit_path: str
    regions: list[_Node]
    levels: list[_Node]  # 一级, 二级, 三级

    @property
    def live(self) -> bool:
        return self.unit.live and all(n.live for n in self.regions) and all(n.live for n in self.levels)


# --- what is indexed -----------------------------------------------------------------


def indexable_items():
    """Candidates: what the site itself calls live, of every scope
    (``disclosure_pages.selectors.live_items``); the ancestors are checked
    per item here as well, so search never shows an item under an
    unpublished region, unit or catalogue node."""
    return live_items()


def indexable_ids(item_ids: Iterable[int], *, among=None) -> set[int]:
    """Those of ``item_ids`` that may be in the index now, read from the
    database; with ``among`` (a queryset of items, e.g.
    ``disclosure_pages.selectors.visible_items(user)`` or ``public_items()``),
    only those of them: the check every result page and every removal goes
    through. A few queries for any number of ids (by batches of BATCH_SIZE)."""
    ids = sorted({int(i) for i in item_ids})
    found: set[int] = set()
    candidates = indexable_items() if among is None else among
    for start in range(0, len(ids), BATCH_SIZE):
        rows = list(candidates.filter(pk__in=ids[start : start + BATCH_SIZE]).values_list("pk", "path"))
        if not rows:
            continue
        structure = Structure.load(path for _pk, path in rows)
        for pk, path in rows:
            ancestry = structure.ancestry(path)
            if ancestry is not None and ancestry.live:
                found.add(pk)
    return found


def public_ids(item_ids: Iterable[int]) -> set[int]:
    """Those of ``item_ids`` that everyone may find now (the anonymous public's check)."""
    return indexable_ids(item_ids, among=public_items())


def is_indexable(item: DisclosureItemPage, structure: Structure | None = None) -> bool:
    """Published (so not revoked), and under live regions, unit and
    catalogue nodes; of any scope (the entry carries it)."""
    if not item.live or item.scope not in Scope.values:
        return False
    structure = structure or Structure.load([item.path])
    ancestry = structure.ancestry(item.path)
    return ancestry is not None and ancestry.live


def _build(item: DisclosureItemPage, ancestry: _Ancestry, attachments_text: str) -> IndexDocument:
    level1, level2, level3 = ancestry.levels
    region_path = [region.title for region in ancestry.regions]
    published = item.first_published_at or item.last_published_at or EPOCH
    return IndexDocument(
        id=item.pk,
        title=item.title,
        body=html_to_text(item.body),
        tables_text=item.tables_text(),
        attachments_text=attachments_text,
        region=region_path[-1] if region_path else "",
        region_path=region_path,
        unit=ancestry.unit.title,
        unit_path="/".join([*region_path, ancestry.unit.title]),
        catalog_code=level3.code,
        level1=level1.title,
        level2=level2.title,
        level3=level3.title,
        year=item.year,
        period=item.period_label,
        time_limit=level3.time_limit,
        doc_number=item.doc_number,
        published_at=published,
        url=item.url or "",
        scope=item.scope,
        tree_path=item.path,
    )


def document_for_item(item: DisclosureItemPage, *, extract: bool = False) -> IndexDocument | None:
    """The item's document, or None when it must not be indexed."""
    return next(iter(documents_for_items([item], extract=extract)), None)


def documents_for_items(
    items: Iterable[DisclosureItemPage], *, structure: Structure | None = None, extract: bool = False
) -> list[IndexDocument]:
    """Documents for the indexable ones among ``items`` (one batch)."""
    items = list(items)
    if not items:
        return []
    structure = structure or Structure.load(item.path for item in items)
    kept: list[tuple[DisclosureItemPage, _Ancestry]] = []
    for item in items:
        if not item.live or item.scope not in Scope.values:
            continue
        ancestry = structure.ancestry(item.path)
        if ancestry is not None and ancestry.live:
            kept.append((item, ancestry))
    texts = attachment_texts([item.pk for item, _ in kept], extract=extract) if kept else {}
    return [_build(item, ancestry, texts.get(item.pk, "")) for item, ancestry in kept]


def documents_for_ids(item_ids: Iterable[int], *, extract: bool = False) -> list[IndexDocument]:
    """Documents for those of ``item_ids`` that are indexable; the others
    (unpublished, internal, deleted) are simply not in the result."""
    ids = sorted({int(i) for i in item_ids})
    docs: list[IndexDocument] = []
    for start in range(0, len(ids), BATCH_SIZE):
        batch = indexable_items().filter(pk__in=ids[start : start + BATCH_SIZE])
        docs.extend(documents_for_items(batch, extract=extract))
    return docs


def count_indexable_candidates() -> int:
    return indexable_items().count()


def iter_documents(*, extract: bool = False, batch_size: int = BATCH_SIZE) -> Iterator[IndexDocument]:
    """Every indexable item's document, for a rebuild or a check.

    The structure is loaded once; items are read in primary-key order, one
    batch at a time (keyset pagination: no OFFSET scans, and memory stays flat).
    """
    structure = Structure.load()
    last = 0
    while True:
        batch = list(indexable_items().filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        last = batch[-1].pk
        yield from documents_for_items(batch, structure=structure, extract=extract)


# --- attachments ---------------------------------------------------------------------


def attachment_texts(item_ids: list[int], *, extract: bool = False) -> dict[int, str]:
    """item id -> text of its 主动公开 attachments (the only ones the public
    may download). With ``extract``, attachments without text yet get it from
    their PDF or DOCX file, stored back so it is extracted once."""
    attachments = (
        # own_unit_attachments: a document of another unit that an item points at is never its text.
        own_unit_attachments(ItemAttachment.objects.filter(page_id__in=item_ids, attribute=AttachmentAttribute.ACTIVE))
        .select_related("document")
        .order_by("page_id", "sort_order", "pk")
    )
    by_item: dict[int, list[str]] = defaultdict(list)
    for attachment in attachments:
        text = attachment.extracted_text
        if not text and extract:
            text = extract_document_text(attachment.document)
            if text:
                # A queryset update: no save() side effects (revisions, signals),
                # and a concurrent extraction of the same file does no harm.
                ItemAttachment.objects.filter(pk=attachment.pk, extracted_text="").update(extracted_text=text)
        if text:
            by_item[attachment.page_id].append(text)
    return {item_id: "\n".join(parts) for item_id, parts in by_item.items()}


def extract_document_text(document) -> str:
    """Plain text of a Wagtail document (PDF, DOCX, TXT); "" when the file
    has none (a scan) or cannot be read. Never raises: a broken attachment
    must not keep its item out of the index."""
    name = getattr(document.file, "name", "") or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in {".pdf", ".docx", ".txt"}:
        return ""
    try:
        if document.file.size > MAX_ATTACHMENT_BYTES:
            logger.info("attachment %s too large to extract (%s bytes)", name, document.file.size)
            return ""
        with document.file.open("rb") as fh:
            data = fh.read(MAX_ATTACHMENT_BYTES + 1)  # the stored size may not be the file's
        if len(data) > MAX_ATTACHMENT_BYTES:
            logger.info("attachment %s too large to extract", name)
            return ""
        extract = {".pdf": pdf_text, ".docx": docx_text, ".txt": plain_text}[suffix]
        text = extract(data)
    except ExtractionRefused as exc:
        logger.warning("attachment %s not extracted: %s", name, exc)
        return ""
    except Exception:  # noqa: BLE001 - any parser error: index the item without this file
        logger.warning("could not extract text from attachment %s", name, exc_info=True)
        return ""
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return text[:MAX_ATTACHMENT_CHARS]


class ExtractionRefused(ValueError):
    """The attachment is over a limit: indexed without its text."""


def pdf_text(data: bytes) -> str:
    """Text of the first pages, stopping at MAX_EXTRACT_SECONDS (checked
    between pages; pypdf bounds what a single stream may inflate to)."""
    from pypdf import PdfReader

    deadline = time.monotonic() + MAX_EXTRACT_SECONDS
    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        if time.monotonic() >= deadline:
            logger.info("PDF text extraction stopped at the time limit after %d page(s)", len(parts))
            break
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_ATTACHMENT_CHARS:
            break
    return "\n".join(parts)


def check_zip_sizes(data: bytes) -> None:
    """Refuse a zip (DOCX) whose members would inflate past the limits, from
    the sizes in its directory, before anything is decompressed. A directory
    that understates a size gains nothing: zipfile reads a member only up to
    its declared size and then fails on the checksum."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    total = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if total > MAX_INFLATED_BYTES or xml > MAX_INFLATED_XML_BYTES:
        raise ExtractionRefused(f"inflates to {total:,} bytes ({xml:,} of XML), over the limit")


def docx_text(data: bytes) -> str:
    import docx

    check_zip_sizes(data)
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def plain_text(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")
