"""The 归档文件目录 of a volume has the columns of DA/T 22《归档文件整理规则》, in the PDF and in a CSV beside it."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.selectors import records_for_item
from tests.archive.conftest import WJ, attach, pdf_text, publish
from tests.builders import make_item

pytestmark = pytest.mark.django_db

COLUMNS = ["件号", "责任者", "文号", "题名", "日期", "页数", "公开属性", "保管期限", "目录代码", "备注"]


@pytest.fixture
def volume(user_named, tmp_path):
    item = make_item(WJ, "1-1-1", title="目录第一件", doc_number="武区办〔2026〕7号", scope="public")
    attach(item)
    publish(item, user=user_named("wj_editor"))
    record = records_for_item(item).get()
    call_command("archive_export", WJ, str(record.year), str(tmp_path), stdout=io.StringIO())
    return record, tmp_path


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # spreadsheet programs read the Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_beside_the_volume_has_every_dat22_column_and_a_row_per_record(volume):
    record, outdir = volume
    rows = _rows((outdir / f"韶关市-武江区-区委办-{record.year}-归档文件目录.csv").read_bytes())
    assert rows[0] == COLUMNS
    row = dict(zip(COLUMNS, next(r for r in rows[1:] if r[0] == record.number), strict=True))
    assert row["题名"] == "目录第一件"
    assert row["文号"] == "武区办〔2026〕7号"
    assert row["责任者"] and "区委办" in row["责任者"]
    assert row["日期"].isdigit() and len(row["日期"]) == 8
    assert int(row["页数"]) >= 2  # approval form + content
    assert row["公开属性"] == "社会公开"
    assert "附件1件" in row["备注"]
    assert len(rows) - 1 == type(record).objects.filter(unit_id=record.unit_id, year=record.year).count()


def test_the_pdf_catalogue_and_the_bag_carry_the_same_columns(volume):
    record, outdir = volume
    text = pdf_text((outdir / f"韶关市-武江区-区委办-{record.year}-归档文件目录.pdf").read_bytes())
    for heading in COLUMNS:
        assert heading in text, heading
    assert "武区办〔2026〕7号" in text
    with zipfile.ZipFile(outdir / f"韶关市-武江区-区委办-{record.year}.zip") as archive:
        name = f"韶关市-武江区-区委办-{record.year}/data/归档文件目录.csv"
        assert _rows(archive.read(name))[0] == COLUMNS


def test_the_admin_offers_the_csv(client, archivist, volume):
    record, _outdir = volume
    client.force_login(archivist)
    response = client.post(
        reverse("archive_volume"), {"unit": record.unit_id, "year": record.year, "output": "catalogue_csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert _rows(response.content)[0] == COLUMNS
