"""Writes of the approval form (审批表) and the archive (归档).

Part of the contract with the workflow in disclosure_pages:

- `approval_form_for(item)`: the open form of the item's next publication.
- `approval_form_record_submission(...)`: 填表人 and 提交时间 when the proposer submits (or resubmits).
- `approval_form_record_proposal(...)`: the proposer's 初步公开意见 / 初步保密意见 with reasons.
- `approval_form_record_review(...)`: 公开意见 / 保密审核 / 分管领导意见 by the reviewer.
- `approval_form_record_leader(...)`: 主要领导意见 by the leader.
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
import re
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

from . import signing
from .choices import (
    PLATFORM_SYNONYMS,
    DiscloseOpinion,
    FormState,
    LeaderOpinion,
    Platform,
    RecordKind,
    SecrecyOpinion,
    choice_value,
)
from .models import ApprovalForm, ArchiveChainHead, ArchiveRecord, RecordRendering, SignedHead
from .store import archive_store

logger = logging.getLogger(__name__)

PLATFORM_SPLIT = re.compile(r"[、，,；;/\s]+|或|和|及")


# Approval form -------------------------------------------------------------------------------


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def platforms_from_text(text: str) -> tuple[list[str], str, str]:
    """公开平台 wording ("文件、会议等") → (box values, 新媒体 name, 其他 text)."""
    labels = {label: value for value, label in Platform.choices}
    chosen: list[str] = []
    new_media: list[str] = []
    other: list[str] = []
    for word in PLATFORM_SPLIT.split(text or ""):
        word = word.strip().removesuffix("等").strip()
        if not word:
            continue
        value = labels.get(word) or PLATFORM_SYNONYMS.get(word)
        if value is None:
            value = Platform.OTHER
            other.append(word)
        elif value == Platform.NEW_MEDIA and word != Platform.NEW_MEDIA.label:
            new_media.append(word)
        if value not in chosen:
            chosen.append(value)
    order = list(Platform.values)
    chosen.sort(key=order.index)
    return chosen, "、".join(new_media), "、".join(other)


def _item_source(item: DisclosureItemPage) -> DisclosureItemPage:
    """The version of the item the form describes: its latest draft (what the reviewer sees)."""
    item = item.specific if type(item) is not DisclosureItemPage else item
    return item.get_latest_revision_as_object() if item.pk else item


def _editor_fields(source: DisclosureItemPage) -> dict[str, Any]:
    node = source.catalog_node
    unit = source.unit
    platforms, new_media, other = platforms_from_text(source.platforms)
    return {
        "department": unit.title if unit else "",
        "content": source.title,
        "disclosure_time": source.disclosure_time,
        "requirement": source.requirement,
        "method": source.method,
        "scope_text": (node.scope_text if node else "") or source.get_scope_display(),
        "platforms": platforms,
        "new_media_text": new_media,
        "platform_other": other,
    }


def _sync_open_form(form: ApprovalForm, source: DisclosureItemPage) -> ApprovalForm:
    """While a form is open its editor part follows the item; saved only on a change (keeps history short).

    填表人 is not taken from the item's revisions (a reviewer acting from the edit view would
    be named): it is the user who submits, recorded by approval_form_record_submission.
    """
    fields = _editor_fields(source)
    changed = [name for name, value in fields.items() if getattr(form, name) != value]
    if changed or form.pk is None:
        for name, value in fields.items():
            setattr(form, name, value)
        form.save()
    return form


@transaction.atomic
def approval_form_for(item: DisclosureItemPage) -> ApprovalForm:
    """The open approval form of the item's next publication, created on demand from the item's fields.

    While open, the editor's part (部门, 公开内容, 公开时间, 要求, 方式, 范围, 平台) follows the
    item's latest draft; opinions already recorded are kept.
    """
    source = _item_source(item)
    form = ApprovalForm.objects.select_for_update().filter(item_id=item.pk, state=FormState.OPEN).first()
    if form is None:
        try:
            with transaction.atomic():
                form = _sync_open_form(ApprovalForm(item_id=item.pk), source)
        except IntegrityError:
            # Another request opened it at the same moment (one open form per item is a constraint).
            form = ApprovalForm.objects.select_for_update().get(item_id=item.pk, state=FormState.OPEN)
            form = _sync_open_form(form, source)
        return form
    return _sync_open_form(form, source)


# The reviewer's and the leader's parts: cleared when the proposer submits again, so that the
# form of a publication carries the decisions that led to it (earlier ones stay in its history).
DECISION_FIELDS = {
    "disclose_opinion": "",
    "disclose_reason": "",
    "secrecy_opinion": "",
    "secrecy_reason": "",
    "prescreen_confirmed": False,
    "prescreen_reason": "",
    "reviewer": None,
    "reviewer_opinion": "",
    "reviewed_on": None,
    "reviewed_at": None,
    "leader": None,
    "leader_decision": "",
    "leader_opinion": "",
    "leader_on": None,
    "leader_at": None,
}


@transaction.atomic
def approval_form_record_submission(*, item: DisclosureItemPage, user) -> ApprovalForm:
    """The proposer submits (提出) or resubmits after a rejection: 填表人, 填表日期 and 提交时间.

    The decisions of an earlier round are cleared (kept in the form's history).
    """
    form = approval_form_for(item)
    now = timezone.now()
    form.filled_by = user if getattr(user, "pk", None) else None
    form.filled_on = timezone.localdate(now)
    form.submitted_at = now
    for name, value in DECISION_FIELDS.items():
        setattr(form, name, value)
    form.save()
    return form


@transaction.atomic
def approval_form_record_proposal(
    *,
    item: DisclosureItemPage,
    disclose_opinion: str,
    disclose_reason: str,
    secrecy_opinion: str,
    secrecy_reason: str,
) -> ApprovalForm:
    """The proposer's preliminary opinions (初步公开意见, 初步保密意见), each with its reason.

    Empty values are kept as they are (a draft may be saved half filled); the item's edit
    form requires them before submission.
    """
    form = approval_form_for(item)
    form.proposer_disclose_opinion = (
        choice_value(DiscloseOpinion, disclose_opinion, field="proposer_disclose_opinion") if disclose_opinion else ""
    )
    form.proposer_disclose_reason = (disclose_reason or "").strip()
    form.proposer_secrecy_opinion = (
        choice_value(SecrecyOpinion, secrecy_opinion, field="proposer_secrecy_opinion") if secrecy_opinion else ""
    )
    form.proposer_secrecy_reason = (secrecy_reason or "").strip()
    form.save()
    return form


def _required_reason(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}的理由。"})
    return text


@transaction.atomic
def approval_form_record_review(
    *,
    item: DisclosureItemPage,
    user,
    disclose_opinion: str,
    disclose_reason: str,
    secrecy_opinion: str,
    secrecy_reason: str,
    prescreen_confirmed: bool = False,
    prescreen_reason: str = "",
) -> ApprovalForm:
    """The reviewer (分管负责人) fills 公开意见, 保密审核 and signs 分管领导意见 with today's date.

    Opinions are values or labels of DiscloseOpinion (agree/同意, disagree/不同意) and
    SecrecyOpinion (pass/通过, fail/不通过, declassify/需脱密处理); both need a reason.
    """
    disclose = choice_value(DiscloseOpinion, disclose_opinion, field="disclose_opinion")
    secrecy = choice_value(SecrecyOpinion, secrecy_opinion, field="secrecy_opinion")
    disclose_text = _required_reason(disclose_reason, "disclose_reason", "公开意见")
    secrecy_text = _required_reason(secrecy_reason, "secrecy_reason", "保密审核")
    if prescreen_confirmed and not (prescreen_reason or "").strip():
        raise ValidationError({"prescreen_reason": "确认自动预审提示后仍予公开，须说明理由。"})
    form = approval_form_for(item)
    form.disclose_opinion = disclose
    form.disclose_reason = disclose_text
    form.secrecy_opinion = secrecy
    form.secrecy_reason = secrecy_text
    form.prescreen_confirmed = bool(prescreen_confirmed)
    form.prescreen_reason = (prescreen_reason or "").strip()
    form.reviewer = user
    verdict = "同意公开" if disclose == DiscloseOpinion.AGREE else "不同意公开"
    form.reviewer_opinion = f"{verdict}。{disclose_text}"
    form.reviewed_at = timezone.now()
    form.reviewed_on = timezone.localdate(form.reviewed_at)
    form.save()
    return form


@transaction.atomic
def approval_form_record_leader(*, item: DisclosureItemPage, user, opinion: str, reason: str) -> ApprovalForm:
    """The leader (主要负责人) signs 主要领导意见: opinion agree/同意 or disagree/不同意, with a reason."""
    decision = choice_value(LeaderOpinion, opinion, field="opinion")
    text = (reason or "").strip()
    if decision == LeaderOpinion.DISAGREE and not text:
        raise ValidationError({"reason": "不同意公开时须说明理由。"})
    form = approval_form_for(item)
    form.leader = user
    form.leader_decision = decision
    form.leader_opinion = f"{LeaderOpinion(decision).label}。{text}" if text else f"{LeaderOpinion(decision).label}。"
    form.leader_at = timezone.now()
    form.leader_on = timezone.localdate(form.leader_at)
    form.save()
    return form


def _close_form(
    *, item: DisclosureItemPage, source: DisclosureItemPage, revision: Revision | None, user=None
) -> ApprovalForm:
    form = ApprovalForm.objects.select_for_update().filter(item_id=item.pk, state=FormState.OPEN).first()
    if form is None:
        form = ApprovalForm(item_id=item.pk)
    _sync_open_form(form, source)
    if form.filled_by_id is None and getattr(user, "pk", None):
        # Published without a submission (an administrator's direct publication): who published.
        form.filled_by = user
    form.state = FormState.USED
    form.revision = revision
    form.used_at = timezone.now()
    form.save()
    return form


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
        form = _close_form(item=item, source=source, revision=revision, user=user)
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
        ArchiveRecord.objects.filter(item_ref=item.pk, revision_ref__isnull=False)
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
def archive_filing(*, filing: Any) -> ArchiveRecord:
    """File a superior's decision on a 报备/报批 (review's `filing_decided`): what was sent up, by whom,
    the answer and its reason, and every step, in the unit's chain like any record."""
    filing_unit = filing.unit
    obj = filing.subject_object
    item = obj if isinstance(obj, DisclosureItemPage) else None
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
    decided_at = filing.decided_at or timezone.now()
    record = _append(
        filing=Filing(),
        unit=filing_unit,
        year=timezone.localtime(decided_at).year,
        kind=RecordKind.FILING,
        item=item,
        item_ref=filing.pk,
        content=content,
        content_html=render_to_string("archive/filing_content.html", {"c": content, "unit": filing_unit}),
        published_at=decided_at,
        reason=filing.reason,
        actor=filing.decided_by,
        actor_ref=filing.decided_by.pk if filing.decided_by else None,
        actor_name=person_name(filing.decided_by) if filing.decided_by else "",
        title=f"{filing.get_kind_display()}·{filing.get_subject_display()}：{filing.title}"[:255],
        retention=Retention.Y30,
    )
    _render_after_commit(record)
    return record


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
        ArchiveRecord.objects.filter(item_ref__in=[item.pk for item in items])
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
    filed = set(ArchiveRecord.objects.filter(item_ref__in=ids).values_list("item_ref", flat=True))
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
