"""年度报告 in Chromium: the public list and the demo's published report with its SVG charts drawn, and the
superior's editor in the admin. Screenshots go to test-artifacts/ (annualreport-*.png) for the record."""

import pytest
from playwright.sync_api import expect

from disclosure_pages.demo import DEMO_PASSWORD

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_the_public_reads_the_published_report_with_its_charts(page, site):
    page.goto(site + "/reports/")
    expect(page.locator("h1")).to_have_text("党务公开工作年度报告")
    assert "韶关市2026年度" not in page.content()  # the city's report is a draft
    page.get_by_role("link", name="武江区2026年度党务公开工作年度报告").click()
    charts = page.get_by_role("img")
    expect(page.locator("svg.ar-chart")).to_have_count(5)  # 趋势, 按时率, 依申请, 整改, 量化考核
    expect(charts.filter(has_text="公开事项按月趋势").first).to_be_visible()
    trend = page.locator("#chart-trend")
    assert trend.bounding_box()["height"] > 150
    assert trend.locator("rect.bar").count() == 12
    assert page.locator("#chart-requests text.empty").text_content() == "本年度未收到依申请公开申请"
    assert page.locator("#chart-rectifications rect.bar").count() == 4
    assert page.locator("#chart-assessment rect.bar").count() >= 3
    bulletin = page.locator("#section-inspections").get_by_role("link", name="关于武江区2026年上半年党务公开工作监督检查情况的通报")
    expect(bulletin).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "annualreport-public.png"), full_page=True)
    href = page.get_by_role("link", name="下载PDF").get_attribute("href")
    pdf = page.request.get(site + href, fail_on_status_code=True)
    assert pdf.headers["content-type"] == "application/pdf"


def test_the_superior_opens_the_draft_in_the_admin(page, site):
    login(page, site, "sg_supervisor", DEMO_PASSWORD, "/admin/supervision/reports/")
    page.get_by_role("link", name="韶关市2026年度党务公开工作年度报告").click()
    expect(page.get_by_label("概述（一、总体情况）")).to_be_visible()
    assert "草稿预览" in page.locator(".ar-preview").inner_text()
    page.screenshot(path=str(ARTIFACTS / "annualreport-admin.png"), full_page=True)
