"""`manage.py archive_export UNIT_PATH YEAR OUTDIR`: a PDF 归档文件目录 and a validated BagIt ZIP."""

import io
import json
import zipfile

import bagit
import pytest
from django.core.management import CommandError, call_command

from archive.selectors import records_for_item
from archive.volumes import validate_zip
from tests.archive.conftest import WJ, attach, pdf_text, publish
from tests.builders import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def volume_records(user_named):
    first = make_item(WJ, "1-1-1", title="卷内第一件")
    attach(first, content=b"first attachment")
    publish(first, user=user_named("wj_editor"))
    second = make_item(WJ, "1-1-1", title="卷内第二件")
    publish(second, user=user_named("wj_editor"))
    return [records_for_item(first).get(), records_for_item(second).get()]


def export(tmp_path, *args):
    out = io.StringIO()
    call_command("archive_export", *args, str(tmp_path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_writes_catalogue_and_valid_bag(tmp_path, volume_records):
    first, second = volume_records
    year = first.year

    output = export(tmp_path, WJ, str(year))

    assert "已生成" in output
    assert "校验通过" in output
    zip_path = tmp_path / f"韶关市-武江区-区委办-{year}.zip"
    catalogue = tmp_path / f"韶关市-武江区-区委办-{year}-归档文件目录.pdf"
    assert zip_path.exists() and catalogue.exists()

    bag = validate_zip(zip_path)
    assert bag.info["单位"] == WJ
    assert bag.info["年度"] == str(year)
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        root = f"韶关市-武江区-区委办-{year}"
        for member in (
            "bagit.txt",
            "bag-info.txt",
            "manifest-sha256.txt",
            "tagmanifest-sha256.txt",
            "data/归档文件目录.pdf",
        ):
            assert f"{root}/{member}" in names, member
        for record in (first, second):
            for member in ("record.json", "content.html", "approval_form.pdf"):
                assert f"{root}/data/{record.number}/{member}" in names
        assert any(name.startswith(f"{root}/data/{first.number}/attachments/") for name in names)
        filed = json.loads(archive.read(f"{root}/data/{first.number}/record.json"))
        assert filed["content_hash"] == first.content_hash
        assert filed["number"] == first.number
        manifest = archive.read(f"{root}/manifest-sha256.txt").decode()
        assert f"data/{first.number}/record.json" in manifest

    text = pdf_text(catalogue.read_bytes())
    assert "归档文件目录" in text
    assert first.number in text and "卷内第一件" in text and "卷内第二件" in text


def test_a_tampered_bag_fails_validation(tmp_path, volume_records):
    export(tmp_path, WJ, str(volume_records[0].year))
    (zip_path,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "unzipped")
    (root,) = (tmp_path / "unzipped").iterdir()
    record_json = root / "data" / volume_records[0].number / "record.json"
    record_json.write_text(
        record_json.read_text(encoding="utf-8").replace("卷内第一件", "卷内第一件（改）"), encoding="utf-8"
    )

    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(root)).validate()


def test_unknown_unit_and_empty_year_are_clear_errors(tmp_path, volume_records):
    with pytest.raises(CommandError, match="找不到单位“韶关市/没有这个单位”"):
        export(tmp_path, "韶关市/没有这个单位", "2026")
    with pytest.raises(CommandError, match="1999年度没有归档记录"):
        export(tmp_path, WJ, "1999")


def test_the_bag_html_keeps_only_allowed_markup(volume_records):
    # A record filed before sanitising (or edited in the database) must not
    # carry a script into the exported volume that an archivist opens.
    from archive.volumes import content_document

    record = volume_records[0]
    record.content_html = '<p>正文</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
    html = content_document(record)
    assert "<p>正文</p>" in html
    assert "<script" not in html and "onerror" not in html
