"""axe-core (from the npm registry) over the main public pages: no serious or critical violations."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/韶关市/", "/韶关市/武江区/区委办/", "/龙口市/市科技局党支部/", "/accounts/login/"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail("node_modules/axe-core 未安装：请运行 make install（npm ci）")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("mode", ["standard", "contrast"])
def test_no_serious_accessibility_violations(browser, site, axe_source, path, mode):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    if mode != "standard":
        page.goto(f"{site}/display/{mode}/")
    page.goto(site + path)
    problems = serious_violations(page, axe_source)
    context.close()
    assert problems == []


def test_an_item_page_is_accessible(browser, site, axe_source):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(site + "/韶关市/武江区/区委办/1/1-1/1-1-4/")
    page.locator(".item-list a").first.click()
    problems = serious_violations(page, axe_source)
    context.close()
    assert problems == []
