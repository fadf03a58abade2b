"""报批 to the superior in Chromium: a 目录外事项 from the editor's proposal through the superior's consent
and the unit's review to the public site; a 不予公开 answer that waits for the superior's consent."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import RESULT, login, server_shell

pytestmark = pytest.mark.browser

PASSWORD = "demo-2026"
WJ = "韶关市/武江区/区委办"


def _as(page, site: str, username: str, next_url: str = "/admin/") -> None:
    page.context.clear_cookies()
    login(page, site, username, PASSWORD, next_url)
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def visitor(browser):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _decide_from_dashboard(page, site: str, title: str, decision: str, reason: str) -> None:
    """The superior: the dashboard's panel → the decide form → the confirmation → decided."""
    _as(page, site, "wj_supervisor")
    panel = page.locator("section").filter(has=page.get_by_role("heading", name="待我处理的报备报批"))
    panel.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/admin/filings/decide/\d+/$"))
    page.get_by_label(decision, exact=True).check()
    page.get_by_label("意见及理由").fill(reason)
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("main")).to_contain_text("处理后不能更改")
    page.get_by_role("button", name=f"确认{decision}").click()
    expect(page).to_have_url(re.compile(r"/admin/filings/inspect/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("已同意" if decision == "同意" else "不同意")


def test_extra_item_from_proposal_through_consent_and_review_to_the_public_site(page, visitor, site, server_env):
    token = uuid.uuid4().hex[:6]
    title = f"机关志愿服务活动安排（目录外{token}）"

    # 录入人 proposes the item with its 工作方案; a missing part is refused and what was typed is kept.
    _as(page, site, "wj_editor", next_url="/admin/filings/propose-extra-item/")
    page.get_by_label("事项名称").fill(title)
    page.get_by_label("公开内容").fill(f"志愿服务活动的时间、地点和参加人员{token}。")
    page.get_by_label("公开范围").select_option("public")
    page.get_by_label("公开形式").fill("网站、公开栏")
    page.get_by_label("公开时限").fill("经同意后5个工作日内")
    page.get_by_role("button", name="报上级审核").click()
    expect(page.locator("main")).to_contain_text("请填写公开理由。")
    expect(page.get_by_label("事项名称")).to_have_value(title)
    page.get_by_label("公开理由").fill("党员群众关注，目录未列入。")
    page.get_by_role("button", name="报上级审核").click()
    expect(page.locator(".messages")).to_contain_text("已报武江区审核")
    expect(page.locator("main")).to_contain_text("待上级处理")

    # 武江区 (the body that made the catalogue) agrees, from its dashboard, after a confirmation.
    _decide_from_dashboard(page, site, title, "同意", "同意按工作方案公开")
    expect(page.locator("main")).to_contain_text("已在“")

    # The editor finds the draft under 目录外事项 and submits it like any item.
    _as(page, site, "wj_editor", next_url="/admin/notices/")
    page.get_by_role("link", name=re.compile(f"可以录入：{re.escape(title)}")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("#id_title")).to_have_value(title)
    page.get_by_role("tab", name="审批表").click()
    page.check("#id_proposer_disclose_opinion_0")
    page.fill("#id_proposer_disclose_reason", "经上级党组织审核同意公开")
    page.check("#id_proposer_secrecy_opinion_0")
    page.fill("#id_proposer_secrecy_reason", "不涉及国家秘密和个人隐私")
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name=re.compile("^提交给")).click()  # an existing draft: "提交给党务公开审批流程"
    expect(page.locator(".messages")).to_contain_text(title)

    # 审核人 approves; the item is published.
    _as(page, site, "wj_reviewer")
    page.locator("section").filter(has=page.get_by_role("heading", name="等待你的审查")).get_by_role(
        "link", name=title
    ).click()
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name=re.compile("^审核通过")).click()
    dialog = page.locator(".modal-dialog")
    dialog.get_by_label("公开意见理由").fill("经上级同意的目录外事项")
    dialog.get_by_label("保密审核理由").fill("不涉及国家秘密和个人隐私")
    dialog.get_by_role("button", name=re.compile("^审核通过")).click()
    # Back in the explorer (publishing and filing take a while on a busy machine).
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/$"), timeout=60_000)
    expect(page.locator("tr").filter(has_text=title)).to_contain_text("在用")

    state = server_shell(
        server_env,
        "import json; from disclosure_pages.models import DisclosureItemPage; from archive.models import ArchiveRecord;"
        f"i = DisclosureItemPage.objects.get(title={title!r}); n = i.get_parent().specific;"
        "r = ArchiveRecord.objects.filter(item=i, kind='publication').first();"
        "top = n.get_parent().get_parent().specific;"
        f"print({RESULT!r} + json.dumps({{'live': i.live, 'url': i.url, 'top': top.title,"
        " 'form': (r.approval_snapshot or {}).get('superior_approval', '') if r else ''}))",
    )
    assert state["live"] is True and state["top"] == "目录外事项", state
    assert "目录外事项经武江区审核同意" in state["form"] and "同意按工作方案公开" in state["form"], state
    assert visitor.goto(site + state["url"]).status == 200
    expect(visitor.locator("h1")).to_have_text(title)


def test_not_disclosable_answer_waits_for_the_superiors_consent(page, visitor, site, server_env):
    token = uuid.uuid4().hex[:6]
    made = server_shell(
        server_env,
        "import json; from django.contrib.auth import get_user_model;"
        "from disclosure_pages.selectors import find_unit; from participation.services import request_submit, request_accept;"
        f"new = request_submit(unit=find_unit({WJ!r}), applicant_name='王五', contact_phone='13812345678',"
        f" contact_email='', request_text='请公开案件办理情况{token}', purpose='了解');"
        "request_accept(request=new.request, actor=get_user_model().objects.get(username='wj_editor'));"
        f"print({RESULT!r} + json.dumps({{'pk': new.request.pk, 'number': new.request.tracking_number, 'code': new.secret_code}}))",
    )
    answer_url = f"/admin/participation/requests/{made['pk']}/answer/"

    # 经办人 answers 不予公开: the answer is held and goes to the superior instead.
    _as(page, site, "wj_editor", next_url=answer_url)
    page.get_by_label("不予公开", exact=True).check()
    page.get_by_label("答复内容").fill(f"经研究，所申请信息不予公开{token}。")
    page.get_by_label("理由", exact=True).fill("涉及正在办理的案件")
    page.get_by_role("button", name="确认答复").click()
    expect(page.locator(".messages")).to_contain_text("须经上级党组织同意")

    # The applicant sees no answer yet.
    visitor.goto(f"{site}/requests/status/")
    visitor.fill("input[name=tracking_number]", made["number"])
    visitor.fill("input[name=code]", made["code"])
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("main")).to_contain_text(made["number"])
    expect(visitor.locator("main")).not_to_contain_text(f"不予公开{token}")

    # The superior agrees; the answer goes out.
    _decide_from_dashboard(page, site, f"依申请公开 {made['number']} 拟不予公开", "同意", "同意不予公开")
    visitor.reload()
    expect(visitor.locator("main")).to_contain_text(f"经研究，所申请信息不予公开{token}。")
    expect(visitor.locator("main")).to_contain_text("涉及正在办理的案件")
