"""A visitor browses a unit's catalogue and reads an item's tables, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_browse_unit_catalogue_to_an_item_with_tables(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="武江区", exact=True).first.click()
    page.get_by_role("link", name="区委办", exact=True).first.click()
    assert page.locator("h1").inner_text() == "区委办"
    tree = page.locator(".catalog-tree.level-1")
    assert "班子成员情况及分工" in tree.inner_text()
    page.get_by_role("link", name=re.compile("班子成员情况及分工")).first.click()
    assert "公开内容" in page.locator(".node-facts").inner_text()
    page.locator(".item-list a").first.click()
    table = page.locator("table.source-form").first
    assert table.is_visible()
    headers = table.locator("th").all_inner_texts()
    assert headers == ["序号", "姓名", "职务", "性别", "联系电话", "分工"]
    assert "填报单位：武江区·区委办" in page.locator(".form-header").first.inner_text()
    assert "党务公开监督小组" in page.locator(".form-footer").first.inner_text()


def test_internal_item_is_not_found_for_the_public(page, site):
    page.goto(site + "/龙口市/市科技局党支部/")
    assert "党费" in page.locator(".catalog-tree.level-1").inner_text()  # the catalogue itself is public
    response = page.goto(site + "/feeds/rss/")
    assert response.status == 200


def test_large_text_and_high_contrast_modes(page, site):
    page.goto(site + "/")
    base_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("link", name="大字号").click()
    assert page.evaluate("document.documentElement.className") == "mode-large"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > base_size
    page.get_by_role("link", name="高对比度").click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.get_by_role("link", name="标准显示").click()
    assert page.evaluate("document.documentElement.className") == ""


def test_keyboard_only_reaches_the_content(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    page.keyboard.press("Enter")
    # following an in-page link updates the URL asynchronously: wait for it, do not read it at once
    expect(page).to_have_url(re.compile(r"#main$"))
    # the search box can be reached and used with the keyboard alone
    page.focus("#home-q")
    page.keyboard.type("党费")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/" in page.url and "q=" in page.url


def test_phone_layout_has_no_horizontal_scroll(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/韶关市/武江区/区委办/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 1
