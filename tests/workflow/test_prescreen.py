"""The automatic pre-screen (自动预审): each kind of finding, and what must not be one."""

from __future__ import annotations

import datetime

import pytest

from review.prescreen import (
    ID_CHECK,
    ID_WEIGHTS,
    Kind,
    id_number_valid,
    luhn_valid,
    scan_item,
    scan_text,
)
from tests.builders import make_item

TODAY = datetime.date(2026, 11, 24)


def id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.value) for f in scan_text(text, "正文", today=TODAY)]


# --- classification marks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["秘密★1年", "机密★", "绝密★长期", "机密 10年", "秘密 ☆ 5年", "密级：秘密", "本件为绝密文件", "内部资料 注意保存", "内部文件", "★"],
)
def test_classification_mark_is_found(text):
    assert [kind for kind, _ in kinds(text)] == [Kind.CLASSIFICATION]


@pytest.mark.parametrize(
    "text",
    [
        "依据《中华人民共和国保守国家秘密法》开展保密审查",
        "凡涉及党和国家秘密的事项不得公开",
        "不得泄露商业秘密和工作秘密",
        "加强内部控制和内部审计",
        "单位内部管理制度",
        "确保信息的机密性",
    ],
)
def test_ordinary_wording_is_not_a_classification_mark(text):
    assert kinds(text) == []


def test_a_table_cell_reading_just_neibu_is_a_mark():
    assert kinds("密级\n内部\n公开范围") == [(Kind.CLASSIFICATION, "内部")]


# --- resident ID numbers --------------------------------------------------------------------


def test_resident_id_with_valid_checksum_is_found_and_masked():
    number = id_number("44020319900307123")
    assert kinds(f"身份证号码：{number}。") == [(Kind.ID_CARD, "440203********" + number[-4:])]


def test_resident_id_ending_in_x_is_found():
    number = next(n for n in (id_number(f"44020319850101{seq:03d}") for seq in range(1000)) if n.endswith("X"))
    assert id_number_valid(number)
    assert kinds(number.lower())[0][0] == Kind.ID_CARD


def test_resident_id_with_wrong_checksum_is_not_reported():
    number = id_number("44020319900307123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert not id_number_valid(wrong)
    assert Kind.ID_CARD not in [kind for kind, _ in kinds(wrong)]


@pytest.mark.parametrize("birth", ["19900230", "19901301", "20300101", "18991231"])
def test_resident_id_with_impossible_birth_date_is_not_an_id(birth):
    number = id_number(f"440203{birth}123")
    assert not id_number_valid(number, today=TODAY)


def test_resident_id_inside_a_longer_number_is_not_an_id():
    number = id_number("44020319900307123")
    assert Kind.ID_CARD not in [kind for kind, _ in kinds(f"9{number}1")]


# --- mobile numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["联系电话13812345678", "138-1234-5678", "138 1234 5678", "+86 13812345678", "１３８１２３４５６７８"])
def test_mobile_number_is_found_and_masked(text):
    assert kinds(text) == [(Kind.MOBILE, "138****5678")]


@pytest.mark.parametrize("text", ["0751-8881234", "12345678901", "2213812345678", "文号20261381234567"])
def test_office_numbers_and_longer_runs_are_not_mobiles(text):
    assert Kind.MOBILE not in [kind for kind, _ in kinds(text)]


# --- bank cards -----------------------------------------------------------------------------


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize("text", ["卡号6222021001116245702", "6222 0210 0111 6245 702", "4111111111111111"])
def test_bank_card_passing_luhn_is_found(text):
    digits = "".join(c for c in text if c.isdigit())
    assert luhn_valid(digits)
    assert kinds(text) == [(Kind.BANK_CARD, digits[:4] + "*" * (len(digits) - 8) + digits[-4:])]


def test_bank_card_failing_luhn_or_too_long_is_not_reported():
    assert kinds("4111111111111112") == []
    assert kinds("41111111111111111111") == []


def test_findings_never_show_a_neighbours_number_in_their_context():
    number = id_number("44020319900307123")
    findings = scan_text(f"{number}，13812345678，4111111111111111", "正文", today=TODAY)
    assert [f.kind for f in findings] == [Kind.ID_CARD, Kind.MOBILE, Kind.BANK_CARD]
    for finding in findings:
        assert number not in finding.context and "13812345678" not in finding.context
        assert "4111111111111111" not in finding.context


# --- over an item ---------------------------------------------------------------------------


def test_scan_item_reads_title_body_tables_and_attachment_text(db):
    item = make_item(
        title="秘密★ 测试",
        body="<p>联系人手机 13812345678</p>",
        tables=[
            {
                "type": "leadership",
                "value": {
                    "fill_date": "2026-01-05",
                    "rows": [{"name": "张三", "position": "书记", "gender": "男", "phone": "13912345678", "duties": ""}],
                    "leader": "",
                    "tabulator": "",
                    "supervision": "",
                },
            }
        ],
    )
    sources = {(f.source, f.kind) for f in scan_item(item)}
    assert ("标题", Kind.CLASSIFICATION) in sources
    assert ("公开正文", Kind.MOBILE) in sources
    assert ("标准表格", Kind.MOBILE) in sources
