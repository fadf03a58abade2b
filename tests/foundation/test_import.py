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


# --- the bulk path: tree, revisions, history, archive and indexes as item_create_published leaves them ---


def _bulk_rows():
    """Two units, three nodes that already hold demo items, a title repeated on other dates (slugs -2, -3)."""
    rows = []
    for n in range(6):
        rows.append(good(100 + n, published_at=f"2021-0{n + 1}-15"))
        rows.append({**good(200 + n), "catalog_code": "1-1-1", "published_at": f"2022-0{n + 1}-03"})
        rows.append({"unit": "韶关市/武江区/区委办", "catalog_code": "1-1-1", "title": f"区委办历史事项{n}", "body": "历史内容", "published_at": f"2020-0{n + 1}-20"})
    for n in range(3):
        rows.append({**good(1), "title": "同名历史事项", "published_at": f"2019-0{n + 1}-01"})
    return rows


def test_bulk_import_keeps_the_tree_consistent(tmp_path, monkeypatch):
    from wagtail.models import Page

    from disclosure_pages import importer
    from tests.builders import make_item, node_for

    monkeypatch.setattr(importer, "BATCH", 4)  # several rounds, slugs carried from one to the next
    nodes = [node_for(LK, "3-3-1"), node_for(LK, "1-1-1"), node_for("韶关市/武江区/区委办", "1-1-1")]
    before = {node.pk: node.get_children().count() for node in nodes}
    rows = _bulk_rows()
    out, err, exc = run(write_jsonl(tmp_path, rows))
    assert exc is None, err
    assert f"已导入 {len(rows)}/{len(rows)}" in out and f"导入完成：{len(rows)} 条" in out

    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]
    for node in nodes:
        node.refresh_from_db()
        children = list(node.get_children())
        assert node.numchild == len(children) > before[node.pk]
        paths = [child.path for child in children]
        assert paths == sorted(paths) and len(set(paths)) == len(paths)
        assert all(child.depth == node.depth + 1 and child.path.startswith(node.path) for child in children)
        assert len({child.slug for child in children}) == len(children)
    same = DisclosureItemPage.objects.filter(title="同名历史事项").order_by("path")
    assert [item.slug for item in same] == ["同名历史事项", "同名历史事项-2", "同名历史事项-3"]
    assert all(item.url_path == f"{item.get_parent().url_path}{item.slug}/" for item in same)

    # treebeard carries on where the import stopped.
    later = make_item(LK, "3-3-1", title="导入之后新建的事项")
    assert later.path > max(same.values_list("path", flat=True))
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]


def test_each_bulk_imported_item_has_its_revision_history_archive_and_index(tmp_path):
    from wagtail.models import Page

    from archive.choices import RecordKind
    from archive.models import ArchiveRecord
    from archive.verify import verify_archive

    rows = _bulk_rows()
    out, err, exc = run(write_jsonl(tmp_path, rows))
    assert exc is None, err
    items = list(DisclosureItemPage.objects.filter(imported=True, title__in=[row["title"] for row in rows]))
    assert len(items) == len(rows)
    for item in items:
        revision = item.live_revision
        assert item.live and not item.has_unpublished_changes
        assert revision is not None and item.latest_revision_id == revision.pk
        assert revision.object_id == str(item.pk) and revision.content["title"] == item.title
        assert revision.content["path"] == item.path and revision.content["body"] == item.body
        assert item.latest_revision_created_at == revision.created_at and item.draft_title == item.title
        assert revision.as_object().title == item.title
        entries = list(PageLogEntry.objects.filter(page=item).order_by("pk"))
        assert [entry.action for entry in entries] == ["wagtail.create", IMPORT_LOG_ACTION]
        assert entries[1].revision_id == revision.pk and entries[1].label == item.title
        assert entries[1].data == {"published_at": item.first_published_at.astimezone(importer_tz()).isoformat()}
        (record,) = ArchiveRecord.objects.filter(item_ref=item.pk)
        assert record.kind == RecordKind.IMPORT and record.revision_id == revision.pk
        assert record.content == revision.content and record.title == item.title
        # Wagtail's own (admin) search index holds it too, as a post_save would have put it there.
        assert item.pk in {page.pk for page in Page.objects.search(item.title)}
    for unit_path in (LK, "韶关市/武江区/区委办"):
        from disclosure_pages.selectors import find_unit

        verification = verify_archive(unit=find_unit(unit_path), check_files=False)
        assert verification.ok, verification.problems


def importer_tz():
    from disclosure_pages.importer import SHANGHAI

    return SHANGHAI


