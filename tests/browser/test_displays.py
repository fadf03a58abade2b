"""数字电视 by remote control alone and the 党务公开栏 touch screen, in a real browser.

Both pages read the public API; an internal (党内) item planted beside the public ones must never
reach either screen. The kiosk's timers run on Playwright's fake clock, so no test waits a minute.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from displays.qr import qr_svg_data_uri

from .conftest import RESULT, server_shell
from .test_accessibility import AXE, serious_violations

pytestmark = pytest.mark.browser

WJ = "韶关市/武江区/区委办"


def plant(server_env, token: str) -> dict:
    """Three public items (newest last) and a newer 党内 one in 武江区·区委办 (under 1-1-5, which no other browser
    test reads: they stay in the session's database), seconds apart: newer than any planted before."""
    return server_shell(
        server_env,
        "import datetime, json; from django.utils import timezone;"
        "from disclosure_pages.selectors import find_unit, catalog_nodes_by_code;"
        "from disclosure_pages.services import item_create_published;"
        f"unit = find_unit({WJ!r}); n = catalog_nodes_by_code(unit)['1-1-5'];"
        "now = timezone.now(); ids = {};"
        f"ids['a'] = item_create_published(node=n, title='屏幕甲{token}', body='<p>甲正文{token}</p>', scope='public',"
        " published_at=now - datetime.timedelta(seconds=3), doc_number='武区委办〔2026〕11号').pk;"
        f"ids['b'] = item_create_published(node=n, title='屏幕乙{token}', body='<p>乙正文第一段{token}</p><p>乙正文第二段</p>',"
        " scope='public', published_at=now - datetime.timedelta(seconds=2)).pk;"
        f"ids['c'] = item_create_published(node=n, title='屏幕丙{token}', body='<p>丙正文{token}</p>', scope='public',"
        " published_at=now - datetime.timedelta(seconds=1)).pk;"
        f"ids['party'] = item_create_published(node=n, title='党内针{token}', body='<p>党内正文{token}</p>', scope='party',"
        " published_at=now).pk;"
        "ids['unit'] = unit.pk; ids['region'] = unit.get_parent().pk;"
        f"print({RESULT!r} + json.dumps(ids))",
    )


def focused_title(page) -> str:
    return page.evaluate(
        "() => { const t = document.activeElement.querySelector('.tv-tile-title');"
        " return t ? t.textContent : ''; }"
    )


def walk_to(page, name: str) -> None:
    """Arrow keys only, in a serpentine over the grid, until the tile `name` has the focus."""
    expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
    direction = "ArrowRight"
    for _ in range(80):
        if focused_title(page) == name:
            return
        before = focused_title(page)
        page.keyboard.press(direction)
        if focused_title(page) == before:
            page.keyboard.press("ArrowDown")
            if focused_title(page) == before:
                break
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
    assert focused_title(page) == name, f"没有走到 {name}（焦点在 {focused_title(page)}）"


def test_tv_walks_region_unit_item_and_back_by_remote_keys_alone(page, site, server_env):
    token = uuid.uuid4().hex[:6]
    plant(server_env, token)
    page.goto(f"{site}/display/tv/")
    tiles = page.locator(".tv-tile")
    expect(tiles.first).to_be_focused()
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px")) >= 32
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(ring.removesuffix("px")) >= 4

    walk_to(page, "韶关市")
    page.keyboard.press("Enter")
    expect(page.locator("#tv-title")).to_have_text("韶关市：请选择单位")
    walk_to(page, "武江区")
    page.keyboard.press("Enter")
    expect(page.locator("#tv-title")).to_have_text("武江区：请选择单位")
    walk_to(page, "区委办")
    page.keyboard.press("Enter")
    expect(page.locator("#tv-title")).to_have_text("区委办：最新公开信息")
    # Newest first, and the newer 党内 item is not among them.
    expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
    expect(tiles.first).to_be_focused()
    expect(tiles.first.locator(".tv-tile-title")).to_have_text(f"屏幕丙{token}")
    walk_to(page, f"屏幕甲{token}")
    page.keyboard.press("Enter")

    item = page.locator("#tv-item")
    expect(item).to_be_visible()
    expect(page.locator("#tv-title")).to_have_text(f"屏幕甲{token}")
    expect(item).to_contain_text("武江区·区委办")
    expect(item).to_contain_text("武区委办〔2026〕11号")
    expect(item).to_contain_text(f"甲正文{token}")
    expect(item).to_contain_text("年")  # the date, 2026年12月3日
    assert f"党内针{token}" not in page.inner_text("body")

    page.keyboard.press("Backspace")
    expect(item).to_be_hidden()
    expect(page.locator("#tv-title")).to_have_text("区委办：最新公开信息")
    expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
    assert focused_title(page) == f"屏幕甲{token}"  # back where OK was pressed
    page.keyboard.press("Escape")
    expect(page.locator("#tv-title")).to_have_text("武江区：请选择单位")
    expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
    assert focused_title(page) == "区委办"
    page.go_back()  # the browser's own back is the same step
    expect(page.locator("#tv-title")).to_have_text("韶关市：请选择单位")
    expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
    assert focused_title(page) == "武江区"
    assert f"党内针{token}" not in page.inner_text("body")
    assert page.locator("input, textarea").count() == 0


def test_tv_says_so_in_chinese_when_the_api_fails_and_retries(page, site):
    page.clock.install()
    page.route("**/api/v2/**", lambda route: route.abort())
    page.goto(f"{site}/display/tv/")
    expect(page.locator("#tv-status")).to_contain_text("暂时无法获取公开信息")
    page.unroute("**/api/v2/**")
    page.clock.fast_forward(16_000)
    expect(page.locator(".tv-tile").first).to_be_focused()
    expect(page.locator("#tv-status")).to_be_hidden()


def test_kiosk_rotates_opens_on_a_touch_and_returns_after_a_minute_idle(browser, site, server_env):
    token = uuid.uuid4().hex[:6]
    ids = plant(server_env, token)
    context = browser.new_context(locale="zh-CN", has_touch=True, viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.clock.install()
        page.goto(f"{site}/display/kiosk/{ids['unit']}/")
        slide = page.locator("#kiosk-slide")
        expect(slide.locator('[data-field="title"]')).to_have_text(f"屏幕丙{token}")
        page.clock.fast_forward(15_500)  # DISPLAY_KIOSK_ROTATE_SECONDS
        expect(slide.locator('[data-field="title"]')).to_have_text(f"屏幕乙{token}")
        expect(slide.locator('[data-field="excerpt"]')).to_contain_text(f"乙正文第一段{token}")

        slide.tap()
        item = page.locator("#kiosk-item")
        expect(item).to_be_visible()
        expect(item.locator("h2")).to_have_text(f"屏幕乙{token}")
        expect(item.locator(".kiosk-body p")).to_have_count(2)
        qr = page.locator("#kiosk-qr")
        expect(qr).to_have_attribute("src", f"/display/qr/item/{ids['b']}.svg")
        page.clock.fast_forward(40_000)  # no rotation under an opened item
        expect(item.locator("h2")).to_have_text(f"屏幕乙{token}")
        item.locator('[data-field="body"]').tap()  # a touch starts the minute again
        page.clock.fast_forward(40_000)
        expect(item).to_be_visible()
        page.clock.fast_forward(21_000)  # DISPLAY_KIOSK_IDLE_SECONDS after the last touch
        expect(item).to_be_hidden()
        expect(slide).to_be_visible()

        # The 点题栏: the unit's feedback form, drawn by the server as SVG.
        feedback = f"{site}/feedback/unit/{ids['unit']}/"
        expect(qr).to_have_attribute("data-feedback-url", feedback)
        assert qr.get_attribute("src") == qr_svg_data_uri(feedback)
        assert page.evaluate("document.getElementById('kiosk-qr').naturalWidth") > 0
        assert f"党内针{token}" not in page.inner_text("body")

        # A title in the list opens that item directly.
        page.locator(".kiosk-entry", has_text=f"屏幕甲{token}").tap()
        expect(item.locator("h2")).to_have_text(f"屏幕甲{token}")
        expect(item).to_contain_text("武区委办〔2026〕11号")
        page.locator("#kiosk-back").tap()
        expect(item).to_be_hidden()
        form = page.request.get(feedback)
        assert form.ok and 'name="content"' in form.text()
    finally:
        context.close()


def test_kiosk_keeps_rotating_what_it_has_when_the_network_fails(page, site, server_env):
    token = uuid.uuid4().hex[:6]
    ids = plant(server_env, token)
    page.clock.install()
    page.goto(f"{site}/display/kiosk/{ids['region']}/")
    title = page.locator('#kiosk-slide [data-field="title"]')
    expect(title).to_have_text(f"屏幕丙{token}")
    # A region's screen shows the QR of the item on screen.
    expect(page.locator("#kiosk-qr")).to_have_attribute("src", f"/display/qr/item/{ids['c']}.svg")
    page.route("**/api/v2/**", lambda route: route.abort())
    page.clock.fast_forward(301_000)  # DISPLAY_KIOSK_REFRESH_SECONDS: the list is fetched again, and fails
    expect(page.locator("#kiosk-status")).to_contain_text("网络连接异常")
    before = title.inner_text()
    page.clock.fast_forward(15_500)
    expect(title).not_to_have_text(before)
    assert f"党内针{token}" not in page.inner_text("body")


@pytest.mark.parametrize("which", ["tv", "unit", "region"])
def test_display_screens_have_no_serious_accessibility_violations(browser, site, server_env, which):
    axe_source = AXE.read_text(encoding="utf-8")
    ids = server_shell(
        server_env,
        "import json; from disclosure_pages.selectors import find_unit;"
        f"u = find_unit({WJ!r}); print({RESULT!r} + json.dumps({{'unit': u.pk, 'region': u.get_parent().pk}}))",
    )
    context = browser.new_context(locale="zh-CN", bypass_csp=True, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        if which == "tv":
            page.goto(f"{site}/display/tv/")
            expect(page.locator("#tv")).to_have_attribute("aria-busy", "false")
        else:
            page.goto(f"{site}/display/kiosk/{ids[which]}/")
            expect(page.locator("#kiosk-slide")).to_be_visible()
        assert serious_violations(page, axe_source) == []
    finally:
        context.close()
