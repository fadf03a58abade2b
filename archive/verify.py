"""Checking the archive: every record's hash, each unit's chain and its signatures, the witness log,
the approval forms, and the archive's own copies of the attachments.

What a forger with database access can and cannot do is in archive/signing.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import models
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision

from disclosure_pages.models import DisclosureItemPage, UnitPage

from . import signing
from .choices import ITEM_KINDS
from .models import HASH_VERSION, LINK_REFS, ApprovalForm, ArchiveChainHead, ArchiveRecord, RecordRendering, SignedHead
from .store import archive_store

CHUNK = 1024 * 1024
LINK_LABELS = {"item_id": "公开事项", "revision_id": "页面版本", "approval_form_id": "审批表", "actor_id": "操作人"}


@dataclass
class Problem:
    unit_path: str
    number: str
    message: str

    def __str__(self) -> str:
        return f"[{self.number}] {self.unit_path}：{self.message}"


@dataclass
class Verification:
    units: int = 0
    records: int = 0
    attachments: int = 0
    signatures: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Not problems of the archive: e.g. a live media file that no longer matches the filed original.
    notices: list[Problem] = field(default_factory=list)

    @property
    def bad_records(self) -> int:
        return len({(p.unit_path, p.number) for p in self.problems})

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


LINK_MODELS = {
    "item_id": DisclosureItemPage,
    "revision_id": Revision,
    "approval_form_id": ApprovalForm,
    "actor_id": None,  # the user model, looked up when needed
}


def _link_model(link: str):
    return LINK_MODELS[link] or get_user_model()


class _Checker:
    def __init__(self, result: Verification, *, check_files: bool, key) -> None:
        self.result = result
        self.check_files = check_files
        self.key = key
        self.key_id = signing.key_id(key) if key is not None else ""
        self.store = archive_store()
        self.documents = get_document_model()
        self.storages: dict[int, object] = {}
        self.live_digests: dict[str, str | None] = {}
        self.renderings: dict[int, dict[str, RecordRendering]] = {}

    def problem(self, record_or_path, number: str | None, message: str) -> None:
        if isinstance(record_or_path, ArchiveRecord):
            self.result.problems.append(Problem(record_or_path.unit_path, record_or_path.number, message))
        else:
            self.result.problems.append(Problem(record_or_path, number or "—", message))

    # One record ---------------------------------------------------------------------------
    def record(self, record: ArchiveRecord, previous: ArchiveRecord | None) -> None:
        if record.hash_version not in (1, HASH_VERSION):
            self.problem(record, None, f"校验算法版本 {record.hash_version} 无效")
        elif previous is not None and record.hash_version < previous.hash_version:
            self.problem(record, None, "校验算法版本比前一记录旧（记录被改写）")
        if record.compute_hash() != record.content_hash:
            self.problem(record, None, "内容与校验值不符（记录被改动）")
        expected_index = previous.chain_index + 1 if previous else 1
        expected_prev = previous.content_hash if previous else ""
        if record.chain_index != expected_index:
            missing = f"第 {expected_index}–{record.chain_index - 1} 条" if record.chain_index > expected_index else ""
            self.problem(
                record,
                None,
                f"链条断裂：本条为第 {record.chain_index} 条，应为第 {expected_index} 条"
                + (f"（{missing}记录缺失）" if missing else ""),
            )
        if record.prev_hash != expected_prev:
            self.problem(record, None, "链条断裂：前一记录的校验值与本条记载不符（前一记录被删除或改动）")
        self.links(record)
        self.approval_form(record)
        if self.check_files:
            self.attachments(record)
            self.rendered_pdfs(record)

    def rendered_pdfs(self, record: ArchiveRecord) -> None:
        """The PDFs rendered once for the record: one that was never made is a notice (made at first use
        or by archive_render); a stored one that is gone or changed is a problem."""
        rendered = self.renderings.get(record.pk, {})
        kinds = ["record"] + (["approval_form"] if record.approval_snapshot else [])
        labels = dict(RecordRendering.KINDS)
        missing = [labels[kind] for kind in kinds if kind not in rendered]
        if missing:
            self.result.notices.append(
                Problem(
                    record.unit_path,
                    record.number,
                    f"尚未生成{'、'.join(missing)}（首次下载或导出时生成，或运行 manage.py archive_render）",
                )
            )
        for kind, rendering in rendered.items():
            try:
                digest = self.store.digest(rendering.sha256)
            except (OSError, ValueError):
                self.problem(record, None, f"{labels.get(kind, kind)}的归档副本缺失（{rendering.sha256}）")
                continue
            if digest != rendering.sha256:
                self.problem(record, None, f"{labels.get(kind, kind)}的归档副本校验值不符（副本被改动）")

    def links(self, record: ArchiveRecord) -> None:
        for link, ref_name in LINK_REFS.items():
            if link == "item_id" and record.kind not in ITEM_KINDS:
                # A filed document's item_ref is the document's own id (a request's, a 报备's), not a page id;
                # its optional link to an item is a pointer for the reader, not part of what was filed.
                continue
            live, ref = getattr(record, link), getattr(record, ref_name)
            if record.hash_version == 1 and ref is None:
                continue  # filed before approval_form_ref / actor_ref existed
            label = LINK_LABELS[link]
            if live is not None and live != ref:
                self.problem(record, None, f"与“{label}”的关联被改动（归档时为 {ref}，现为 {live}）")
            elif live is None and ref is not None and _link_model(link).objects.filter(pk=ref).exists():
                self.problem(record, None, f"与“{label}”（编号 {ref}）的关联被断开，而该{label}仍然存在")

    def approval_form(self, record: ArchiveRecord) -> None:
        snapshot = record.approval_snapshot if isinstance(record.approval_snapshot, dict) else {}
        columns = snapshot.get("columns")
        if not record.approval_form_ref or not isinstance(columns, dict):
            return
        form = ApprovalForm.objects.filter(pk=record.approval_form_ref).first()
        if form is None:
            # Deleted with its item (CASCADE): the record keeps the form's snapshot. While the item
            # still exists, the form was deleted on its own: no view or service does that.
            item_id = columns.get("item_id") or record.item_ref
            if item_id and Page.objects.filter(pk=item_id).exists():
                self.problem(record, None, f"审批表（编号 {record.approval_form_ref}）已被删除，而其公开事项仍然存在")
            return
        live = _plain(form.columns())
        changed = []
        for name, filed in columns.items():
            if live.get(name) == filed:
                continue
            model_field = next((f for f in ApprovalForm._meta.concrete_fields if f.attname == name), None)
            if (
                isinstance(model_field, models.ForeignKey)
                and live.get(name) is None
                and not model_field.related_model._base_manager.filter(pk=filed).exists()
            ):
                continue  # a user or revision deleted since: the link was nulled, as on_delete says
            changed.append(model_field.verbose_name if model_field is not None else name)
        if changed:
            self.problem(record, None, f"审批表（编号 {form.pk}）在归档后被改动：{'、'.join(map(str, changed))}")

    def attachments(self, record: ArchiveRecord) -> None:
        entries = record.attachments
        if not isinstance(entries, list):
            self.problem(record, None, "附件清单格式不符")
            return
        for entry in entries:
            if not isinstance(entry, dict):
                self.problem(record, None, "附件清单格式不符")
                continue
            self.result.attachments += 1
            title = entry.get("title")
            if entry.get("missing"):
                self.problem(record, None, f"附件“{title}”归档时文件已缺失")
                continue
            sha = entry.get("sha256") or ""
            try:
                digest = self.store.digest(sha)
            except ValueError:
                self.problem(record, None, f"附件“{title}”没有有效的校验值")
                continue
            except OSError:
                self.problem(
                    record,
                    None,
                    f"附件“{title}”的归档副本缺失（{sha}）；归档副本启用前形成的记录请运行 manage.py archive_fill_store",
                )
            else:
                if digest != sha:
                    self.problem(record, None, f"附件“{title}”的归档副本校验值不符（副本被改动）")
            self.live_file(record, entry, sha)

    def live_file(self, record: ArchiveRecord, entry: dict, sha: str) -> None:
        """The live media file is not the archive's: a difference is a notice (what the public page now serves)."""
        if entry.get("source"):
            return  # not a document of a public page (an answer's attachment, kept privately): nothing public to compare
        name = entry.get("file") or ""
        if name not in self.live_digests:
            doc_id = entry.get("document")
            if doc_id not in self.storages:
                document = self.documents.objects.filter(pk=doc_id).first()
                self.storages[doc_id] = document.file.storage if document is not None else default_storage
            try:
                self.live_digests[name] = _sha256(self.storages[doc_id], name)
            except (OSError, ValueError):
                self.live_digests[name] = None
        live = self.live_digests[name]
        title = entry.get("title")
        if live is None:
            self.result.notices.append(
                Problem(record.unit_path, record.number, f"附件“{title}”的现行文件已不存在：{name}（归档副本另存，不受影响）")
            )
        elif live != sha:
            self.result.notices.append(
                Problem(
                    record.unit_path,
                    record.number,
                    f"附件“{title}”的现行文件与归档原件不同：{name}（归档副本另存，不受影响；公开页面提供的是现行文件）",
                )
            )

    # One unit's end and signatures --------------------------------------------------------
    def unit_end(
        self,
        last: ArchiveRecord,
        head: ArchiveChainHead | None,
        signed: list[SignedHead],
        chain: dict[int, tuple[str, str]],
    ) -> None:
        if head is None:
            self.problem(last, None, "找不到本单位的归档链头记录")
        elif head.length != last.chain_index or head.head_hash != last.content_hash:
            self.problem(
                last,
                None,
                f"链条末端不符：链头记载共 {head.length} 条，最后一条应为第 {head.length} 条，"
                f"实际最后一条为第 {last.chain_index} 条（其后的记录被删除或改动）",
            )
        if not signed:
            self.problem(last, None, "本单位的归档链没有签名（已签名的链头被删除，或记录未经归档服务写入）")
            return
        self.signatures(last.unit_path, signed)
        for one in signed:
            filed = chain.get(one.length)
            if filed is None:
                continue  # reported below as a chain shorter than its signed head
            content_hash, number = filed
            if content_hash != one.head_hash:
                self.problem(
                    last.unit_path,
                    number,
                    f"第 {one.length} 条记录与已签名的链头不符（第 {one.sequence} 次签名，{one.signed_at:%Y-%m-%d %H:%M}）："
                    "记录被改动、删除或重新计算过校验值",
                )
        latest = signed[-1]
        if last.chain_index < latest.length:
            self.problem(
                last,
                None,
                f"已签名的链头记载共 {latest.length} 条，现只有 {last.chain_index} 条（其后的记录被删除）",
            )
        for index in range(latest.length + 1, last.chain_index + 1):
            if index in chain:
                self.problem(
                    last.unit_path,
                    chain[index][1],
                    f"第 {index} 条记录没有签名（在最后一次签名之后写入，未经归档服务）",
                )

    def signatures(self, unit_path: str, signed: list[SignedHead]) -> None:
        previous = None
        for index, one in enumerate(signed, start=1):
            self.result.signatures += 1
            if one.sequence != index:
                self.problem(unit_path, None, f"签名链断裂：第 {index} 次签名缺失（现为第 {one.sequence} 次）")
            expected_prev = signing.chain_link(previous.signature) if previous else ""
            if one.prev != expected_prev:
                self.problem(unit_path, None, f"签名链断裂：第 {one.sequence} 次签名所记的前一签名不符（签名被删除或替换）")
            if previous is not None and one.length < previous.length:
                self.problem(unit_path, None, f"第 {one.sequence} 次签名的记录数比前一次少")
            if self.key is not None:
                if one.key_id != self.key_id:
                    self.problem(unit_path, None, f"第 {one.sequence} 次签名的公钥标识 {one.key_id} 不是受信任的公钥 {self.key_id}")
                elif not signing.verify(self.key, one.signature, one.message()):
                    self.problem(unit_path, None, f"第 {one.sequence} 次签名无效（签名内容被改动）")
            previous = one

    def witness(self, unit: UnitPage | None, signed_by_unit: dict[int, list[SignedHead]]) -> None:
        log = signing.witness_log()
        entries, bad = log.entries()
        for number in bad:
            self.problem(str(log.path), None, f"见证日志第 {number} 行无法读取")
        if unit is not None:
            entries = [entry for entry in entries if entry.get("unit") == unit.pk]
        if not entries and any(signed_by_unit.values()):
            self.problem(str(log.path), None, "见证日志缺失或为空，而数据库中有已签名的链头：无法确认签名链头未被整体删除")
            return
        for entry in entries:
            unit_id, sequence = entry.get("unit"), entry.get("sequence")
            path = entry.get("unit_path", str(unit_id))
            found = {one.sequence: one for one in signed_by_unit.get(unit_id, [])}.get(sequence)
            if found is None:
                self.problem(
                    path,
                    None,
                    f"见证日志记载的第 {sequence} 次签名（共 {entry.get('length')} 条记录）在数据库中缺失"
                    "（已签名的链头及其记录被删除）",
                )
            elif found.signature != entry.get("signature") or found.length != entry.get("length"):
                self.problem(path, None, f"第 {sequence} 次签名与见证日志的记载不符（签名链头被替换）")