def test_an_import_that_cannot_be_filed_leaves_nothing_behind(tmp_path, monkeypatch):
    from wagtail.models import Page, Revision

    import archive.services
    from tests.builders import node_for

    def refuse(*args, **kwargs):
        raise RuntimeError("档案存储不可用")

    monkeypatch.setattr(archive.services, "render_content_html", refuse)
    node = node_for(LK, "3-3-1")
    counts = (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count(), node.get_children().count())
    with pytest.raises(RuntimeError, match="档案存储不可用"):
        run(write_jsonl(tmp_path, _bulk_rows()))
    node.refresh_from_db()
    assert (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count(), node.numchild) == counts
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]


# --- scopes are values, not substrings ---------------------------------------------------------


@pytest.mark.parametrize("wording", ["不向社会公开", "社会不公开", "非社会公开", "社惠", "党内公开或", "pubic", "社会 公开"])
def test_a_scope_that_is_not_a_known_value_or_catalogue_wording_is_a_line_error(tmp_path, wording):
    path = write_jsonl(tmp_path, [good(1), {**good(2), "catalog_code": "1-2-2", "scope": wording}])
    before = DisclosureItemPage.objects.count()
    out, err, exc = run(path)
    assert exc is not None and "未导入任何内容" in str(exc)
    assert DisclosureItemPage.objects.count() == before
    (line,) = [line for line in err.splitlines() if line.startswith("第 2 行：")]
    assert f"公开范围“{wording}”无法识别" in line
    # The error names what is accepted.
    for accepted in ("public", "party", "committee", "社会", "全体党员", "党支部委员"):
        assert accepted in line, line


def test_the_wording_table_covers_every_catalogue_and_maps_it_as_the_documents_mean():
    from pathlib import Path

    from disclosure_pages.choices import SCOPE_WORDINGS, Scope, scope_from_text

    data = Path(__file__).resolve().parents[2] / "disclosure_pages" / "demo_data"
    wordings = set()

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "scope" and isinstance(inner, str):
                    wordings.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for name in data.glob("*.json"):
        walk(json.loads(name.read_text(encoding="utf-8")))
    assert {"社会", "党内公开或社会公开", "全体党员", "党支部委员\n第二纪检组"} <= wordings
    for wording in wordings:
        assert scope_from_text(wording) in Scope.values, wording
    expected = {
        "社会": Scope.PUBLIC, "社会公开": Scope.PUBLIC, "向社会公开": Scope.PUBLIC,
        "党内": Scope.PARTY, "党内公开": Scope.PARTY, "全体党员": Scope.PARTY,
        "党内公开或社会公开": Scope.PARTY,  # the choice is left to each item: the narrower default
        "党支部委员": Scope.COMMITTEE, "党支部委员\n第二纪检组": Scope.COMMITTEE, "党支部委员、第二纪检组": Scope.COMMITTEE,
        "public": Scope.PUBLIC, "party": Scope.PARTY, "committee": Scope.COMMITTEE,
    }
    for wording, scope in expected.items():
        assert scope_from_text(wording) == scope, wording
    assert set(SCOPE_WORDINGS.values()) == set(Scope.values)


@pytest.mark.parametrize("wording", ["不向社会公开", "社会不公开", "非社会公开", "党员不公开", ""])
def test_catalogue_install_refuses_unknown_wording_too(wording):
    from disclosure_pages.choices import UnknownScope, scope_from_text

    with pytest.raises(UnknownScope, match="无法识别"):
        scope_from_text(wording)


@pytest.mark.parametrize("wording,scope", [("社会", "public"), ("全体党员", "party"), ("党支部委员、第二纪检组", "committee"), ("committee", "committee")])
def test_known_wordings_import_with_their_scope(tmp_path, wording, scope):
    path = write_jsonl(tmp_path, [{**good(1), "scope": wording}])
    assert run(path)[2] is None
    assert DisclosureItemPage.objects.get(title="2023年党费收缴情况（第1批）").scope == scope


# --- nesting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [50, 100_000])
def test_a_deeply_nested_line_is_a_line_error(tmp_path, depth):
    nested = '{"unit": ' + "[" * depth + "]" * depth + "}"
    path = write_jsonl(tmp_path, [good(1), nested, {**good(3), "title": {"a": {"b": "c"}}}])
    before = DisclosureItemPage.objects.count()
    out, err, exc = run(path)
    assert exc is not None and "未导入任何内容" in str(exc)
    assert DisclosureItemPage.objects.count() == before
    assert any(line.startswith("第 2 行：") and "嵌套" in line for line in err.splitlines()), err
    assert any(line.startswith("第 3 行：") and "字段 title 应为字符串" in line for line in err.splitlines()), err
