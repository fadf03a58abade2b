"""Each filing signs its unit's chain head with an Ed25519 key kept out of the database; the key and heads are published."""

import io
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from archive import signing
from archive.checks import signing_key_configured
from archive.models import ArchiveChainHead, ArchiveRecord, SignedHead
from archive.pdf import volume_catalogue_pdf
from archive.selectors import latest_signed_heads, records_for_item, records_for_unit_year
from tests.archive.conftest import WJ, pdf_text, publish

pytestmark = pytest.mark.django_db


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_archive", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def filed(wj_item, user_named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(wj_item, user=user_named("wj_editor"))
    return records_for_item(wj_item).get()


def test_every_filing_signs_the_units_head_and_links_to_the_previous_signature(filed):
    head = ArchiveChainHead.objects.get(unit_id=filed.unit_id)
    latest, previous = SignedHead.objects.filter(unit_id=filed.unit_id).order_by("-sequence")[:2]
    key = signing.private_key().public_key()

    assert (latest.length, latest.head_hash) == (head.length, filed.content_hash)
    assert latest.sequence == previous.sequence + 1
    assert latest.prev == signing.chain_link(previous.signature)
    assert latest.key_id == signing.key_id(key)
    assert signing.verify(key, latest.signature, latest.message())
    assert not signing.verify(Ed25519PrivateKey.generate().public_key(), latest.signature, latest.message())
    entries = signing.witness_log().entries()[0]
    assert entries[-1]["signature"] == latest.signature and entries[-1]["unit_path"] == WJ


def test_signed_heads_are_append_only(filed):
    from archive.models import ArchiveImmutableError

    latest = latest_signed_heads(filed.unit_id)[0]
    latest.length = 1
    with pytest.raises(ArchiveImmutableError):
        latest.save()
    with pytest.raises(ArchiveImmutableError):
        latest.delete()
    with pytest.raises(ArchiveImmutableError):
        SignedHead.objects.filter(pk=latest.pk).update(length=1)
    with pytest.raises(ArchiveImmutableError):
        SignedHead.objects.filter(pk=latest.pk).delete()


def test_the_key_comes_from_the_environment_as_pem_or_base64(monkeypatch):
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes_raw()
    expected = signing.key_id(key.public_key())
    monkeypatch.setenv("ARCHIVE_SIGNING_KEY", signing.b64(raw))
    assert signing.key_id(signing.private_key().public_key()) == expected
    monkeypatch.setenv("ARCHIVE_SIGNING_KEY", signing._private_pem(key).decode())
    assert signing.key_id(signing.private_key().public_key()) == expected
    monkeypatch.setenv("ARCHIVE_SIGNING_KEY", "not a key")
    with pytest.raises(Exception, match="不是可用的 Ed25519 私钥"):
        signing.private_key()


def test_without_a_key_production_refuses_to_file(wj_item, settings, tmp_path, monkeypatch):
    monkeypatch.delenv("ARCHIVE_SIGNING_KEY", raising=False)
    settings.ARCHIVE_SIGNING_KEY_FILE = tmp_path / "absent.pem"
    settings.ARCHIVE_SIGNING_KEY_AUTOGENERATE = False

    assert [error.id for error in signing_key_configured(None)] == ["archive.E002"]
    from django.db import transaction

    with pytest.raises(signing.SigningKeyMissing, match="未配置归档签名私钥"):
        with transaction.atomic():
            publish(wj_item)
    assert not records_for_item(wj_item).exists()
    assert not (tmp_path / "absent.pem").exists()


def test_keygen_makes_a_private_key_file_with_a_warning(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("ARCHIVE_SIGNING_KEY", raising=False)
    settings.ARCHIVE_SIGNING_KEY_FILE = tmp_path / "keys" / "archive_ed25519.pem"
    out, err = io.StringIO(), io.StringIO()

    call_command("archive_keygen", stdout=out, stderr=err)

    path = settings.ARCHIVE_SIGNING_KEY_FILE
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "生产环境" in err.getvalue() and "production" in err.getvalue()
    assert "指纹" in out.getvalue()
    before = path.read_bytes()
    call_command("archive_keygen", stdout=io.StringIO(), stderr=io.StringIO())
    assert path.read_bytes() == before  # never replaced


def test_keygen_signs_a_chain_filed_before_signing_but_not_one_whose_heads_were_deleted(filed, settings, tmp_path):
    signed_table = SignedHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {signed_table} WHERE unit_id = %s", [filed.unit_id])
    err = io.StringIO()
    call_command("archive_keygen", stdout=io.StringIO(), stderr=err)
    assert "未补签“韶关市/武江区/区委办”" in err.getvalue()  # the witness log names its signatures
    assert not SignedHead.objects.filter(unit_id=filed.unit_id).exists()

    # Records filed before signing existed: no signed head and nothing in the witness log.
    settings.ARCHIVE_WITNESS_FILE = tmp_path / "empty-witness.jsonl"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {signed_table}")
    out = io.StringIO()
    call_command("archive_keygen", stdout=out, stderr=io.StringIO())
    assert "补签链头" in out.getvalue()
    latest = latest_signed_heads(filed.unit_id)[0]
    assert latest.head_hash == filed.content_hash


def test_the_private_key_is_not_in_the_database(filed):
    key = signing.private_key()
    secret = signing.b64(key.private_bytes_raw())
    pem_body = "".join(signing._private_pem(key).decode().splitlines()[1:-1])
    out = io.StringIO()
    call_command("dumpdata", "archive", stdout=out)
    assert secret not in out.getvalue() and pem_body not in out.getvalue()


def test_public_key_page_shows_the_key_and_each_units_latest_head(client, filed):
    key = signing.private_key().public_key()
    page = client.get("/archive/public-key/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "BEGIN PUBLIC KEY" in html and signing.fingerprint(key) in html
    latest = latest_signed_heads(filed.unit_id)[0]
    assert WJ in html and latest.head_hash in html and latest.signature in html
    assert filed.title not in html  # heads and counts only: no record is named
    pem = client.get("/archive/public-key.pem")
    assert pem.status_code == 200 and pem.content.decode() == signing.public_pem(key)


def test_verify_with_the_published_public_key_and_with_a_strange_key(client, filed, tmp_path):
    published = tmp_path / "published.pem"
    published.write_bytes(client.get("/archive/public-key.pem").content)
    code, out, err = verify("--unit", WJ, "--public-key", str(published))
    assert code == 0, err
    assert "签名链头" in out

    strange = tmp_path / "strange.pem"
    strange.write_text(signing.public_pem(Ed25519PrivateKey.generate().public_key()))
    code, out, err = verify("--unit", WJ, "--public-key", str(strange))
    assert code == 1 and "不是受信任的公钥" in err


def test_the_volume_catalogue_publishes_the_signed_head_and_public_key(filed):
    key = signing.private_key().public_key()
    records = list(records_for_unit_year(filed.unit, filed.year))
    text = pdf_text(volume_catalogue_pdf(unit_path=WJ, year=filed.year, records=records))
    latest = latest_signed_heads(filed.unit_id)[0]
    assert "签名链头" in text and signing.key_id(key) in text
    assert f"第 {latest.sequence} 次签名" in text and str(latest.length) in text
    assert ArchiveRecord.objects.filter(unit_id=filed.unit_id).count() == latest.length
