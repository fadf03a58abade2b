"""A record's PDF and its approval form's PDF are rendered once, after filing, stored by SHA-256, and never laid out again."""

import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.models import RecordRendering
from archive.selectors import records_for_item
from archive.services import approval_form_record_review
from archive.store import archive_store
from tests.archive.conftest import WJ, publish

pytestmark = pytest.mark.django_db


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_archive", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def rendered(wj_item, user_named, settings, django_capture_on_commit_callbacks):
    settings.ARCHIVE_RENDER_AT_FILING = True
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="目录规定内容",
        secrecy_opinion="pass",
        secrecy_reason="不涉密",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(wj_item, user=user_named("wj_editor"))
    record = records_for_item(wj_item).get()
    return record, {row.kind: row for row in RecordRendering.objects.filter(record=record)}


def refuse_layout(monkeypatch):
    """From here on, any new layout of a record fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a filed record was laid out again")

    monkeypatch.setattr("archive.pdf_worker.render_chunk", refuse)
    monkeypatch.setattr("archive.pdf.record_printouts", refuse)


def test_filing_renders_both_pdfs_once_into_the_store(rendered):
    record, rows = rendered
    assert set(rows) == {"record", "approval_form"}
    store = archive_store()
    for row in rows.values():
        data = store.read(row.sha256)
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
        assert data.startswith(b"%PDF") and row.pages >= 1
    assert rows["record"].pages > rows["approval_form"].pages


def test_downloads_and_the_volume_read_the_stored_pdfs(rendered, client, archivist, monkeypatch, tmp_path):
    from archive.models import ArchiveRecord
    from archive.services import render_records

    record, rows = rendered
    # The demo's imported records of this unit and year were never rendered: render them once first.
    render_records(list(ArchiveRecord.objects.filter(unit_id=record.unit_id, year=record.year)))
    refuse_layout(monkeypatch)
    store = archive_store()
    client.force_login(archivist)

    response = client.get(reverse("archive_record_pdf", args=[record.pk]))
    assert response.status_code == 200 and response.content == store.read(rows["record"].sha256)
    response = client.get(reverse("archive_approval_form_pdf", args=[record.approval_form_id]))
    assert response.status_code == 200 and response.content == store.read(rows["approval_form"].sha256)

    call_command("archive_export", WJ, str(record.year), str(tmp_path), stdout=io.StringIO())
    with zipfile.ZipFile(next(tmp_path.glob("*.zip"))) as archive:
        name = next(n for n in archive.namelist() if n.endswith(f"data/{record.number}/approval_form.pdf"))
        assert archive.read(name) == store.read(rows["approval_form"].sha256)


def test_verify_reports_a_changed_or_missing_stored_pdf(rendered):
    record, rows = rendered
    store = archive_store()
    assert verify("--unit", WJ)[0] == 0

    path = store.path(rows["record"].sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 not what was rendered")
    code, out, err = verify("--unit", WJ)
    assert code == 1 and f"[{record.number}]" in err and "归档文件（PDF）的归档副本校验值不符" in err

    path.unlink()
    code, out, err = verify("--unit", WJ)
    assert code == 1 and "归档文件（PDF）的归档副本缺失" in err


def test_a_record_never_rendered_is_named_and_archive_render_makes_its_pdfs(wj_item):
    publish(wj_item)  # no on-commit callbacks: the background render never ran
    record = records_for_item(wj_item).get()
    code, out, err = verify("--unit", WJ)
    assert code == 0, err
    assert f"提示：[{record.number}]" in out and "尚未生成归档文件（PDF）" in out

    call_command("archive_render", "--unit", WJ, stdout=io.StringIO())

    assert RecordRendering.objects.filter(record=record, kind="record").exists()
    code, out, err = verify("--unit", WJ)
    assert code == 0 and "尚未生成" not in out


def test_export_checks_the_stored_pdfs_hash_and_leaves_a_changed_one_out(rendered, monkeypatch, tmp_path):
    from archive.models import ArchiveRecord
    from archive.services import render_records

    record, rows = rendered
    render_records(list(ArchiveRecord.objects.filter(unit_id=record.unit_id, year=record.year)))
    refuse_layout(monkeypatch)
    path = archive_store().path(rows["approval_form"].sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 not what was rendered")

    call_command("archive_export", WJ, str(record.year), str(tmp_path), stdout=io.StringIO())

    with zipfile.ZipFile(next(tmp_path.glob("*.zip"))) as archive:
        names = archive.namelist()
        assert not any(n.endswith(f"data/{record.number}/approval_form.pdf") for n in names)
        problems = next(n for n in names if n.endswith(f"data/{record.number}/problems.txt"))
        assert "审批表 PDF 的归档副本校验值不符" in archive.read(problems).decode()
