"""直通车 in Chromium: the demo's 监督员 of 武江区·区委办 (jdy_wujiang, a public-site account) files a
监督意见 and gets its ZTC number; the unit's 录入人 finds it in the admin and answers it (an empty answer
is refused); the 监督员 reads the answer under that number. The opinion carries a token of this test's
own, so it never meets the demo's."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser

PASSWORD = "demo-2026"


def _site_login(page, site: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_a_monitor_files_an_opinion_and_reads_the_units_answer(page, site):
    token = uuid.uuid4().hex[:6]
    content = f"建议把党费收缴情况同步张贴在公开栏（浏览器测试{token}）。"
    answer = f"感谢监督，已于本周在机关公开栏同步张贴（答复{token}）。"

    # 1. the 监督员 files it on the public site
    _site_login(page, site, "jdy_wujiang", "/hotline/new/")
    expect(page.get_by_role("heading", name="提出监督意见")).to_be_visible()
    expect(page.get_by_label("监督单位")).to_contain_text("武江区·区委办")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("请填写意见内容。")).to_be_visible()  # nothing typed: refused, on the same form
    page.get_by_label("意见内容").fill(content)
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/hotline/ZTC-\d{4}-\d{6,}/\?filed=1$"))
    number = re.search(r"ZTC-\d{4}-\d{6,}", page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text(number)
    expect(page.get_by_text("尚未答复。")).to_be_visible()

    # 2. the unit's 录入人 answers it in the admin
    page.context.clear_cookies()
    login(page, site, "wj_editor", PASSWORD, "/admin/supervision/opinions/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text(content)).to_be_visible()
    page.get_by_role("link", name="答复", exact=True).click()
    page.get_by_role("button", name=re.compile("保存")).click()
    expect(page.get_by_text("请填写答复内容。")).to_be_visible()
    page.get_by_label("答复内容").fill(answer)
    page.get_by_role("button", name=re.compile("保存")).click()
    expect(page.get_by_text(f"已答复监督意见 {number}。")).to_be_visible()
    expect(page.get_by_role("link", name="答复", exact=True)).to_have_count(0)  # answered once, never changed

    # 3. the 监督员 reads the answer under its number, and the list shows it answered
    _site_login(page, site, "jdy_wujiang", f"/hotline/{number}/")
    expect(page.get_by_text(answer)).to_be_visible()
    page.goto(f"{site}/hotline/")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("已答复")
