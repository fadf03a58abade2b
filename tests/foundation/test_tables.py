"""The five standard tables (seed 000 表一–表五): validated, and rendered like the source forms."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from disclosure_pages.blocks import (
    LeadershipTableBlock,
    MemberDevelopmentTableBlock,
    PartyDuesTableBlock,
    TermGoalsTableBlock,
)

pytestmark = pytest.mark.django_db

FOOTER = {"leader": "陈国栋", "tabulator": "李秀芳", "supervision": "王强、赵敏"}


def clean(block, raw):
    return block.clean(block.to_python(raw))


def test_party_dues_amounts_are_decimals():
    value = clean(
        PartyDuesTableBlock(),
        {"fill_date": "2026-07-08", "year": 2026, "half": "上", "rows": [{"members": 32, "paid": "5640.50", "remitted": "5640.50", "returned": "0", "allocated": "1200", "usage": "订阅党报党刊"}], **FOOTER},
    )
    assert value["rows"][0]["paid"] == Decimal("5640.50")


def test_party_dues_rejects_negative_amounts_and_bad_half():
    with pytest.raises((ValidationError, StructBlockValidationError)):
        clean(PartyDuesTableBlock(), {"fill_date": "2026-07-08", "year": 2026, "half": "上", "rows": [{"members": 3, "paid": "-1"}], **FOOTER})
    with pytest.raises((ValidationError, StructBlockValidationError)):
        clean(PartyDuesTableBlock(), {"fill_date": "2026-07-08", "year": 2026, "half": "中", "rows": [{"members": 3}], **FOOTER})


def test_leadership_phone_must_be_a_phone_number():
    with pytest.raises((ValidationError, StructBlockValidationError)):
        clean(LeadershipTableBlock(), {"fill_date": "2026-01-08", "rows": [{"name": "张三", "position": "书记", "gender": "男", "phone": "打电话给我"}], **FOOTER})
    ok = clean(LeadershipTableBlock(), {"fill_date": "2026-01-08", "rows": [{"name": "张三", "position": "书记", "gender": "男", "phone": "0751-8881234"}], **FOOTER})
    assert ok["rows"][0]["phone"] == "0751-8881234"


def test_term_goals_end_year_not_before_start_year():
    with pytest.raises(StructBlockValidationError):
        clean(TermGoalsTableBlock(), {"fill_date": "2026-01-08", "start_year": 2026, "end_year": 2024, "content": "目标", **FOOTER})


def test_member_development_joined_after_eighteen():
    raw = {"fill_date": "2026-03-01", "rows": [{"year": 2026, "name": "刘洋", "gender": "女", "birth": "2010-05", "education": "高中", "joined": "2026-02-01", "sponsor": "陈国栋", "department": "办公室"}], **FOOTER}
    with pytest.raises((ValidationError, StructBlockValidationError)):
        clean(MemberDevelopmentTableBlock(), raw)
    raw["rows"][0]["birth"] = "1995-05"
    value = clean(MemberDevelopmentTableBlock(), raw)
    assert value["rows"][0]["joined"] == datetime.date(2026, 2, 1)


def test_tables_render_like_the_source_forms(client, item_factory):
    tables = [
        {"type": "leadership", "value": {"fill_date": "2026-01-08", "rows": [
            {"name": "陈国栋", "position": "书记", "gender": "男", "phone": "0751-8881234", "duties": "主持全面工作"},
            {"name": "李秀芳", "position": "副书记", "gender": "女", "phone": "13812345678", "duties": "党建日常工作"},
        ], **FOOTER}},
        {"type": "party_dues", "value": {"fill_date": "2026-07-08", "year": 2026, "half": "上", "rows": [
            {"members": 32, "paid": "5640.50", "remitted": "5640.50", "returned": "0.00", "allocated": "1200.00", "usage": "订阅党报党刊"},
        ], **FOOTER}},
    ]
    item = item_factory("韶关市/武江区/区委办", "1-1-1", title="区委办班子成员情况及分工", tables=tables)
    response = client.get(item.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["党（总）支部班子成员情况及分工", "填报单位：武江区·区委办", "2026年1月8日", "<th scope=\"col\">联系电话</th>",
                 "党（总）支部委会负责人：陈国栋", "制表人：李秀芳", "党务公开监督小组：王强、赵敏",
                 "党（总）支部党费收缴、管理和使用情况", "2026年上半年", "5640.50", "党员缴纳党费金额（元）"]:
        assert text in html, text
    assert "0751-8881234" in html  # office numbers stay
    assert "138****5678" in html and "13812345678" not in html  # personal mobiles are masked


# --- editing as the forms read ---------------------------------------------------------------


@pytest.mark.parametrize(
    "block", [LeadershipTableBlock(), TermGoalsTableBlock(), PartyDuesTableBlock(), MemberDevelopmentTableBlock()]
)
def test_table_form_asks_for_the_rows_before_the_footer(block):
    from wagtail.admin.telepath import JSContext

    block.set_name("table")
    order = block.meta.form_layout.get_sorted_block_names()
    assert order[-3:] == ["leader", "tabulator", "supervision"]
    assert order.index("fill_date") < order.index("leader")
    if "rows" in order:
        assert order.index("rows") < order.index("leader")
    # What the editor's JavaScript receives: the footer is the last group of the form.
    layout = JSContext().pack(block)["_args"][2]["formLayout"]["_args"][0]["children"]
    assert layout[-1][0]["_args"][0]["heading"] == "签署栏"


def _add_form(client, user, node):
    from django.urls import reverse

    client.force_login(user)
    response = client.get(reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", node.pk]))
    assert response.status_code == 200
    return response.context["form"], response.content.decode()


def test_new_item_period_and_approval_fields_are_preset_from_the_node(client, user_named):
    from tests.builders import node_for

    half_year = node_for("韶关市/武江区/区委办", "1-1-4")  # 半年公开
    form, _ = _add_form(client, user_named("wj_editor"), half_year)
    assert form["period_type"].value() == "half"
    assert form["half"].value() in (1, 2)
    assert form["requirement"].value() == "regular"  # 定期公开
    assert form["method"].value() == "society"  # 社会 node

    annual = node_for("韶关市/武江区/区委办", "1-1-3")
    assert _add_form(client, user_named("wj_editor"), annual)[0]["period_type"].value() == "year"
    immediate = node_for("韶关市/武江区/区委办", "1-1-5")
    form, _ = _add_form(client, user_named("wj_editor"), immediate)
    assert form["period_type"].value() == "event" and form["requirement"].value() == "anytime"


def test_platforms_are_boxes_from_the_catalogue_not_free_text(client, user_named):
    from tests.builders import node_for

    node = node_for("韶关市/武江区/区委办", "1-1-1")
    words = ["互联网", "手机短信", "人工坐席服务", "数字电视服务"]
    assert node.forms == "、".join(words)
    form, html = _add_form(client, user_named("wj_editor"), node)
    field = form.fields["platforms"]
    choices = [value for value, _ in field.choices]
    assert choices[: len(words)] == words
    assert "新闻发布会" in choices and "会议" in choices  # the approval form's own platforms follow
    assert form["platforms"].value() == words
    assert 'type="checkbox" name="platforms"' in html
    assert field.clean([choices[0], "会议"]) == f"{choices[0]}、会议"


def test_method_choices_follow_the_catalogue_row():
    from disclosure_pages.forms import methods_for

    assert methods_for("党内公开或社会公开") == ["party", "society"]
    assert methods_for("社会") == ["society"]
    assert methods_for("全体党员") == ["party"]
