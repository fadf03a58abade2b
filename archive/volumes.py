"""Archive volumes (归档卷): a unit's year as a PDF 归档文件目录 and a ZIP in BagIt layout.

The bag (RFC 8493) holds, per record, `data/<件号>/`: record.json (every filed field with
its hashes), content.html, approval_form.pdf (when the record has a form) and attachments/
(the archive's own copies, archive/store.py, not the live media files);
data/归档文件目录.pdf and data/归档文件目录.csv (DA/T 22 columns, archive.pdf.CATALOGUE_COLUMNS); at the bag's root manifest-sha256.txt, tagmanifest-sha256.txt and
bag-info.txt naming the 单位 and 年度. The bag is validated with bagit before it is zipped.
Each record's PDFs were rendered once (at filing, or here the first time a record without them
is exported: archive.services.render_records) and are read from the archive store; the
catalogue's 页数 is the stored record PDF's; a stored PDF whose bytes no longer match its
SHA-256 is left out and named in the record's problems.txt. The bag holds the approval form's PDF
only (~20–30 KB with the archive's font, archive/fonts), not the record's full printout as well.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bagit

from disclosure_pages.models import UnitPage
from disclosure_pages.sanitising import sanitise_html

from .models import ArchiveRecord
from .pdf import catalogue_csv, catalogue_rows, volume_catalogue_pdf
from .selectors import records_for_unit_year, renderings_of
from .services import render_records
from .store import archive_store

Progress = Callable[[int, int, str], None]


class VolumeError(Exception):
    pass


@dataclass
class Volume:
    unit_path: str
    year: int
    records: int
    catalogue_path: Path
    csv_path: Path
    zip_path: Path
    valid: bool
    bag_files: int


def volume_name(unit: UnitPage, year: int) -> str:
    return f"{'-'.join(unit.path_names)}-{year}"


def record_json(record: ArchiveRecord) -> str:
    data = {"id": record.pk, **record.hashed_payload(), "content_hash": record.content_hash}
    data["retention_label"] = record.get_retention_display()
    data["kind_label"] = record.get_kind_display()
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def content_document(record: ArchiveRecord) -> str:
    """The record's content as a standalone HTML file of the bag, sanitised
    again on the way out: the record keeps what was filed (it is hashed), the
    exported copy carries no markup beyond the allow-list."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{record.number}</title></head><body>\n{sanitise_html(record.content_html)}\n</body></html>\n"
    )


def _safe_name(name: str) -> str:
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in name).strip() or "file"


def _copy_attachments(record: ArchiveRecord, folder: Path) -> list[str]:
    """Copy each attachment's archived copy into the bag; returns the problems (missing copies) for problems.txt."""
    problems = []
    if not record.attachments:
        return problems
    target = folder / "attachments"
    target.mkdir()
    store = archive_store()
    for index, entry in enumerate(record.attachments, start=1):
        name = f"{index:02d}-{_safe_name(Path(entry['file']).name)}"
        try:
            with store.open(entry.get("sha256") or "") as source, open(target / name, "wb") as out:
                shutil.copyfileobj(source, out)
        except (ValueError, OSError):
            problems.append(f"附件“{entry.get('title')}”的归档副本缺失：{entry['file']}")
    return problems


def _copy_verified(store, sha256: str, target: Path) -> bool:
    """Copy a stored file into the bag if its bytes still hash to `sha256`; a changed copy is left out
    (the bag's own manifest would otherwise vouch for bytes the archive never rendered)."""
    digest = hashlib.sha256()
    with store.open(sha256) as source, open(target, "wb") as out:
        while chunk := source.read(1 << 16):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        target.unlink()
        return False
    return True


def export_volume(
    *, unit: UnitPage, year: int, outdir: Path, progress: Progress = lambda done, total, message: None
) -> Volume:
    """Write `<单位>-<年度>-归档文件目录.pdf`, `…-归档文件目录.csv` and `<单位>-<年度>.zip` (a validated BagIt bag) into outdir."""
    records = list(records_for_unit_year(unit, year))
    if not records:
        raise VolumeError(f"“{unit.unit_path}”{year}年度没有归档记录。")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    name = volume_name(unit, year)
    total = len(records)
    pages: dict[int, int] = {}
    render_records(records)  # only those never rendered
    stored = renderings_of(records)
    store = archive_store()
    with tempfile.TemporaryDirectory(prefix="archive-volume-") as tmp:
        bag_dir = Path(tmp) / name
        bag_dir.mkdir()
        for done, record in enumerate(records, start=1):
            folder = bag_dir / record.number
            folder.mkdir()
            problems = _copy_attachments(record, folder)
            (folder / "record.json").write_text(record_json(record), encoding="utf-8")
            (folder / "content.html").write_text(content_document(record), encoding="utf-8")
            form_pdf = stored.get((record.pk, "approval_form"))
            if form_pdf is not None:
                try:
                    if not _copy_verified(store, form_pdf.sha256, folder / "approval_form.pdf"):
                        problems.append("审批表 PDF 的归档副本校验值不符，未放入本卷（verify_archive 可查）")
                except OSError:
                    problems.append("审批表 PDF 的归档副本缺失")
            if (record.pk, "record") in stored:
                pages[record.pk] = stored[(record.pk, "record")].pages
            if problems:
                (folder / "problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
            progress(done, total, record.number)
        catalogue = volume_catalogue_pdf(unit_path=unit.unit_path, year=year, records=records, pages=pages)
        (bag_dir / "归档文件目录.pdf").write_bytes(catalogue)
        table = catalogue_csv(catalogue_rows(records, pages))
        (bag_dir / "归档文件目录.csv").write_bytes(table)
        bag = bagit.make_bag(
            str(bag_dir),
            bag_info={
                "Source-Organization": unit.unit_path,
                "External-Identifier": name,
                "External-Description": f"{unit.unit_path} {year}年度党务公开归档文件，共 {total} 件",
                "Bag-Group-Identifier": str(year),
                "单位": unit.unit_path,
                "年度": str(year),
                "件数": str(total),
            },
            checksums=["sha256"],
        )
        bag = bagit.Bag(str(bag_dir))
        bag.validate()  # raises bagit.BagValidationError on any mismatch
        zip_path = outdir / f"{name}.zip"
        bag_files = 0
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(bag_dir.rglob("*")):
                if path.is_file():
                    archive.write(path, Path(name) / path.relative_to(bag_dir))
                    bag_files += 1
        catalogue_path = outdir / f"{name}-归档文件目录.pdf"
        catalogue_path.write_bytes(catalogue)
        csv_path = outdir / f"{name}-归档文件目录.csv"
        csv_path.write_bytes(table)
    return Volume(
        unit_path=unit.unit_path,
        year=year,
        records=total,
        catalogue_path=catalogue_path,
        csv_path=csv_path,
        zip_path=zip_path,
        valid=True,
        bag_files=bag_files,
    )


def validate_zip(zip_path: Path) -> bagit.Bag:
    """Unpack a volume ZIP and validate it as a bag (what a receiving archive does)."""
    with tempfile.TemporaryDirectory(prefix="archive-check-") as tmp:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(tmp)
        (root,) = [path for path in Path(tmp).iterdir() if path.is_dir()]
        bag = bagit.Bag(str(root))
        bag.validate()
        return bag
