"""`manage.py verify_archive` finds records changed or removed behind the ORM's back."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import ArchiveRecord
from archive.selectors import records_for_item
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


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=ArchiveRecord._meta.db_table), params)


@pytest.fixture
def three_records(user_named):
    records = []
    for n in range(3):
        item = make_item(WJ, "1-1-1", title=f"核验事项{n}")
        publish(item, user=user_named("wj_editor"))
        records.append(records_for_item(item).get())
    return records


def test_clean_archive_exits_zero_with_a_summary(three_records):
    code, out, err = run()
    assert code == 0, err
    assert "全部一致" in out
    assert "个单位" in out and "条归档记录" in out
    total = ArchiveRecord.objects.count()
    assert f"{total} 条归档记录" in out


def test_a_record_edited_with_raw_sql_is_reported_by_its_number(three_records):
    middle = three_records[1]
    raw("UPDATE {table} SET title = %s WHERE id = %s", ["被篡改的标题", middle.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert f"[{middle.number}]" in err
    assert "内容与校验值不符" in err
    assert "发现 1 条记录有问题" in err


def test_a_middle_record_deleted_with_raw_sql_breaks_the_chain(three_records):
    first, middle, last = three_records
    raw("DELETE FROM {table} WHERE id = %s", [middle.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert f"[{last.number}]" in err
    assert "链条断裂" in err
    assert f"[{first.number}]" not in err


def test_the_last_record_deleted_is_caught_by_the_chain_head(three_records):
    last = three_records[-1]
    raw("DELETE FROM {table} WHERE id = %s", [last.pk])

    code, out, err = run("--unit", WJ)

    assert code == 1
    assert "链条末端不符" in err


def test_a_changed_live_attachment_file_is_a_notice_the_archive_copy_is_checked(wj_item):
    # The archive checks its own copy (archive/store.py); the live media file is reported, not failed.
    document = attach(wj_item, content=b"original attachment")
    publish(wj_item)
    record = records_for_item(wj_item).get()
    with document.file.open("wb") as handle:
        handle.write(b"replaced attachment")

    code, out, err = run("--unit", WJ)

    assert code == 0, err
    assert f"提示：[{record.number}]" in out and "附件“附件一”的现行文件与归档原件不同" in out


def test_a_missing_live_attachment_file_is_a_notice(wj_item):
    document = attach(wj_item)
    publish(wj_item)
    document.file.storage.delete(document.file.name)

    code, out, err = run("--unit", WJ)

    assert code == 0, err
    assert "的现行文件已不存在" in out


def test_unknown_unit_is_a_clear_error():
    code, out, err = run("--unit", "韶关市/不存在的单位")
    assert code == 1
    assert "找不到单位“韶关市/不存在的单位”" in err


def test_a_live_item_without_a_record_is_reported(wj_item):
    # make_item publishes directly (as an import would) without filing: the check must notice.
    code, out, err = run("--unit", WJ)

    assert code == 1
    assert f"已发布的事项“{wj_item.title}”（编号 {wj_item.pk}）的现行版本没有归档记录" in err
