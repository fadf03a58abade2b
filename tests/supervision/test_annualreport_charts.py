"""年度报告 charts (SVG that parses, with a bar per value and its value written, an empty state) and the
published report's PDF read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from supervision import charts
from supervision.annual_report import figures_of, items_charts, ontime_charts, requests_charts
from supervision.models import AnnualReport

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def bars(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == "bar"]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [el.text for el in root.iter(f"{SVG}text") if el.get("class") == cls]


def month_data(counts):
    return {"by_month": [{"month": i + 1, "count": n, "by_scope": [n, 0, 0]} for i, n in enumerate(counts)]}


def test_trend_by_month_has_twelve_bars_with_their_values():
    root = parse(items_charts(month_data([0, 0, 2, 0, 7, 0, 0, 0, 0, 0, 0, 1]))[0])
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "公开事项按月趋势"
    assert "3月2项" in root.find(f"{SVG}desc").text
    assert len(bars(root)) == 12
    heights = [float(bar.get("height")) for bar in bars(root)]
    assert heights[4] > heights[2] > heights[11] > 0 == heights[0]
    assert texts(root, "value") == ["2", "7", "1"]  # a zero month has no value written on it
    assert texts(root, "axis-label") == ["月份", "事项数（项）"]


def test_empty_charts_say_so_instead_of_drawing_an_axis():
    for svg, message in [
        (items_charts(month_data([0] * 12))[0], "本年度尚无公开事项"),
        (ontime_charts({"units": []})[0], "本年度尚无到期的公开期次"),
        (
            requests_charts({"received": 0, "refused": 0, "pending": 0, "by_outcome": [{"label": "予以公开", "count": 0}]})[0],
            "本年度未收到依申请公开申请",
        ),
    ]:
        root = parse(svg)
        assert bars(root) == []
        assert texts(root, "empty") == [message]
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text


def test_on_time_by_unit_is_horizontal_bars_lowest_first_with_rates_written():
    units = [{"name": "区委办", "due": 4, "met": 1, "rate": 0.25}, {"name": "区纪委", "due": 2, "met": 2, "rate": 1.0}]
    root = parse(ontime_charts({"units": units})[0])
    widths = [float(bar.get("width")) for bar in bars(root)]
    assert widths[1] == pytest.approx(4 * widths[0])
    assert texts(root, "value") == ["25.0%（1/4）", "100.0%（2/2）"]
    assert "区委办25.0%（1/4期）" in root.find(f"{SVG}desc").text


def test_requests_by_outcome_shows_refused_and_pending_too():
    data = {
        "received": 3,
        "refused": 1,
        "pending": 1,
        "by_outcome": [{"label": "予以公开", "count": 0}, {"label": "部分公开", "count": 1}],
    }
    root = parse(requests_charts(data)[0])
    assert len(bars(root)) == 4
    assert texts(root, "value") == ["0件", "1件", "1件", "1件"]


def test_labels_are_escaped():
    svg = charts.hbar_chart(key="x", title="<b>", desc="&", labels=["a<b"], values=[1], texts=["1"], x_label="x", empty_text="")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<b>"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.django_db
def test_the_published_demo_report_pdf_reads_back():
    report = AnnualReport.objects.get(subject__title="武江区", year=2026)
    response = Client().get(f"/reports/2026/{report.subject_id}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    figures = figures_of(report)
    assert "武江区2026年度党务公开工作年度报告" in flat
    for heading in ["一、总体情况", "二、主动公开情况", "三、按时公开和零上报情况", "四、依申请公开办理情况", "公开事项按月趋势", "各单位按时率", "依申请公开办理结果"]:
        assert heading in flat, heading
    assert f"主动公开党务事项{figures.sections['items']['total']}项" in flat
    assert "逾期和未公开的期次已逐一通报所在单位" in flat  # the superior's note
    if figures.sections["ontime"]["rate"] is not None:
        assert f"按时率{100 * figures.sections['ontime']['rate']:.1f}%" in flat
