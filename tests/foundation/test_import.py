"""import_disclosures: every bad line reported with its number, all or nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import PageLogEntry

from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.services import IMPORT_LOG_ACTION

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"


def write_jsonl(tmp_path, rows):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return str(path)


def good(n=1, **extra):
    return {"unit": LK, "catalog_code": "3-3-1", "title": f"2023年党费收缴情况（第{n}批）", "body": "全年收缴党费 5,640.50 元。", "published_at": "2024-01-12", **extra}


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_disclosures", path, *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), None
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc


def test_every_bad_line_is_reported_and_nothing_is_imported(tmp_path):
    path = write_jsonl(tmp_path, [
        good(1),
        {**good(2), "unit": "龙口市/不存在"},
        {**good(3), "catalog_code": "9-9-9"},
        {**good(4), "published_at": "2024-13-45"},
        {**good(5), "title": "  "},
        good(1),
        "{not json",
        {**good(8), "catalog_code": "3-3"},
        {**good(9), "scope": "随便"},
    ])
    before = DisclosureItemPage.objects.count()
    out, err, exc = run(path)
    assert exc is not None and "未导入任何内容" in str(exc)
    assert DisclosureItemPage.objects.count() == before
    expected = {
        2: "未知单位“龙口市/不存在”",
        3: "没有代码“9-9-9”",
        4: "发布日期“2024-13-45”无效",
        5: "缺少标题",
        6: "与第 1 行重复",
        7: "不是有效的 JSON",
        8: "是二级目录",
        9: "公开范围“随便”无法识别",
    }
    for number, text in expected.items():
        assert any(line.startswith(f"第 {number} 行：") and text in line for line in err.splitlines()), (number, err)
    assert not any(line.startswith("第 1 行") for line in err.splitlines())


def test_dry_run_checks_without_writing(tmp_path):
    path = write_jsonl(tmp_path, [good(1), good(2)])
    before = DisclosureItemPage.objects.count()
    out, err, exc = run(path, "--dry-run")
    assert exc is None and "检查通过：共 2 行" in out
    assert DisclosureItemPage.objects.count() == before


def test_good_file_creates_published_items_recorded_as_import(tmp_path):
    path = write_jsonl(tmp_path, [good(1, doc_number="龙科字〔2024〕3号"), good(2, scope="社会", body="<p>已有 <b>HTML</b></p>")])
    out, err, exc = run(path)
    assert exc is None, err
    assert "导入完成：2 条" in out
    first = DisclosureItemPage.objects.get(title="2023年党费收缴情况（第1批）")
    assert first.live and first.imported and first.doc_number == "龙科字〔2024〕3号"
    assert first.scope == "party"  # the node's scope (全体党员)
    assert first.first_published_at.date().isoformat() == "2024-01-12"
    assert "<p>全年收缴党费 5,640.50 元。</p>" in first.body
    second = DisclosureItemPage.objects.get(title="2023年党费收缴情况（第2批）")
    assert second.scope == "public" and "<b>HTML</b>" in second.body
    assert PageLogEntry.objects.filter(page=first, action=IMPORT_LOG_ACTION).exists()
    assert not PageLogEntry.objects.filter(page=first, action__startswith="wagtail.workflow").exists()


def test_importing_the_same_file_twice_reports_duplicates(tmp_path):
    path = write_jsonl(tmp_path, [good(1)])
    assert run(path)[2] is None
    out, err, exc = run(path)
    assert exc is not None and "该事项已存在" in err


def test_plain_text_body_is_escaped(tmp_path):
    path = write_jsonl(tmp_path, [good(1, body="1 < 2 & 3 > 2")])
    assert run(path)[2] is None
    assert "1 &lt; 2 &amp; 3 &gt; 2" in DisclosureItemPage.objects.get(title="2023年党费收缴情况（第1批）").body
