"""Checking the archive: every record's hash, each unit's chain, the attachments' files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from wagtail.documents import get_document_model

from disclosure_pages.models import UnitPage

from .models import ArchiveChainHead, ArchiveRecord

CHUNK = 1024 * 1024


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
    problems: list[Problem] = field(default_factory=list)

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


def verify_archive(
    *, unit: UnitPage | None = None, check_files: bool = True, progress: Callable[[int], None] = lambda n: None
) -> Verification:
    """Recompute each record's content_hash, follow each unit's chain (prev_hash, 顺序号, chain head)
    and re-hash each attachment's file. Reads only; reports, never repairs."""
    result = Verification()
    records = ArchiveRecord.objects.order_by("unit_id", "chain_index")
    heads = ArchiveChainHead.objects.all()
    if unit is not None:
        records = records.filter(unit=unit)
        heads = heads.filter(unit=unit)
    head_by_unit = {head.unit_id: head for head in heads}
    documents = get_document_model()
    storages: dict[int, object] = {}

    current_unit = None
    previous: ArchiveRecord | None = None
    seen_units: set[int] = set()

    def close_unit(last: ArchiveRecord | None) -> None:
        if last is None:
            return
        head = head_by_unit.get(last.unit_id)
        if head is None:
            result.problems.append(Problem(last.unit_path, last.number, "找不到本单位的归档链头记录"))
        elif head.length != last.chain_index or head.head_hash != last.content_hash:
            result.problems.append(
                Problem(
                    last.unit_path,
                    last.number,
                    f"链条末端不符：链头记载共 {head.length} 条，最后一条应为第 {head.length} 条，"
                    f"实际最后一条为第 {last.chain_index} 条（其后的记录被删除或改动）",
                )
            )

    for record in records.iterator(chunk_size=500):
        if record.unit_id != current_unit:
            close_unit(previous)
            current_unit, previous = record.unit_id, None
            seen_units.add(record.unit_id)
        result.records += 1
        if record.compute_hash() != record.content_hash:
            result.problems.append(Problem(record.unit_path, record.number, "内容与校验值不符（记录被改动）"))
        expected_index = previous.chain_index + 1 if previous else 1
        expected_prev = previous.content_hash if previous else ""
        if record.chain_index != expected_index:
            missing = f"第 {expected_index}–{record.chain_index - 1} 条" if record.chain_index > expected_index else ""
            result.problems.append(
                Problem(
                    record.unit_path,
                    record.number,
                    f"链条断裂：本条为第 {record.chain_index} 条，应为第 {expected_index} 条"
                    + (f"（{missing}记录缺失）" if missing else ""),
                )
            )
        if record.prev_hash != expected_prev:
            result.problems.append(
                Problem(
                    record.unit_path, record.number, "链条断裂：前一记录的校验值与本条记载不符（前一记录被删除或改动）"
                )
            )
        if check_files:
            for entry in record.attachments or []:
                result.attachments += 1
                if entry.get("missing"):
                    result.problems.append(
                        Problem(record.unit_path, record.number, f"附件“{entry.get('title')}”归档时文件已缺失")
                    )
                    continue
                doc_id = entry.get("document")
                if doc_id not in storages:
                    document = documents.objects.filter(pk=doc_id).first()
                    storages[doc_id] = document.file.storage if document is not None else default_storage
                try:
                    digest = _sha256(storages[doc_id], entry["file"])
                except (FileNotFoundError, OSError):
                    result.problems.append(
                        Problem(
                            record.unit_path, record.number, f"附件“{entry.get('title')}”的文件缺失：{entry['file']}"
                        )
                    )
                    continue
                if digest != entry.get("sha256"):
                    result.problems.append(
                        Problem(
                            record.unit_path,
                            record.number,
                            f"附件“{entry.get('title')}”的校验值不符（文件被替换或改动）",
                        )
                    )
        previous = record
        if result.records % 1000 == 0:
            progress(result.records)
    close_unit(previous)

    # A unit whose every record was deleted still has a chain head.
    for unit_id, head in head_by_unit.items():
        if unit_id not in seen_units and head.length:
            path = UnitPage.objects.filter(pk=unit_id).first()
            result.problems.append(
                Problem(path.unit_path if path else str(unit_id), "—", f"链头记载 {head.length} 条记录，现已全部缺失")
            )
    result.units = len(seen_units | set(head_by_unit))
    result.problems.extend(_unfiled_publications(unit))
    return result


def _unfiled_publications(unit: UnitPage | None) -> list[Problem]:
    """Live items whose live revision has no record: a publication that escaped filing
    (e.g. published outside a transaction while filing failed)."""
    from disclosure_pages.models import DisclosureItemPage

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
