"""Each unit's public page tells whether its public catalogue's latest periods were disclosed on time."""

import datetime

import pytest

from tests.builders import make_item

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


def timeliness(client, path):
    html = client.get(path).content.decode()
    assert "公开时效" in html
    return html.split('id="timeliness-heading"', 1)[1].split("</section>", 1)[0]


def row_of(section: str, code: str) -> str:
    return section.split(f'<span class="code">{code}</span>', 1)[1].split("</tr>", 1)[0]


def test_unit_page_shows_the_latest_due_period_of_each_public_node(client):
    section = timeliness(client, "/韶关市/武江区/区委办/")
    assert "2026年度" in row_of(section, "1-1-1") and "按时公开" in row_of(section, "1-1-1")
    assert "2026年上半年" in row_of(section, "1-1-4") and "2026-07-15" in row_of(section, "1-1-4")
    assert "2026年10月" in row_of(section, "1-1-5") and "未公开（已逾期19天）" in row_of(section, "1-1-5")


def test_internal_items_do_not_count_publicly(client):
    make_item(WJ, "1-1-5", title="内部发展党员情况", scope="party", period={"event_date": "2026-10-12"},
              published=datetime.date(2026, 10, 13))
    section = timeliness(client, "/韶关市/武江区/区委办/")
    assert "未公开" in row_of(section, "1-1-5") and "内部发展党员情况" not in section


def test_internal_nodes_are_never_listed(client):
    section = timeliness(client, "/龙口市/市科技局党支部/")
    assert '<span class="code">1-1-1</span>' in section  # 社会
    assert '<span class="code">1-2-2</span>' not in section  # 党支部委员、第二纪检组
    assert '<span class="code">3-3-1</span>' not in section  # 全体党员
    assert "尚无已到期的公开期次" in row_of(section, "3-1-1")  # fixed, nothing happened
