"""A forger with write access to the database, but not to the signing key, cannot rewrite the archive unnoticed.

Each forgery recomputes the SHA-256 chain the way a forger would: with the project's own
hashing code (ArchiveRecord.compute_hash), renumbering the chain and moving the chain head,
so that every record's hash and every prev_hash is consistent again. What stops them is the
Ed25519 signature over each unit's chain head (archive.signing), which they cannot make.

The second half is the seam between the archive and the media folder that editors write:
the archive keeps its own content-addressed copy of every attachment (archive.store).
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from archive.models import ApprovalForm, ArchiveChainHead, ArchiveRecord, SignedHead
from archive.selectors import records_for_item
from archive.services import approval_form_record_review, archive_revocation
from archive.store import archive_store
from tests.archive.conftest import WJ, attach, publish
from tests.builders import make_item

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_archive", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def sql(statement, params=()):
    tables = {
        "records": ArchiveRecord._meta.db_table,
        "heads": ArchiveChainHead._meta.db_table,
        "signed": SignedHead._meta.db_table,
        "forms": ApprovalForm._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(statement.format(**tables), params)


def forge_rechain(unit_id):
    """Renumber, re-hash and re-link a unit's whole chain with the project's own code, then move its head."""
    prev = ""
    records = list(ArchiveRecord.objects.filter(unit_id=unit_id).order_by("chain_index"))
    for index, record in enumerate(records, start=1):
        record.chain_index = index
        record.prev_hash = prev
        record.content_hash = record.compute_hash()
        sql(
            "UPDATE {records} SET chain_index = %s, prev_hash = %s, content_hash = %s WHERE id = %s",
            [index, prev, record.content_hash, record.pk],
        )
        prev = record.content_hash
    sql("UPDATE {heads} SET head_hash = %s, length = %s WHERE unit_id = %s", [prev, len(records), unit_id])


@pytest.fixture
def chain(user_named, django_capture_on_commit_callbacks):
    """Three publications of 武江区委办, the middle one revoked (a revocation record follows it)."""
    editor = user_named("wj_editor")
    items = [make_item(WJ, "1-1-1", title=f"防伪事项{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        publish(items[0], user=editor)
        publish(items[1], user=editor)
        archive_revocation(item=items[1], user=user_named("sg_supervisor"), reason="内容有误")
        publish(items[2], user=editor)
    records = list(ArchiveRecord.objects.filter(item_ref__in=[i.pk for i in items]).order_by("chain_index"))
    code, out, err = run("--unit", WJ)
    assert code == 0, err  # the untouched archive verifies
    return records


def test_forgery_edit_the_last_record_and_rehash(chain):
    last = chain[-1]
    sql("UPDATE {records} SET title = %s WHERE id = %s", ["伪造的标题", last.pk])
    forge_rechain(last.unit_id)
    assert ArchiveRecord.objects.get(pk=last.pk).compute_hash() == ArchiveRecord.objects.get(pk=last.pk).content_hash

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "与已签名的链头不符" in err


def test_forgery_edit_a_middle_record_and_rehash_the_rest(chain):
    middle = chain[1]
    sql("UPDATE {records} SET content_html = %s WHERE id = %s", ["<p>改写的内容</p>", middle.pk])
    forge_rechain(middle.unit_id)

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "与已签名的链头不符" in err


def test_forgery_delete_the_revocation_record_and_rehash(chain):
    revocation = next(r for r in chain if r.kind == "revocation")
    sql("DELETE FROM {records} WHERE id = %s", [revocation.pk])
    forge_rechain(revocation.unit_id)

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "已签名的链头" in err


def test_forgery_append_a_record(chain):
    last = ArchiveRecord.objects.get(pk=chain[-1].pk)
    head = ArchiveChainHead.objects.get(unit_id=last.unit_id)
    forged = ArchiveRecord(
        **{
            f.attname: getattr(last, f.attname)
            for f in ArchiveRecord._meta.concrete_fields
            if f.attname not in ("id", "content_hash")
        }
    )
    forged.title = "伪造的追加记录"
    forged.sequence = last.sequence + 1
    forged.number = f"{last.year}-{forged.sequence:04d}"
    forged.chain_index = head.length + 1
    forged.prev_hash = head.head_hash
    forged.content_hash = forged.compute_hash()
    forged.save()  # the ORM inserts it; only the filing service signs
    sql("UPDATE {heads} SET head_hash = %s, length = %s WHERE unit_id = %s", [forged.content_hash, forged.chain_index, last.unit_id])

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "没有签名" in err and f"[{forged.number}]" in err


def test_forgery_delete_a_units_records_and_head(chain):
    unit_id = chain[0].unit_id
    sql("DELETE FROM {records} WHERE unit_id = %s", [unit_id])
    sql("DELETE FROM {heads} WHERE unit_id = %s", [unit_id])

    code, out, err = run()

    assert code == 1
    assert "已签名的链头记载" in err and WJ in err


def test_forgery_delete_records_heads_and_signed_heads_is_seen_in_the_witness_log(chain):
    """Deleting the signed heads too leaves the witness log (outside the database) naming them."""
    unit_id = chain[0].unit_id
    for statement in ("DELETE FROM {records}", "DELETE FROM {heads}", "DELETE FROM {signed}"):
        sql(statement + " WHERE unit_id = %s", [unit_id])

    code, out, err = run()

    assert code == 1
    assert "见证日志" in err and WJ in err


def test_forgery_roll_back_the_last_filing_with_its_signed_head(chain):
    """Remove the last record and its signed head: the chain and the signatures are consistent again, the log is not."""
    last = chain[-1]
    sql("DELETE FROM {records} WHERE id = %s", [last.pk])
    latest = SignedHead.objects.filter(unit_id=last.unit_id).order_by("-sequence").first()
    sql("DELETE FROM {signed} WHERE id = %s", [latest.pk])
    forge_rechain(last.unit_id)

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "见证日志" in err


def test_forgery_empty_the_signed_heads_while_records_exist(chain):
    sql("DELETE FROM {signed} WHERE unit_id = %s", [chain[0].unit_id])

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "没有签名" in err


def test_forgery_resign_the_head_with_the_forgers_own_key(chain):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from archive import signing

    last = chain[-1]
    sql("UPDATE {records} SET title = %s WHERE id = %s", ["伪造的标题", last.pk])
    forge_rechain(last.unit_id)
    head = ArchiveChainHead.objects.get(unit_id=last.unit_id)
    latest = SignedHead.objects.filter(unit_id=last.unit_id).order_by("-sequence").first()
    own_key = Ed25519PrivateKey.generate()
    message = signing.head_message(
        unit_id=latest.unit_id,
        unit_path=latest.unit_path,
        sequence=latest.sequence,
        length=head.length,
        head_hash=head.head_hash,
        prev=latest.prev,
        signed_at=latest.signed_at,
    )
    signature = signing.b64(own_key.sign(message))
    sql(
        "UPDATE {signed} SET head_hash = %s, signature = %s, key_id = %s WHERE id = %s",
        [head.head_hash, signature, signing.key_id(own_key.public_key()), latest.pk],
    )

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "签名" in err


# Every column is covered ---------------------------------------------------------------------


def _changed_value(field, value):
    from django.db import models

    if isinstance(field, models.ForeignKey):
        other = field.related_model.objects.exclude(pk=value).order_by("pk").values_list("pk", flat=True).first()
        return other
    if isinstance(field, models.JSONField):
        return json.dumps({"forged": True})
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateTimeField):
        return "2001-01-01 00:00:00"
    if isinstance(field, models.DateField):
        return "2001-01-01"
    if isinstance(field, (models.IntegerField, models.BigIntegerField)):
        return (value or 0) + 7
    if field.choices:
        return next(v for v, _label in field.choices if v != value)
    return (value or "")[:-1] + "伪"


@pytest.fixture
def filed_with_form(wj_item, user_named):
    attach(wj_item, content=b"column coverage attachment")
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="目录规定内容",
        secrecy_opinion="pass",
        secrecy_reason="不涉密",
    )
    publish(wj_item, user=user_named("wj_editor"))
    record = records_for_item(wj_item).get()
    assert record.approval_form_id and record.actor_id and record.revision_id
    code, out, err = run("--unit", WJ)
    assert code == 0, err
    return record


RECORD_COLUMNS = [f.attname for f in ArchiveRecord._meta.concrete_fields if f.attname != "id"]
FORM_COLUMNS = [f.attname for f in ApprovalForm._meta.concrete_fields if f.attname != "id"]


@pytest.mark.parametrize("column", RECORD_COLUMNS)
def test_every_record_column_is_covered(filed_with_form, column):
    field = ArchiveRecord._meta.get_field(column.removesuffix("_id") if column.endswith("_id") else column)
    value = getattr(filed_with_form, column)
    sql(f"UPDATE {{records}} SET {field.column} = %s WHERE id = %s", [_changed_value(field, value), filed_with_form.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1, column  # the untouched archive verified clean (filed_with_form)


@pytest.mark.parametrize("link", ["item_id", "revision_id", "approval_form_id", "actor_id"])
def test_a_link_cut_while_its_target_exists_is_reported(filed_with_form, link):
    sql(f"UPDATE {{records}} SET {link} = NULL WHERE id = %s", [filed_with_form.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1, link
    assert f"[{filed_with_form.number}]" in err


@pytest.mark.parametrize("column", FORM_COLUMNS)
def test_every_approval_form_column_is_covered(filed_with_form, column):
    field = ApprovalForm._meta.get_field(column.removesuffix("_id") if column.endswith("_id") else column)
    form = ApprovalForm.objects.get(pk=filed_with_form.approval_form_id)
    value = getattr(form, column)
    sql(f"UPDATE {{forms}} SET {field.column} = %s WHERE id = %s", [_changed_value(field, value), form.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1, column
    assert f"[{filed_with_form.number}]" in err and "审批表" in err


# The archive's own copy of every attachment ---------------------------------------------------


@pytest.fixture
def filed_attachment(wj_item):
    document = attach(wj_item, content=b"%PDF-1.4 the reviewed original")
    publish(wj_item)
    return records_for_item(wj_item).get(), document


def test_filing_copies_the_attachment_into_the_archive_store(filed_attachment, settings):
    record, document = filed_attachment
    entry = record.attachments[0]
    store = archive_store()
    assert store.exists(entry["sha256"])
    assert store.read(entry["sha256"]) == b"%PDF-1.4 the reviewed original"
    assert not str(store.path(entry["sha256"])).startswith(str(settings.MEDIA_ROOT))


def _download(client, record):
    response = client.get(reverse("archive_record_attachment", args=[record.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_media_file_replaced_in_place_the_archive_keeps_and_serves_the_original(
    filed_attachment, client, archivist, tmp_path
):
    record, document = filed_attachment
    with document.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 an unreviewed replacement")

    code, out, err = run("--unit", WJ)
    assert code == 0, err
    assert "现行文件与归档原件不同" in out and "附件一" in out

    client.force_login(archivist)
    assert _download(client, record) == b"%PDF-1.4 the reviewed original"

    call_command("archive_export", WJ, str(record.year), str(tmp_path), stdout=io.StringIO())
    import zipfile

    with zipfile.ZipFile(tmp_path / f"韶关市-武江区-区委办-{record.year}.zip") as archive:
        (name,) = [n for n in archive.namelist() if f"/data/{record.number}/attachments/" in n]
        assert archive.read(name) == b"%PDF-1.4 the reviewed original"


def test_media_file_deleted_the_archive_keeps_and_serves_the_original(filed_attachment, client, archivist):
    record, document = filed_attachment
    document.file.storage.delete(document.file.name)

    code, out, err = run("--unit", WJ)
    assert code == 0, err
    assert "现行文件已不存在" in out

    client.force_login(archivist)
    assert _download(client, record) == b"%PDF-1.4 the reviewed original"


def test_a_changed_archive_copy_is_a_problem(filed_attachment):
    record, _document = filed_attachment
    path = archive_store().path(record.attachments[0]["sha256"])
    path.chmod(0o644)
    path.write_bytes(b"tampered copy")

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert f"[{record.number}]" in err and "归档副本" in err and "校验值不符" in err


def test_a_missing_archive_copy_is_a_problem(filed_attachment):
    record, _document = filed_attachment
    path = archive_store().path(record.attachments[0]["sha256"])
    path.chmod(0o644)
    path.unlink()

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "归档副本缺失" in err


def test_outsiders_cannot_download_archived_attachments(filed_attachment, client, outsider):
    record, _document = filed_attachment
    client.force_login(outsider)
    assert client.get(reverse("archive_record_attachment", args=[record.pk, 1])).status_code in (302, 403)
    assert client.get(reverse("archive_record_attachment", args=[record.pk, 9])).status_code in (302, 403, 404)


def test_fill_store_copies_files_of_records_filed_before_the_store(filed_attachment):
    record, document = filed_attachment
    store = archive_store()
    path = store.path(record.attachments[0]["sha256"])
    path.chmod(0o644)
    path.unlink()

    out = io.StringIO()
    call_command("archive_fill_store", stdout=out, stderr=io.StringIO())

    assert store.read(record.attachments[0]["sha256"]) == b"%PDF-1.4 the reviewed original"
    assert "补存 1 个" in out.getvalue()
    assert run("--unit", WJ)[0] == 0
