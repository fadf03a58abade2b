"""Writes of the approval form (审批表) and the archive (归档).

The approval form's writes are the review app's (review/services.py, re-exported here for
the archive's callers); the archive closes the form when it files the publication.

- `archive_publication(...)`: file a publication (called from the `page_published` handler).
- `archive_revocation(...)`: file a revocation (撤消) by a supervisor.
- `archive_imported(items)`: file items brought in by an import, inside the import's transaction.

Filing copies every attachment into the archive's own store (archive/store.py) and signs
the unit's chain head (archive/signing.py) in the filing's transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page, Revision

from disclosure_pages.choices import Retention
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, UnitPage
from review.models import ApprovalForm
from review.services import (  # noqa: F401  (re-exported: the archive's callers and tests use them)
    approval_form_close,
    approval_form_for,
    approval_form_record_leader,
    approval_form_record_proposal,
    approval_form_record_review,
    approval_form_record_submission,
    platforms_from_text,
)

from . import signing
from .choices import (
    ITEM_KINDS,
    RecordKind,
    choice_value,
)
from .models import ArchiveChainHead, ArchiveRecord, RecordRendering, SignedHead
from .store import archive_store

logger = logging.getLogger(__name__)



def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# Archive -------------------------------------------------------------------------------------


def _plain_json(value: Any) -> Any:
    """What a JSONField gives back after a round trip, so the hash taken now matches the hash recomputed later."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def store_file(file_field) -> tuple[str, int]:
    """Copy a live file into the archive store: (sha256, size); the record names the copy by its hash."""
    with file_field.storage.open(file_field.name, "rb") as handle:
        return archive_store().put(handle)


def attachment_entries(source: DisclosureItemPage) -> list[dict[str, Any]]:
    """Each attachment as filed; its bytes are copied into the archive store under their SHA-256."""
    entries = []
    for attachment in source.attachments.all():
        document = attachment.document
        entry = {
            "document": document.pk,
            "title": document.title,
            "file": document.file.name,
            "doc_number": attachment.doc_number,
            "attribute": attachment.attribute,
            "reason": attachment.reason,
            "sha256": "",
            "size": 0,
        }
        try:
            entry["sha256"], entry["size"] = store_file(document.file)
        except (FileNotFoundError, OSError, ValueError):
            # Filed anyway (nothing published goes unfiled); verify_archive reports the missing file.
            logger.warning("归档时附件文件缺失：%s", document.file.name)
            entry["missing"] = True
        entries.append(entry)
    return entries


def render_content_html(source: DisclosureItemPage, *, unit: UnitPage | None) -> str:
    return render_to_string("archive/record_content.html", {"page": source, "unit": unit})


def _lock_chain(unit: UnitPage) -> ArchiveChainHead:
    """Lock the unit's chain head for this transaction.

    An UPDATE comes first on purpose: on PostgreSQL it takes the row lock, on SQLite it
    takes the database write lock before anything is read, so two publications of one
    unit can never read the same head and hand out the same 件号.
    """
    for _attempt in range(3):
        if ArchiveChainHead.objects.filter(pk=unit.pk).update(updated_at=timezone.now()):
            return ArchiveChainHead.objects.select_for_update().get(pk=unit.pk)
        try:
            with transaction.atomic():
                return ArchiveChainHead.objects.create(unit=unit)
        except IntegrityError:
            continue  # created concurrently: lock it on the next pass
    raise RuntimeError("无法锁定归档链，请重试。")


