"""The supervisors' compliance view: scoped to their reach, filtered, rolled up, exported."""

import re
import subprocess

import pytest
from django.urls import reverse

from .conftest import assert_refused

pytestmark = pytest.mark.django_db

URL = "/admin/deadlines/compliance/"


def rows_html(html: str) -> str:
    """The detail table only (the roll-up table above it names regions, not units)."""
    return html.split("明细（", 1)[1]


def all_pages(client, query=""):
    html = client.get(f"{URL}?{query}").content.decode()
    pages = [html]
    page = 2
    while "下一页" in pages[-1]:
        pages.append(client.get(f"{URL}?{query}&p={page}").content.decode())
        page += 1
    return pages


def test_district_supervisor_sees_only_wujiang_units(client, admin_login):
    admin_login("wj_supervisor")
    pages = all_pages(client, "year=2026")
    details = "".join(rows_html(html) for html in pages)
    assert "韶关市/武江区/区委办" in details and "韶关市/武江区/区编办" in details
    assert "浈江区" not in details and "韶关市/市委办" not in details and "龙口市" not in details
    assert "明细（153 条）" in pages[0]  # 9 units × 17 periods
    assert "浈江区" not in pages[0].split("明细（")[0]  # nor in the roll-ups


def test_city_supervisor_sees_all_of_shaoguan(client, admin_login):
    admin_login("sg_supervisor")
    html = client.get(f"{URL}?year=2026").content.decode()
    assert "明细（1683 条）" in html  # 99 units × 17 periods
    summary = html.split("明细（")[0]
    assert "韶关市/武江区" in summary and "韶关市/浈江区" in summary and "龙口市" not in summary
    assert "第 1 / 34 页" in html


@pytest.mark.parametrize("username", ["wj_editor", "wj_member"])
def test_people_without_reach_are_refused(client, admin_login, username):
    admin_login(username)
    response = client.get(URL)
    assert_refused(response)
    assert "区委办" not in response.content.decode()
    assert_refused(client.get(reverse("deadlines:compliance_export", args=["csv"])))


def test_menu_item_shows_for_supervisors_only(client, admin_login):
    admin_login("wj_supervisor")
    assert URL in client.get("/admin/").content.decode()
    admin_login("wj_editor")
    assert URL not in client.get("/admin/").content.decode()


def test_region_rollup_gives_the_on_time_rate(client, admin_login):
    admin_login("wj_supervisor")
    html = client.get(f"{URL}?year=2026").content.decode()
    summary = html.split("明细（")[0]
    # Per unit: 14 periods due (5 on time, 1 zero report, 8 missing) → 6/14.
    assert "42.9%" in summary and "<td class=\"num\">126</td>" in summary


def test_filters_by_state_schedule_and_unit(client, admin_login, unit):
    admin_login("sg_supervisor")
    missing = client.get(f"{URL}?year=2026&state=missing").content.decode()
    assert "明细（792 条）" in missing and "按时公开</span>" not in rows_html(missing)
    annual = client.get(f"{URL}?year=2026&schedule=annual").content.decode()
    assert "明细（297 条）" in annual
    one = unit("韶关市/武江区/区委办")
    only = client.get(f"{URL}?year=2026&scope={one.pk}").content.decode()
    assert "明细（17 条）" in only


def test_scope_outside_reach_is_not_shown(client, admin_login, unit):
    admin_login("wj_supervisor")
    outside = unit("韶关市/浈江区/区委办")
    html = client.get(f"{URL}?year=2026&scope={outside.pk}", follow=True).content.decode()
    assert "筛选条件无效" in html and "浈江区" not in rows_html(html)


def test_due_date_explains_itself(client, admin_login, unit):
    admin_login("wj_supervisor")
    one = unit("韶关市/武江区/区委办")
    html = client.get(f"{URL}?year=2026&scope={one.pk}&schedule=immediate").content.decode()
    assert "月末（零上报周期起算）：2026-09-30" in html and "2026-10-05（国庆节）" in html
    assert "应公开日期：2026-10-08（星期四）" in html


def test_csv_export_is_scoped_and_opens_in_excel(client, admin_login):
    admin_login("wj_supervisor")
    response = client.get(reverse("deadlines:compliance_export", args=["csv"]) + "?year=2026")
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and text.startswith("\ufeff单位,公开代码,目录")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 153
    assert all(line.startswith("韶关市/武江区/") for line in lines[1:])
    assert any("零上报" in line and "2026-05-06" in line for line in lines)


def test_unknown_export_format_is_404(client, admin_login):
    admin_login("wj_supervisor")
    assert client.get(reverse("deadlines:compliance_export", args=["xls"])).status_code == 404


def test_pdf_export_has_extractable_chinese(client, admin_login, unit, tmp_path):
    admin_login("wj_supervisor")
    one = unit("韶关市/武江区/区委办")
    response = client.get(
        reverse("deadlines:compliance_export", args=["pdf"]) + f"?year=2026&scope={one.pk}&schedule=immediate"
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s*\n\s*", "", text)  # long period lists wrap
    assert "党务公开时限督查表（2026年）" in text
    assert "韶关市/武江区/区委办" in text and "党员发展情况" in text and "零上报" in text and "未公开（已逾期19天）" in text
    assert "时限规则：即时（事后5日内）" in text and "班子成员情况及分工" not in text
