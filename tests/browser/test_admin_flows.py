"""The admin side in Chromium (issue #7 point 1): an item goes editor → reviewer → leader → public, a
supervisor revokes a published item, an archivist downloads an approval form as PDF.

Each test makes its own item (a token in the title), so none depends on another having run. Personas
change by clearing the context's cookies and logging in again on the same page (so a failure's
screenshot shows where it stopped).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.archive.conftest import pdf_text

from .conftest import RESULT, login, server_shell

pytestmark = pytest.mark.browser

PASSWORD = "demo-2026"
WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


def _as(page, site: str, username: str, password: str = PASSWORD, next_url: str = "/admin/") -> None:
    page.context.clear_cookies()
    login(page, site, username, password, next_url)
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def visitor(browser):
    """An anonymous visitor's page, in a context of its own."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _awaiting_review(page):
    """The dashboard's panel of items waiting for the user's decision."""
    return page.locator("section").filter(has=page.get_by_role("heading", name="等待你的审查"))


def _open_action(page, action: str):
    """From an item's edit page: the footer's action menu → `action`; returns its modal."""
    page.get_by_role("button", name="更多动作").click()
    # The last step's button says it publishes too ("审批同意并发布").
    page.get_by_role("button", name=re.compile(f"^{action}")).click()
    dialog = page.locator(".modal-dialog")
    expect(dialog).to_be_visible()
    return dialog


# --- 1. editor → reviewer → leader → published ---------------------------------------------------


def test_item_goes_from_editor_through_reviewer_and_leader_to_the_public_site(page, visitor, site, server_env):
    token = uuid.uuid4().hex[:6]
    title = f"2026年度党建工作计划（流程{token}）"
    node = server_shell(
        server_env,
        "import json; from disclosure_pages.selectors import find_unit, catalog_nodes_by_code;"
        f"n = catalog_nodes_by_code(find_unit({WJ!r}))['1-1-3'];"
        f"print({RESULT!r} + json.dumps({{'pk': n.pk, 'important': n.requires_leader_approval}}))",
    )
    # Not marked important: the leader step runs because the reviewer asks for it (报主要负责人审批).
    assert node["important"] is False

    # 录入人 creates the item under 1-1-3 and submits it (提交审核).
    _as(page, site, "wj_editor", next_url=f"/admin/pages/{node['pk']}/")
    page.get_by_role("link", name="添加子页面").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/add/disclosure_pages/disclosureitempage/\d+/$"))
    page.fill("#id_title", title)
    page.fill("#id_year", "2026")
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type(f"浏览器流程测试正文{token}：全年党建工作安排。")
    # Draftail writes its hidden input a moment after the last keystroke.
    expect(page.locator("#id_body")).to_have_value(re.compile(f"浏览器流程测试正文{token}"))
    # The proposer's part of the 审批表 (公开时间, 要求, 方式, 平台 come preset from the node).
    page.get_by_role("tab", name="审批表").click()
    page.check("#id_proposer_disclose_opinion_0")
    page.fill("#id_proposer_disclose_reason", "属于本单位公开目录规定的内容")
    page.check("#id_proposer_secrecy_opinion_0")
    page.fill("#id_proposer_secrecy_reason", "经初步审查不涉及国家秘密和个人隐私")
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page).to_have_url(f"{site}/admin/pages/{node['pk']}/")
    expect(page.locator(".messages")).to_contain_text(f"页面 '{title}' 已创建并提交审核")

    # 审核人 (分管负责人): the item waits on the dashboard; the edit page shows the pre-screen.
    _as(page, site, "wj_reviewer")
    _awaiting_review(page).get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.get_by_text("自动预审未发现密级标志").first).to_be_visible()
    dialog = _open_action(page, "审核通过")
    expect(dialog.get_by_role("radio", name="同意", exact=True)).to_be_checked()
    expect(dialog.get_by_role("radio", name="通过", exact=True)).to_be_checked()
    # Both reasons are required: the modal comes back with the errors, nothing is decided.
    dialog.get_by_role("button", name="审核通过").click()
    expect(dialog).to_contain_text("请填写公开意见理由。")
    expect(dialog).to_contain_text("请填写保密审核理由。")
    dialog.get_by_label("公开意见理由").fill("属于目录规定的公开内容")
    dialog.get_by_label("保密审核理由").fill("不涉及国家秘密和个人隐私")
    dialog.get_by_label("报主要负责人审批").check()
    dialog.get_by_role("button", name="审核通过").click()
    expect(page).to_have_url(f"{site}/admin/pages/{node['pk']}/")
    expect(page.locator(".messages")).to_contain_text(title)

    state = server_shell(
        server_env,
        "import json; from disclosure_pages.models import DisclosureItemPage;"
        f"i = DisclosureItemPage.objects.get(title={title!r});"
        "t = i.current_workflow_task;"
        f"print({RESULT!r} + json.dumps({{'live': i.live, 'task': t and t.name, 'url': i.url}}))",
    )
    assert state["live"] is False and state["task"] == "审批（主要负责人）", state
    # Not public while it waits for the leader.
    assert visitor.goto(site + state["url"]).status == 404

    # 主要负责人 approves (审批同意): the item is published at once.
    _as(page, site, "wj_leader")
    _awaiting_review(page).get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    dialog = _open_action(page, "审批同意")
    expect(dialog).to_contain_text("主要领导意见")
    dialog.get_by_label("理由").fill("同意向社会公开")
    dialog.get_by_role("button", name="审批同意").click()
    expect(page).to_have_url(f"{site}/admin/pages/{node['pk']}/")
    row = page.locator("tr").filter(has_text=title)
    live_link = row.get_by_role("link", name=re.compile("在用"))
    expect(live_link).to_have_attribute("title", "查看已发布的页面")
    public_url = live_link.get_attribute("href")

    assert visitor.goto(site + public_url).status == 200
    expect(visitor.locator("h1")).to_have_text(title)
    expect(visitor.locator("main")).to_contain_text(f"浏览器流程测试正文{token}")

    # Acting from the edit view changed nothing: no revision by the reviewer or the leader, and the
    # approval form names the editor as 填表人.
    people = server_shell(
        server_env,
        "import json; from disclosure_pages.models import DisclosureItemPage; from archive.selectors import approval_forms_for_item;"
        f"i = DisclosureItemPage.objects.get(title={title!r}); f = approval_forms_for_item(i).first();"
        "r = sorted(set(i.revisions.values_list('user__username', flat=True)));"
        f"print({RESULT!r} + json.dumps({{'revisions_by': r, 'filled_by': f.filled_by.username,"
        " 'reviewer': f.reviewer.username, 'leader': f.leader.username}))",
    )
    assert people == {
        "revisions_by": ["wj_editor"], "filled_by": "wj_editor", "reviewer": "wj_reviewer", "leader": "wj_leader"
    }, people