class Filing:
    """Caches for filing within one transaction: chain heads stay locked until it ends,
    so a batch (an import of hundreds of items) locks each unit once, and looks each
    unit and catalogue node up once."""

    def __init__(self, *, defer_heads: bool = False) -> None:
        self.heads: dict[int, ArchiveChainHead] = {}
        self.sequences: dict[tuple[int, int], int] = {}
        self.units: dict[str, UnitPage | None] = {}
        self.nodes: dict[str, tuple[CatalogNodePage | None, list[str]]] = {}
        # A batch writes each locked head once, at the end (flush_heads), not once per record.
        self.defer_heads = defer_heads
        self.moved_heads: set[int] = set()
        self.unit_paths: dict[int, str] = {}

    def head(self, unit: UnitPage) -> ArchiveChainHead:
        if unit.pk not in self.heads:
            self.heads[unit.pk] = _lock_chain(unit)
        return self.heads[unit.pk]

    def next_sequence(self, unit: UnitPage, year: int) -> int:
        key = (unit.pk, year)
        if key not in self.sequences:
            last = ArchiveRecord.objects.filter(unit=unit, year=year).aggregate(n=Max("sequence"))["n"]
            self.sequences[key] = last or 0
        self.sequences[key] += 1
        return self.sequences[key]

    def head_moved(self, head: ArchiveChainHead, unit_path: str) -> None:
        self.unit_paths[head.pk] = unit_path
        if self.defer_heads:
            self.moved_heads.add(head.pk)
        else:
            self._save_and_sign(head)

    def flush_heads(self) -> None:
        for pk in sorted(self.moved_heads):
            self._save_and_sign(self.heads[pk])
        self.moved_heads.clear()

    def _save_and_sign(self, head: ArchiveChainHead) -> None:
        head.save(update_fields=["head_hash", "length", "updated_at"])
        sign_chain_head(unit_id=head.pk, unit_path=self.unit_paths[head.pk], length=head.length, head_hash=head.head_hash)

    @staticmethod
    def _prefixes(path: str) -> list[str]:
        step = Page.steplen
        return [path[:end] for end in range(step, len(path), step)]

    def unit_of(self, page: Page) -> UnitPage | None:
        prefixes = self._prefixes(page.path)
        for prefix in prefixes:
            if prefix in self.units and self.units[prefix] is not None:
                return self.units[prefix]
        unit = UnitPage.objects.filter(path__in=prefixes).first()
        if unit is not None:
            self.units[unit.path] = unit
        return unit

    def node_of(self, page: Page) -> tuple[CatalogNodePage | None, list[str]]:
        parent_path = page.path[: -Page.steplen]
        if parent_path not in self.nodes:
            chain = list(CatalogNodePage.objects.filter(path__in=self._prefixes(page.path)).order_by("depth"))
            node = chain[-1] if chain and chain[-1].path == parent_path else None
            self.nodes[parent_path] = (node, [n.title for n in chain])
        return self.nodes[parent_path]


def _append(*, filing: Filing, unit: UnitPage, year: int, **fields: Any) -> ArchiveRecord:
    head = filing.head(unit)
    sequence = filing.next_sequence(unit, year)
    record = ArchiveRecord(
        unit=unit,
        unit_path=unit.unit_path,
        year=year,
        sequence=sequence,
        number=f"{year}-{sequence:04d}",
        chain_index=head.length + 1,
        prev_hash=head.head_hash,
        created_at=timezone.now(),
        **fields,
    )
    record.content = _plain_json(record.content)
    record.approval_snapshot = _plain_json(record.approval_snapshot)
    record.attachments = _plain_json(record.attachments)
    record.content_hash = record.compute_hash()
    record.save()
    head.head_hash = record.content_hash
    head.length = record.chain_index
    filing.head_moved(head, record.unit_path)
    return record


def sign_chain_head(*, unit_id: int, unit_path: str, length: int, head_hash: str) -> SignedHead:
    """Sign a unit's chain head (call it with the unit's ArchiveChainHead locked, as filing does).

    The signature also covers the unit's previous signature; after the commit the signed head
    is appended to the witness log outside the database (archive/signing.py explains why).
    Without a signing key this raises, and the filing, and the publication, fail with it.
    """
    last = SignedHead.objects.filter(unit_id=unit_id).order_by("-sequence").first()
    signed = SignedHead(
        unit_id=unit_id,
        unit_path=unit_path,
        sequence=last.sequence + 1 if last else 1,
        length=length,
        head_hash=head_hash,
        prev=signing.chain_link(last.signature) if last else "",
        signed_at=timezone.now(),
    )
    signed.signature, signed.key_id = signing.sign(signed.message())
    signed.save()
    entry = signed.witness_entry()
    transaction.on_commit(lambda: signing.witness_log().append(entry))
    return signed


