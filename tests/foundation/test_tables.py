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
    for text in ["党（总）支部班子成员情况及分工", "填报单位：区委办", "2026年1月8日", "<th scope=\"col\">联系电话</th>",
                 "党（总）支部委会负责人：陈国栋", "制表人：李秀芳", "党务公开监督小组：王强、赵敏",
                 "党（总）支部党费收缴、管理和使用情况", "2026年上半年", "5640.50", "党员缴纳党费金额（元）"]:
        assert text in html, text
    assert "0751-8881234" in html  # office numbers stay
    assert "138****5678" in html and "13812345678" not in html  # personal mobiles are masked