def verify_archive(
    *,
    unit: UnitPage | None = None,
    check_files: bool = True,
    public_key_file: str | Path | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> Verification:
    """Recompute each record's content_hash, follow each unit's chain (prev_hash, 顺序号, chain head),
    check the signed heads (signatures, their chain, the witness log), the links and approval forms,
    and re-hash the archive's copy of each attachment. Reads only; reports, never repairs."""
    result = Verification()
    key = None
    try:
        key = signing.trusted_public_key(public_key_file)
    except (ImproperlyConfigured, OSError) as exc:
        result.problems.append(Problem("", "—", f"无法读取签名公钥：{exc}"))
    else:
        if key is None:
            result.problems.append(
                Problem("", "—", "未配置归档签名密钥，无法核验签名（可用 --public-key 指定公布的公钥）")
            )
    checker = _Checker(result, check_files=check_files, key=key)
    renderings = RecordRendering.objects.all() if unit is None else RecordRendering.objects.filter(record__unit=unit)
    for rendering in renderings:
        checker.renderings.setdefault(rendering.record_id, {})[rendering.kind] = rendering

    records = ArchiveRecord.objects.order_by("unit_id", "chain_index")
    heads = ArchiveChainHead.objects.all()
    signed_heads = SignedHead.objects.order_by("unit_id", "sequence")
    if unit is not None:
        records = records.filter(unit=unit)
        heads = heads.filter(unit=unit)
        signed_heads = signed_heads.filter(unit=unit)
    head_by_unit = {head.unit_id: head for head in heads}
    signed_by_unit: dict[int, list[SignedHead]] = {}
    for one in signed_heads:
        signed_by_unit.setdefault(one.unit_id, []).append(one)

    current_unit = None
    previous: ArchiveRecord | None = None
    chain: dict[int, tuple[str, str]] = {}
    seen_units: set[int] = set()

    def close_unit(last: ArchiveRecord | None) -> None:
        if last is not None:
            checker.unit_end(last, head_by_unit.get(last.unit_id), signed_by_unit.get(last.unit_id, []), chain)

    for record in records.iterator(chunk_size=500):
        if record.unit_id != current_unit:
            close_unit(previous)
            current_unit, previous = record.unit_id, None
            chain = {}
            seen_units.add(record.unit_id)
        result.records += 1
        checker.record(record, previous)
        chain[record.chain_index] = (record.content_hash, record.number)
        previous = record
        if result.records % 1000 == 0:
            progress(result.records)
    close_unit(previous)

    # A unit whose every record was deleted still has a chain head or signed heads.
    for unit_id in (set(head_by_unit) | set(signed_by_unit)) - seen_units:
        head, signed = head_by_unit.get(unit_id), signed_by_unit.get(unit_id, [])
        owner = UnitPage.objects.filter(pk=unit_id).first()
        path = owner.unit_path if owner else (signed[-1].unit_path if signed else str(unit_id))
        if head is not None and head.length:
            result.problems.append(Problem(path, "—", f"链头记载 {head.length} 条记录，现已全部缺失"))
        if signed and signed[-1].length:
            checker.signatures(path, signed)
            result.problems.append(Problem(path, "—", f"已签名的链头记载共 {signed[-1].length} 条，现已全部缺失"))
    checker.witness(unit, signed_by_unit)
    result.units = len(seen_units | set(head_by_unit) | set(signed_by_unit))
    result.problems.extend(_unfiled_publications(unit))
    return result


def _unfiled_publications(unit: UnitPage | None) -> list[Problem]:
    """Live items whose live revision has no record: a publication that escaped filing
    (e.g. published outside a transaction while filing failed)."""
    items = DisclosureItemPage.objects.live().exclude(live_revision__isnull=True)
    if unit is not None:
        items = items.descendant_of(unit)
    live = dict(items.values_list("live_revision_id", "pk"))
    records = ArchiveRecord.objects.all() if unit is None else ArchiveRecord.objects.filter(unit=unit)
    filed = set(records.exclude(revision_ref__isnull=True).values_list("revision_ref", flat=True))
    missing = [pk for revision_id, pk in live.items() if revision_id not in filed]
    problems = []
    for item in DisclosureItemPage.objects.filter(pk__in=missing).order_by("path"):
        owner = item.unit
        problems.append(
            Problem(
                owner.unit_path if owner else "",
                "未归档",
                f"已发布的事项“{item.title}”（编号 {item.pk}）的现行版本没有归档记录",
            )
        )
    return problems
