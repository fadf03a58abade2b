"""The catalogues and the organisation come from the source documents, field by field."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from disclosure_pages.choices import Scope
from disclosure_pages.models import CatalogNodePage, RegionPage, UnitPage
from disclosure_pages.selectors import catalog_nodes_by_code, catalog_rows, find_unit, unit_paths

pytestmark = pytest.mark.django_db

SHAOGUAN_REGIONS = ["武江区", "浈江区", "曲江区", "南雄市", "乐昌市", "仁化县", "始兴县", "乳源县", "翁源县", "新丰县"]


def rows_of(path):
    return {row["code"]: row for row in catalog_rows(find_unit(path))}


def test_shaoguan_has_11_regions_of_9_units_each():
    paths = [p for p in unit_paths() if p.startswith("韶关市/")]
    assert len(paths) == 99
    shaoguan = RegionPage.objects.get(title="韶关市")
    assert [r.title for r in RegionPage.objects.child_of(shaoguan).order_by("path")] == SHAOGUAN_REGIONS
    assert [u.title for u in UnitPage.objects.child_of(shaoguan).order_by("path")] == [
        "市委办", "市纪委监察局", "市委组织部", "市委宣传部", "市委统战部", "市委政法委", "市直属机关工委", "市委老干部局", "市编办",
    ]


def test_unit_names_keep_each_regions_own_spelling():
    paths = unit_paths()
    assert "韶关市/武江区/区纪委（监察局）" in paths
    assert "韶关市/浈江区/区纪委(监察局)" in paths
    assert "韶关市/武江区/区直属机关党委" in paths
    assert "韶关市/浈江区/区直属机关工委" in paths
    zhenjiang = [p.split("/")[-1] for p in paths if p.startswith("韶关市/浈江区/")]
    assert zhenjiang.index("区委宣传部") < zhenjiang.index("区委组织部")
    assert {"龙口市/市科技局党支部", "石嘴山市/惠农区/区委", "石嘴山市/平罗县/县编办"} <= set(paths)


def test_standard_catalogue_of_seed_000_in_every_shaoguan_unit():
    rows = rows_of("韶关市/武江区/区委办")
    assert list(rows) == ["1-1-1", "1-1-2", "1-1-3", "1-1-4", "1-1-5"]
    assert [r["content"] for r in rows.values()] == [
        "班子成员情况及分工", "任期党建目标", "年度党建计划及上年工作总结", "党费收缴、管理和使用情况", "党员发展情况",
    ]
    schedules = [n.schedule for n in sorted(catalog_nodes_by_code(find_unit("韶关市/新丰县/县编办")).values(), key=lambda n: n.path) if n.level == 3]
    assert schedules == ["annual", "annual", "annual", "semiannual", "immediate"]
    assert CatalogNodePage.objects.filter(level=3, code="1-1-5", title="党员发展情况").count() == 99


def test_longkou_catalogue_rows_exactly_as_in_seed_001():
    rows = rows_of("龙口市/市科技局党支部")
    assert len(rows) == 76
    assert list(rows)[0] == "1-1-1" and list(rows)[-1] == "8-7-3"
    assert "1-2-5" not in rows and "1-3-1" not in rows  # the source skips them
    assert rows["1-1-1"] == {
        "code": "1-1-1", "level1": "党组织决议决定及执行情况", "level2": "贯彻上级决策部署情况", "level3": "中央和上级党组织要求公开的事项",
        "content": "中央和上级党组织要求公开的事项", "scope": "社会", "forms": "会议、文件、网站、新闻媒体", "time_limit": "即时",
        "responsible_unit": "", "note": "",
    }
    assert rows["1-2-2"]["scope"] == "党支部委员\n第二纪检组"
    assert rows["3-1-1"]["forms"] == "会议、文件、网站、新闻媒"
    assert rows["3-3-1"]["content"] == "党费收缴、管理和使用情况"
    assert rows["3-3-1"]["scope"] == "全体党员" and rows["3-3-1"]["forms"] == "会议、文件" and rows["3-3-1"]["time_limit"] == "定期"
    assert rows["5-3-1"]["forms"] == "会议、文件、"
    assert rows["6-2-1"]["time_limit"] == "逐段" and rows["6-2-1"]["level1"] == "联系和服务党员群众情况"
    assert rows["8-7-3"]["content"] == "年度党员干部受处分情况"


def test_longkou_scope_wording_decides_visibility():
    nodes = catalog_nodes_by_code(find_unit("龙口市/市科技局党支部"))
    assert nodes["1-1-1"].scope == Scope.PUBLIC
    assert nodes["3-3-1"].scope == Scope.PARTY
    assert nodes["1-2-2"].scope == Scope.COMMITTEE


def test_huinong_detailed_catalogue_from_seed_002():
    rows = rows_of("石嘴山市/惠农区/区委")
    assert len(rows) == 63
    first = rows["1-1-1"]
    assert first["level1"] == "重大事项决策、决定、推进执行类"
    assert first["level3"] == "党的建设重大事项"
    assert first["content"].startswith("中央路线、方针、政策")
    assert (first["scope"], first["forms"], first["time_limit"], first["responsible_unit"]) == (
        "党内公开或社会公开", "文件或互联网等", "随时公开", "区委办",
    )
    assert rows["1-2-1"]["content"] == "党代会、全委会有关工作报告、决议。"
    assert rows["1-2-1"]["time_limit"] == "长期公开"
    assert any(r["responsible_unit"] == "区纪委 区委办 组织部" for r in rows.values())
    assert rows["4-4-2"]["content"] == "群众评议机关作风情况。" and rows["4-4-2"]["responsible_unit"] == "机关工委"


def test_pingluo_catalogue_from_seed_003():
    rows = rows_of("石嘴山市/平罗县/县编办")
    assert len(rows) == 36
    assert rows["1-1-1"]["content"] == "执行中央方针政策，上级党委决策、决议和部署"
    assert (rows["1-1-1"]["forms"], rows["1-1-1"]["scope"], rows["1-1-1"]["time_limit"]) == ("会议、文件、公开栏、网站", "社会", "定期")
    # a merged cell in the source: the second row takes the first one's form, scope and time limit
    assert (rows["1-1-2"]["forms"], rows["1-1-2"]["scope"], rows["1-1-2"]["time_limit"]) == ("会议、文件、公开栏、网站", "社会", "定期")
    assert rows["6-1-1"]["content"] == "群众要求公开且不涉及党内秘密的事项"


def test_export_catalog_json_has_the_filing_fields():
    out = io.StringIO()
    call_command("export_catalog", "龙口市/市科技局党支部", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 76
    assert set(rows[0]) == {"code", "level1", "level2", "content", "scope", "forms", "time_limit", "responsible_unit", "note"}
    assert rows[0]["code"] == "1-1-1"


def test_export_catalog_csv_round_trips():
    out = io.StringIO()
    call_command("export_catalog", "石嘴山市/平罗县/县编办", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 36
    assert rows[0]["forms"] == "会议、文件、公开栏、网站"


def test_export_catalog_unknown_unit_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未找到单位"):
        call_command("export_catalog", "韶关市/不存在的单位")