def _file(
    *,
    item: DisclosureItemPage,
    revision: Revision | None,
    kind: str,
    user,
    published_at,
    year: int,
    form: ApprovalForm | None = None,
    reason: str = "",
    source: DisclosureItemPage | None = None,
    filing: Filing | None = None,
) -> ArchiveRecord:
    filing = filing or Filing()
    if source is None:
        source = revision.as_object() if revision is not None else item
    unit = filing.unit_of(item)
    if unit is None:
        raise ValidationError("公开事项不在任何单位之下，无法归档。")
    node, names = filing.node_of(item)
    # The archive template asks the page for its unit and node: answer from the cache.
    source.__dict__["unit"] = unit
    source.__dict__["catalog_node"] = node
    return _append(
        filing=filing,
        unit=unit,
        year=year,
        kind=kind,
        item=item,
        item_ref=item.pk,
        revision=revision,
        revision_ref=revision.pk if revision is not None else None,
        content=revision.content if revision is not None else {},
        content_html=render_content_html(source, unit=unit),
        approval_form=form,
        approval_form_ref=form.pk if form is not None else None,
        approval_snapshot=form.snapshot() if form is not None else None,
        attachments=attachment_entries(source),
        published_at=published_at,
        reason=reason,
        actor=user if getattr(user, "pk", None) else None,
        actor_ref=user.pk if getattr(user, "pk", None) else None,
        actor_name=person_name(user) if getattr(user, "pk", None) else "",
        title=source.title[:255],
        catalog_code=node.code if node else "",
        catalog_level1=names[0] if names else "",
        catalog_path=" / ".join(names)[:800],
        period_label=source.period_label,
        scope=source.scope,
        retention=node.retention if node else Retention.Y30,
    )


@transaction.atomic
def archive_publication(
    *, item: DisclosureItemPage, revision: Revision | None, user, kind: str = RecordKind.PUBLICATION
) -> ArchiveRecord:
    """File a publication: the revision's content (JSON + HTML), the approval form as it stood
    (which is closed: the next publication gets a new one), attachments' SHA-256, 件号 and chain hash.

    Called from the `page_published` handler inside the publishing transaction: if filing
    fails, the publication fails with it.
    """
    item = item.specific if type(item) is not DisclosureItemPage else item
    revision = revision or item.live_revision or item.latest_revision
    kind = choice_value(RecordKind, kind, field="kind")
    if kind == RecordKind.PUBLICATION and item.is_zero_report:
        kind = RecordKind.ZERO_REPORT
    published_at = item.last_published_at or item.first_published_at or timezone.now()
    form = None
    if kind != RecordKind.IMPORT:
        source = revision.as_object() if revision is not None else item
        form = approval_form_close(item=item, source=source, revision=revision, user=user)
    record = _file(
        item=item,
        revision=revision,
        kind=kind,
        user=user,
        published_at=published_at,
        year=timezone.localtime(published_at).year,
        form=form,
    )
    _render_after_commit(record)
    return record


def _last_filed_revision(item: DisclosureItemPage) -> Revision | None:
    if item.live_revision_id:
        return item.live_revision
    ref = (
        ArchiveRecord.objects.filter(item_ref=item.pk, revision_ref__isnull=False, kind__in=ITEM_KINDS)
        .exclude(kind=RecordKind.REVOCATION)
        .order_by("-chain_index")
        .values_list("revision_ref", flat=True)
        .first()
    )
    revision = Revision.objects.filter(pk=ref).first() if ref else None
    return revision or item.latest_revision