# --- 2. a supervisor's revocation -----------------------------------------------------------------


def test_supervisor_revokes_a_published_item_and_it_leaves_the_public_site(page, visitor, site, server_env):
    title = f"有误的班子分工（撤消{uuid.uuid4().hex[:6]}）"
    reason = "分工信息有误，已要求重新报送"
    item = server_shell(
        server_env,
        "import datetime, json; from zoneinfo import ZoneInfo;"
        "from disclosure_pages.selectors import find_unit, catalog_nodes_by_code;"
        "from disclosure_pages.services import item_create_published;"
        f"n = catalog_nodes_by_code(find_unit({ZJ!r}))['1-1-1'];"
        f"i = item_create_published(node=n, title={title!r}, body='<p>班子成员分工</p>', scope='public',"
        " published_at=datetime.datetime(2026, 3, 1, 10, tzinfo=ZoneInfo('Asia/Shanghai')));"
        f"print({RESULT!r} + json.dumps({{'pk': i.pk, 'node': n.pk, 'url': i.url}}))",
    )
    public_url = site + item["url"]
    assert visitor.goto(public_url).status == 200
    expect(visitor.locator("h1")).to_have_text(title)
    revoke_url = f"{site}/admin/disclosure/items/{item['pk']}/revoke/"

    # 武江区's supervisor does not reach 浈江区: no revocation form for this item.
    _as(page, site, "wj_supervisor")
    page.goto(revoke_url)
    expect(page).not_to_have_url(revoke_url)
    expect(page.get_by_role("button", name="确认撤消")).to_have_count(0)

    # 韶关市's supervisor: the item's 撤消 action in the explorer, a confirmation that needs a reason.
    _as(page, site, "sg_supervisor", next_url=f"/admin/pages/{item['node']}/")
    row = page.locator("tr").filter(has_text=title)
    row.get_by_role("button", name=f"“{title}”的更多选项").click()
    page.get_by_role("link", name="撤消", exact=True).click()
    expect(page).to_have_url(revoke_url)
    expect(page.locator("main")).to_contain_text(f"撤消后，“{title}”（{ZJ}）立即从公开网站")
    page.get_by_role("button", name="确认撤消").click()
    expect(page.locator("main")).to_contain_text("请填写撤消理由。")
    assert visitor.goto(public_url).status == 200  # nothing happened without a reason

    page.get_by_label("撤消理由").fill(reason)
    page.get_by_role("button", name="确认撤消").click()
    expect(page).to_have_url(f"{site}/admin/disclosure/items/{item['pk']}/history/")
    expect(page.locator(".messages")).to_contain_text(f"已撤消“{title}”")
    expect(page.locator("main")).to_contain_text(reason)

    # The address keeps a 撤消说明 (410 Gone), not the withdrawn content (issue 12).
    assert visitor.goto(public_url).status == 410
    expect(visitor.locator("h1")).to_have_text("撤消说明")
    expect(visitor.locator("main")).to_contain_text(reason)
    expect(visitor.locator("body")).not_to_contain_text(title)


