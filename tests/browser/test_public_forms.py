"""A visitor files an on-request disclosure (依申请公开) and follows it, and searches with facets, in Chromium.

The participation views rate-limit POSTs per address (5 submissions and 30 status checks an hour,
in the server's local-memory cache, shared by the whole browser session): this module makes only
two submissions and two status checks, so keep it that way when adding tests.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import RESULT, server_shell

pytestmark = pytest.mark.browser

REGION, UNIT = "韶关市/武江区", "区委办"
TOTAL_RE = re.compile(r"公开信息 (\d+) 条")


def _choose_unit(page, region: str, unit: str) -> str:
    """Select `unit` under the optgroup `region` (several regions have a 区委办); returns its value."""
    option = page.locator(f'#id_unit optgroup[label="{region}"] option').filter(has_text=re.compile(f"^{unit}$"))
    expect(option).to_have_count(1)
    value = option.get_attribute("value")
    page.select_option("#id_unit", value=value)
    return value


def _dangling_describedby(page) -> list[str]:
    """aria-describedby references in the form that point at no element (screen readers then read nothing)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('form [aria-describedby]')].flatMap(el =>
              el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
                .map(id => `${el.name} -> #${id}`))"""
    )


def _request_count(server_env, applicant_name: str) -> int:
    return server_shell(
        server_env,
        "import json; from participation.models import DisclosureRequest;"
        f"print({RESULT!r} + json.dumps(DisclosureRequest.objects.filter(applicant_name={applicant_name!r}).count()))",
    )


# --- on-request disclosure ----------------------------------------------------------------------


def test_request_submitted_then_followed_with_number_and_code(page, browser, site):
    token = uuid.uuid4().hex[:8]
    page.goto(site + "/requests/new/")
    assert page.locator("h1").inner_text() == "提交依申请公开申请"
    _choose_unit(page, REGION, UNIT)
    page.get_by_label("申请人姓名").fill("张三丰")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("申请公开的内容").fill(f"请公开区委办2025年党费收缴情况（{token}）")
    page.get_by_label("用途").fill("了解本单位党费使用情况")
    page.get_by_role("button", name="提交申请").click()

    expect(page).to_have_url(re.compile(r"/requests/received/$"))
    expect(page.locator("h1")).to_have_text("申请已提交")
    number = page.locator("#tracking-number").inner_text().strip()
    code = page.locator("#secret-code").inner_text().strip()
    assert re.fullmatch(r"YSQ-\d{4}-\d{6}", number), number
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    # the code is shown once only: a reload no longer has it
    page.reload()
    expect(page.locator("h1")).to_have_text("申请编号与查询码")
    expect(page.locator("#secret-code")).to_have_count(0)
    assert code not in page.content()

    # another visitor (no session) who knows the number but not the code learns nothing
    stranger = browser.new_context(locale="zh-CN")
    try:
        other = stranger.new_page()
        other.goto(f"{site}/requests/status/{number}/")
        expect(other).to_have_url(re.compile(r"/requests/status/\?number="))
        expect(other.get_by_label("申请编号")).to_have_value(number)
        wrong = code[:-1] + ("B" if code[-1] != "B" else "C")
        other.get_by_label("查询码").fill(wrong)
        other.get_by_role("button", name="查询").click()
        expect(other.locator(".form-errors")).to_contain_text("申请编号或查询码不正确")
        expect(other).to_have_url(re.compile(r"/requests/status/$"))
        expect(other.get_by_label("查询码")).to_have_value("")  # the typed secret is not echoed back
        body = other.locator("main").inner_text()
        assert "办理状态" not in body and token not in body and "张" not in body

        # the right code (typed in lower case, as people do) opens the request's page
        other.get_by_label("申请编号").fill(number)
        other.get_by_label("查询码").fill(code.lower())
        other.get_by_role("button", name="查询").click()
        expect(other).to_have_url(re.compile(rf"/requests/status/{number}/$"))
        expect(other.locator("h1")).to_have_text(f"申请 {number}")
        meta = other.locator("dl.item-meta")
        expect(meta.locator("dt:has-text('办理状态') + dd")).to_contain_text("已提交")
        expect(meta.locator("dt:has-text('受理单位') + dd")).to_have_text("武江区·区委办")  # units are named with their region
        expect(meta.locator("dt:has-text('申请人') + dd")).to_have_text("张**")
        expect(meta.locator("dt:has-text('联系方式') + dd")).to_have_text("138****5678")
        expect(other.locator(".pp-text")).to_contain_text(token)
        expect(other.locator(".pp-timeline")).to_contain_text("提交申请")
    finally:
        stranger.close()


def test_request_missing_field_shows_chinese_error_and_keeps_input(page, site, server_env):
    name = f"李{uuid.uuid4().hex[:6]}"
    purpose = "用于学术研究\n第二行说明"
    page.goto(site + "/requests/new/")
    unit_value = _choose_unit(page, REGION, UNIT)
    page.get_by_label("申请人姓名").fill(name)
    page.get_by_label("联系电话").fill("0751-1234567")
    page.get_by_label("电子邮箱").fill("li@example.com")
    page.get_by_label("用途").fill(purpose)
    # 申请公开的内容 left empty
    page.get_by_role("button", name="提交申请").click()

    error_field = page.locator(".pp-field--error")
    expect(error_field).to_have_count(1)
    expect(error_field.locator(".errorlist")).to_have_text("请填写申请公开的内容。")
    expect(page.get_by_label("申请公开的内容")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/requests/new/$"))
    # everything typed is still there
    expect(page.locator("#id_unit")).to_have_value(unit_value)
    expect(page.get_by_label("申请人姓名")).to_have_value(name)
    expect(page.get_by_label("联系电话")).to_have_value("0751-1234567")
    expect(page.get_by_label("电子邮箱")).to_have_value("li@example.com")
    expect(page.get_by_label("用途")).to_have_value(purpose)
    # what the fields point at for screen readers (help texts, the error) exists
    assert _dangling_describedby(page) == []
    assert _request_count(server_env, name) == 0


# --- search with facets -------------------------------------------------------------------------


def _total(page) -> int:
    summary = page.locator(".search-summary [role=status]")
    expect(summary).to_be_visible()
    return int(TOTAL_RE.search(summary.inner_text()).group(1))


def _facet_option(page, facet: str, label: str):
    section = page.locator(f"section.facet:has(#facet-{facet})")
    option = section.locator("a.facet-option").filter(
        has=page.locator(".facet-label", has_text=re.compile(f"^{label}"))
    )
    if not option.is_visible():  # beyond the first few options: under 更多
        section.locator("details > summary").click()
    expect(option).to_be_visible()
    return option


def expect_chips(page, labels: list[str]) -> None:
    """The chips of the chosen filters, each with its own way to be removed."""
    chips = page.locator(".search-filters .search-chip")
    expect(chips).to_have_count(len(labels))
    for chip, label in zip(chips.all(), labels, strict=True):
        expect(chip).to_contain_text(label)
        expect(chip).to_contain_text("取消此条件")


def _count_of(option) -> int:
    return int(option.locator(".count").inner_text())


def _metas(page) -> list[str]:
    return page.locator(".search-results > li .meta").all_inner_texts()


def _dates(page) -> list[str]:
    return [t.get_attribute("datetime") for t in page.locator(".search-results > li .meta time").all()]


def test_search_from_home_page_highlights_matches(page, site):
    page.goto(site + "/")
    page.fill("#home-q", "党费")
    page.locator("#home-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=%E5%85%9A%E8%B4%B9$"))
    expect(page.locator("#search-q")).to_have_value("党费")
    assert _total(page) > 10
    results = page.locator(".search-results > li")
    expect(results).to_have_count(10)
    for index in range(10):
        marks = results.nth(index).locator("mark")  # real elements, not escaped text
        assert marks.count() >= 1, results.nth(index).inner_text()
        assert set(marks.all_inner_texts()) == {"党费"}
    expect(page.locator(".search-snippet mark").first).to_be_visible()
    assert "<mark>" not in page.locator(".search-results").inner_text()


def test_facets_narrow_combine_remove_then_sort_and_page(page, site):
    page.goto(site + "/search/")
    page.fill("#search-q", "党费")
    page.locator("form.big-search").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"q=%E5%85%9A%E8%B4%B9"))
    everything = _total(page)

    # a region narrows the results to that region, and the count is the facet's
    region = _facet_option(page, "region", "武江区")
    region_count = _count_of(region)
    region.click()
    expect(page).to_have_url(re.compile(r"region=%E6%AD%A6%E6%B1%9F%E5%8C%BA"))
    assert _total(page) == region_count < everything
    assert all(meta.startswith(REGION + "/") for meta in _metas(page)), _metas(page)
    expect(_facet_option(page, "region", "武江区")).to_have_attribute("aria-current", "true")
    expect_chips(page, ["区域：武江区"])

    # a year on top: both hold
    year = _facet_option(page, "year", "2025年")
    year_count = _count_of(year)
    year.click()
    expect(page).to_have_url(re.compile(r"year=2025"))
    assert _total(page) == year_count < region_count
    titles = page.locator(".search-results > li h3").all_inner_texts()
    assert titles and all("2025年" in title for title in titles), titles
    assert all(meta.startswith(REGION + "/") for meta in _metas(page))
    expect_chips(page, ["区域：武江区", "年度：2025年"])

    # removing the year brings back the region's results only
    page.locator(".search-chip", has_text="年度：2025年").click()
    expect(page).not_to_have_url(re.compile(r"year="))
    assert _total(page) == region_count
    expect_chips(page, ["区域：武江区"])

    # sort by date (newest first), keeping the filter
    page.get_by_role("link", name="按发布时间").click()
    expect(page).to_have_url(re.compile(r"sort=date"))
    expect(page.locator(".search-sort strong[aria-current]")).to_have_text("按发布时间")
    first_dates = _dates(page)
    assert first_dates == sorted(first_dates, reverse=True), first_dates
    assert _total(page) == region_count

    # page 2: further down the same ordering, same filter
    assert region_count > 10, "not enough results for a second page"
    first_titles = page.locator(".search-results > li h3").all_inner_texts()
    page.locator(".search-pagination").get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".search-pagination strong[aria-current=page]")).to_have_text("2")
    expect(page.locator(".search-results")).to_have_attribute("start", "11")
    expect(page.locator(".search-summary [role=status]")).to_contain_text("第 2 / ")
    second_dates = _dates(page)
    assert second_dates == sorted(second_dates, reverse=True) and second_dates[0] <= first_dates[-1]
    assert not set(page.locator(".search-results > li h3").all_inner_texts()) & set(first_titles)
    assert all(meta.startswith(REGION + "/") for meta in _metas(page))
    assert "sort=date" in page.url and "region=" in page.url


def test_no_results_page_helps(page, site):
    page.goto(site + "/search/")
    page.fill("#search-q", "量子纠缠")
    page.locator("form.big-search").get_by_role("button", name="搜索").click()
    empty = page.locator(".search-empty")
    expect(empty.locator("h2")).to_have_text("没有找到与“量子纠缠”相关的公开信息")
    expect(empty).to_contain_text("检查是否有错别字")
    expect(empty.get_by_role("link", name="首页")).to_have_attribute("href", "/")
    expect(page.locator(".search-results")).to_have_count(0)

    # with a filter chosen, the page offers to drop it
    page.goto(site + "/search/?q=量子纠缠&region=武江区")
    empty.get_by_role("link", name="去掉筛选条件").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=%E9%87%8F%E5%AD%90%E7%BA%A0%E7%BC%A0$"))
    expect(page.locator(".search-chip")).to_have_count(0)


@pytest.mark.parametrize(
    "typed",
    ['"党费 AND (', "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>'],
)
def test_malformed_query_gives_a_normal_page_and_runs_nothing(page, site, typed):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site + "/search/")
    page.fill("#search-q", typed)
    with page.expect_navigation() as navigation:
        page.locator("#search-q").press("Enter")
    assert navigation.value.status == 200
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("信息检索")
    expect(page.locator("#search-q")).to_have_value(typed)
    # shown as text, nowhere turned into markup
    expect(page.locator(".search-empty h2")).to_have_text(f"没有找到与“{typed}”相关的公开信息")
    assert page.locator("main script, main img").count() == 0
    assert dialogs == []