@transaction.atomic
def archive_revocation(*, item: DisclosureItemPage, user, reason: str) -> ArchiveRecord:
    """File a revocation (撤消): the last published content, the reason, who and when.

    Works before or after the item is unpublished (call it in the same transaction).
    """
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "撤消须说明理由。"})
    item = item.specific if type(item) is not DisclosureItemPage else item
    revision = _last_filed_revision(item)
    now = timezone.now()
    record = _file(
        item=item,
        revision=revision,
        kind=RecordKind.REVOCATION,
        user=user,
        published_at=item.last_published_at or item.first_published_at or now,
        year=timezone.localtime(now).year,
        reason=text,
    )
    _render_after_commit(record)
    return record


@transaction.atomic
def archive_document(
    *,
    unit: UnitPage,
    kind: str,
    ref: int,
    title: str,
    content: dict[str, Any],
    template: str,
    filed_at,
    actor=None,
    reason: str = "",
    scope: str = "",
    retention: str = Retention.Y30,
    item: DisclosureItemPage | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> ArchiveRecord:
    """File a record that is not a publication of an item (a 报备/报批, a request and its handling, feedback,
    inspection materials, a 通报): `content` (plain JSON: what the record says) is kept as data and rendered
    through `template` (context: `c` = content, `unit`) as the record's text, in the unit's chain like any
    record, its PDF rendered after the commit. `ref` is the source object's id (kept if it is deleted);
    `filed_at` is when the thing being filed was concluded (it dates the record and gives its year).
    `attachments`: entries already copied into the archive store (`store_file`), each with title, file,
    sha256 and size."""
    has_actor = getattr(actor, "pk", None) is not None
    record = _append(
        filing=Filing(),
        unit=unit,
        year=timezone.localtime(filed_at).year,
        kind=kind,
        item=item,
        item_ref=ref,
        content=content,
        content_html=render_to_string(template, {"c": content, "unit": unit}),
        published_at=filed_at,
        reason=reason,
        actor=actor if has_actor else None,
        actor_ref=actor.pk if has_actor else None,
        actor_name=person_name(actor) if has_actor else "",
        title=title[:255],
        scope=scope,
        retention=retention,
        attachments=attachments or [],
    )
    _render_after_commit(record)
    return record


def archive_filing(*, filing: Any) -> ArchiveRecord:
    """File a superior's decision on a 报备/报批 (review's `filing_decided`): what was sent up, by whom,
    the answer and its reason, and every step, in the unit's chain like any record."""
    obj = filing.subject_object
    events = [
        {"action": event.get_action_display(), "actor": person_name(event.actor), "at": timezone.localtime(event.at).isoformat(timespec="minutes"), "text": event.text}
        for event in filing.events.select_related("actor").order_by("at", "pk")
    ]
    content = {
        "number": filing.number,
        "kind": filing.get_kind_display(),
        "subject": filing.get_subject_display(),
        "superior": filing.superior.title,
        "title": filing.title,
        "statement": filing.statement,
        "details": filing.details,
        "state": filing.get_state_display(),
        "reason": filing.reason,
        "due_date": filing.due_date.isoformat(),
        "events": events,
    }
    return archive_document(
        unit=filing.unit,
        kind=RecordKind.FILING,
        ref=filing.pk,
        title=f"{filing.get_kind_display()}·{filing.get_subject_display()}：{filing.title}",
        content=content,
        template="archive/filing_content.html",
        filed_at=filing.decided_at or timezone.now(),
        actor=filing.decided_by,
        reason=filing.reason,
        item=obj if isinstance(obj, DisclosureItemPage) else None,
    )


def _render_after_commit(record: ArchiveRecord) -> None:
    # Imports file hundreds of records at once: theirs are rendered at first use or by archive_render.
    from .tasks import enqueue_render

    transaction.on_commit(lambda: enqueue_render([record.pk]))


# Rendered PDFs (once per record) --------------------------------------------------------------


def _needs(record: ArchiveRecord, have: set[tuple[int, str]]) -> list[str]:
    kinds = ["record"] + (["approval_form"] if record.approval_snapshot else [])
    return [kind for kind in kinds if (record.pk, kind) not in have]


def render_records(records: list[ArchiveRecord]) -> int:
    """Render and store the PDFs of the records that have none yet; returns how many records were rendered.

    Each PDF goes into the archive store under its SHA-256 and gets a RecordRendering row; a
    record rendered meanwhile by another process keeps the first rendering.
    """
    from pypdf import PdfReader

    from .pdf import record_printouts

    have = set(RecordRendering.objects.filter(record__in=records).values_list("record_id", "kind"))
    todo = [record for record in records if _needs(record, have)]
    if not todo:
        return 0
    store = archive_store()
    for printout in record_printouts(todo, with_record_pdf=True):
        for kind in _needs(printout.record, have):
            data = printout.pdf if kind == "record" else printout.approval_form_pdf
            if data is None:
                continue
            sha, size = store.put(io.BytesIO(data))
            pages = printout.pages if kind == "record" else len(PdfReader(io.BytesIO(data)).pages)
            try:
                with transaction.atomic():
                    RecordRendering.objects.create(
                        record=printout.record, kind=kind, sha256=sha, size=size, pages=pages
                    )
            except IntegrityError:
                pass  # rendered concurrently: the first one stays
    return len(todo)


def stored_pdf(record: ArchiveRecord, kind: str = "record") -> bytes:
    """A record's PDF as rendered once (rendering it now if it never was); FileNotFoundError when its stored
    file is gone (verify_archive reports that; it is not silently rendered again)."""
    rendering = RecordRendering.objects.filter(record=record, kind=kind).first()
    if rendering is None:
        render_records([record])
        rendering = RecordRendering.objects.filter(record=record, kind=kind).first()
        if rendering is None:
            raise FileNotFoundError(f"{record.number} 没有{dict(RecordRendering.KINDS)[kind]}")
    return archive_store().read(rendering.sha256)


@transaction.atomic
def archive_imported(items: Iterable[DisclosureItemPage]) -> list[ArchiveRecord]:
    """File items brought in by an import or the demo (kind 历史导入), skipping any already filed.

    Call it inside the import's transaction, so that an import that cannot be filed is not kept.
    """
    items = list(items)
    done = set(
        ArchiveRecord.objects.filter(item_ref__in=[item.pk for item in items], kind__in=ITEM_KINDS)
        .exclude(kind=RecordKind.REVOCATION)
        .values_list("item_ref", flat=True)
    )
    filing = Filing(defer_heads=True)
    records = []
    for item in items:
        if item.pk in done or not item.live:
            continue
        item = item.specific if type(item) is not DisclosureItemPage else item
        revision = item.live_revision or item.latest_revision
        published_at = item.first_published_at or item.last_published_at or timezone.now()
        records.append(
            _file(
                item=item,
                revision=revision,
                kind=RecordKind.IMPORT,
                user=revision.user if revision is not None and revision.user_id else None,
                published_at=published_at,
                year=timezone.localtime(published_at).year,
                # An imported item is its one revision: no need to rebuild it from JSON.
                source=item if revision is None or revision.pk == item.latest_revision_id else None,
                filing=filing,
            )
        )
    filing.flush_heads()
    return records


def archive_imported_ids(item_ids: Iterable[int]) -> list[ArchiveRecord]:
    """The `items_imported` signal's catch-all: file whatever the import did not file itself."""
    ids = list(item_ids)
    if not ids:
        return []
    filed = set(
        ArchiveRecord.objects.filter(item_ref__in=ids, kind__in=ITEM_KINDS).values_list("item_ref", flat=True)
    )
    missing = [pk for pk in ids if pk not in filed]
    if not missing:
        return []
    return archive_imported(DisclosureItemPage.objects.filter(pk__in=missing).order_by("path"))


# Upgrades: records filed before the archive signed heads or kept its own copies ----------------


def _chain_is_intact(unit_id: int, head: ArchiveChainHead) -> str:
    """"" when the unit's records hash and link up to its chain head, else what is wrong."""
    prev, index = "", 0
    for record in ArchiveRecord.objects.filter(unit_id=unit_id).order_by("chain_index").iterator(chunk_size=500):
        index += 1
        if record.chain_index != index or record.prev_hash != prev or record.compute_hash() != record.content_hash:
            return f"第 {record.chain_index} 条记录与归档链不符，请先运行 verify_archive 查明"
        prev = record.content_hash
    if index != head.length or prev != head.head_hash:
        return "归档链与链头不符，请先运行 verify_archive 查明"
    return ""


@transaction.atomic
def sign_unsigned_chains() -> tuple[int, list[tuple[str, str]]]:
    """Sign the head of every unit chain that was never signed (records filed before signing existed).

    Only chains with no signed head in the database *and* none in the witness log, and only
    when every record hashes and links up: a chain whose signed heads were deleted is
    never signed anew (verify_archive reports it). Returns (chains signed, [(unit, reason not signed)]).
    """
    witnessed = {entry.get("unit") for entry in signing.witness_log().entries()[0]}
    signed_units = set(SignedHead.objects.values_list("unit_id", flat=True).distinct())
    count, refused = 0, []
    for head in ArchiveChainHead.objects.filter(length__gt=0).exclude(unit_id__in=signed_units).order_by("unit_id"):
        unit = UnitPage.objects.get(pk=head.unit_id)
        if head.unit_id in witnessed:
            refused.append((unit.unit_path, "见证日志中已有本单位的签名，数据库中的签名链头被删除过"))
            continue
        head = _lock_chain(unit)
        problem = _chain_is_intact(unit.pk, head)
        if problem:
            refused.append((unit.unit_path, problem))
            continue
        sign_chain_head(unit_id=unit.pk, unit_path=unit.unit_path, length=head.length, head_hash=head.head_hash)
        count += 1
    return count, refused


class FillReport:
    def __init__(self) -> None:
        self.present = 0
        self.stored = 0
        self.lost: list[str] = []


def fill_archive_store(*, unit: UnitPage | None = None) -> FillReport:
    """Copy into the archive store the attachments of records filed before it existed, where the
    live file still has the SHA-256 the record names; report the rest (their original is lost)."""
    from wagtail.documents import get_document_model

    store = archive_store()
    documents = get_document_model()
    report = FillReport()
    seen: set[str] = set()
    records = ArchiveRecord.objects.order_by("unit_id", "chain_index")
    if unit is not None:
        records = records.filter(unit=unit)
    for record in records.iterator(chunk_size=500):
        for entry in record.attachments if isinstance(record.attachments, list) else []:
            sha = entry.get("sha256") or "" if isinstance(entry, dict) else ""
            if not sha or entry.get("missing") or sha in seen:
                continue
            seen.add(sha)
            if store.exists(sha):
                report.present += 1
                continue
            document = documents.objects.filter(pk=entry.get("document")).first()
            storage = document.file.storage if document is not None else default_storage
            where = f"[{record.number}] {record.unit_path}：附件“{entry.get('title')}”"
            try:
                with storage.open(entry["file"], "rb") as handle:
                    digest = hashlib.sha256()
                    while chunk := handle.read(1024 * 1024):
                        digest.update(chunk)
                if digest.hexdigest() != sha:
                    report.lost.append(f"{where}的现行文件已与归档时不同，原件无法补存")
                    continue
                with storage.open(entry["file"], "rb") as handle:
                    store.put(handle)
            except (OSError, ValueError):
                report.lost.append(f"{where}的文件已缺失，原件无法补存：{entry.get('file')}")
                continue
            report.stored += 1
    return report