# --- 3. an archivist's PDF ------------------------------------------------------------------------


def test_archivist_downloads_an_approval_form_pdf(page, site, server_env):
    token = uuid.uuid4().hex[:6]
    title = f"任期党建目标（归档{token}）"
    username, password = f"archivist_{token}", "archive-2026"
    # An archivist, and an item published through the workflow (so it has an approval form with opinions).
    item = server_shell(
        server_env,
        "import json; from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group;"
        "from django.utils.text import slugify;"
        "from disclosure_pages.models import DisclosureItemPage;"
        "from disclosure_pages.selectors import find_unit, catalog_nodes_by_code;"
        "User = get_user_model();"
        f"a = User.objects.create_user({username!r}, password={password!r}, is_staff=True, first_name='档案员小王');"
        "a.groups.add(Group.objects.get(name='档案管理员'));"
        "editor, reviewer = User.objects.get(username='wj_editor'), User.objects.get(username='wj_reviewer');"
        f"n = catalog_nodes_by_code(find_unit({WJ!r}))['1-1-2'];"
        f"i = DisclosureItemPage(title={title!r}, slug=slugify({title!r}, allow_unicode=True),"
        " body='<p>任期目标正文</p>', period_type='year', year=2026, live=False);"
        "n.add_child(instance=i); i.save_revision(user=editor);"
        "s = i.get_workflow().start(i, editor).current_task_state.specific;"
        "s.task.specific.on_action(s, reviewer, 'approve', disclose_opinion='agree',"
        " disclose_reason='属于目录规定的公开内容', secrecy_opinion='pass', secrecy_reason='不涉及国家秘密和个人隐私');"
        "i.refresh_from_db();"
        f"print({RESULT!r} + json.dumps({{'pk': i.pk, 'live': i.live}}))",
    )
    assert item["live"] is True

    _as(page, site, username, password)
    page.get_by_role("link", name="归档记录").click()
    expect(page.locator("h1")).to_contain_text("归档记录")
    expect(page.get_by_role("columnheader", name="发布日期")).to_be_visible()
    page.locator("#id_q").fill(title)
    page.keyboard.press("Enter")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(WJ)
    expect(rows).to_contain_text("发布")

    with page.expect_download() as download_info:
        rows.get_by_role("link", name="导出PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("韶关市-武江区-区委办-") and download.suggested_filename.endswith(
        ".pdf"
    )
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "武江区区委办党务公开事项审批表" in text
    assert title in text
    assert "属于目录规定的公开内容" in text and "不涉及国家秘密和个人隐私" in text

    # The item's approval form alone, with the archivist's session.
    response = page.request.get(f"{site}/admin/archive/items/{item['pk']}/approval-form/pdf/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    form = response.body()
    assert form.startswith(b"%PDF")
    form_text = pdf_text(form)
    assert "武江区区委办党务公开事项审批表" in form_text and title in form_text
    assert "部门：区委办" in form_text
