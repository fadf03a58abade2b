"""监督检查 in Chromium, from opening to the public 通报: the 武江区 supervisor opens an inspection, records the
six findings of a unit and a 整改; the unit's 录入人 reports on it; the supervisor confirms it (the last one:
the inspection closes and its materials are filed), drafts the 通报 from the findings and sends it for
review; the 韶关市 supervisor approves it; it is published after a confirmation and the public page shows it.

The inspection is this test's own (a token in its title), so it does not meet the demo's.
"""

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


def test_an_inspection_from_opening_to_the_published_bulletin(page, site, server_env):
    token = uuid.uuid4().hex[:6]
    title = f"武江区区委办专项检查{token}"
    ids = server_shell(
        server_env,
        "import json; from disclosure_pages.selectors import find_unit;"
        f"u = find_unit({WJ!r}); print({RESULT!r} + json.dumps({{'unit': u.pk, 'region': u.get_parent().pk}}))",
    )

    # 1. the 武江区 supervisor opens the inspection over one chosen unit
    _as(page, site, "wj_supervisor", "/admin/supervision/inspections/new/")
    page.select_option("#id_target", str(ids["region"]))
    page.check(f"input[name=units][value='{ids['unit']}']")
    page.fill("#id_year", "2026")
    page.select_option("#id_half", "2")
    page.fill("#id_title", title)
    page.get_by_role("button", name="创建").click()
    expect(page).to_have_url(re.compile(r"/admin/supervision/inspections/inspect/\d+/$"))
    expect(page.get_by_text(f"已发起“{title}”")).to_be_visible()
    inspect_url = page.url

    # 2. findings on the six checklist items
    page.get_by_role("link", name="记录检查结果：区委办").click()
    for label in ("内容是否全面", "程序是否规范", "形式是否恰当", "制度是否健全", "执行是否到位"):
        page.get_by_label(label, exact=True).select_option(label="好")
    page.get_by_role("button", name="保存检查结果").click()
    expect(page.get_by_text("请对“效果是否明显”作出结论")).to_be_visible()  # one left out: refused, input kept
    page.get_by_label("效果是否明显", exact=True).select_option(label="一般")
    page.get_by_label("效果是否明显：情况说明").fill(f"群众知晓率不高{token}")
    page.get_by_role("button", name="保存检查结果").click()
    expect(page.get_by_text("已保存区委办的检查结果")).to_be_visible()

    # 3. a 整改 with a due date
    page.get_by_role("link", name="新增整改：区委办").click()
    page.get_by_label("检查内容").select_option(label="效果是否明显")
    page.get_by_label("问题及整改要求").fill(f"开展党务公开宣传{token}")
    page.get_by_label("整改期限").fill("2026-12-31")
    page.get_by_role("button", name="保存整改事项").click()
    expect(page.get_by_text(f"开展党务公开宣传{token}")).to_be_visible()

    # 4. the unit's 录入人 reports what was done
    _as(page, site, "wj_editor", "/admin/supervision/rectifications/")
    section = page.locator("section.inspection-unit").filter(has_text=title)
    expect(section.get_by_text("群众知晓率不高" + token)).to_be_visible()  # the unit sees its findings
    section.get_by_role("link", name="报告整改情况").click()
    page.get_by_label("整改情况").fill(f"已在公开栏和网站开展宣传{token}")
    page.get_by_role("button", name="报告整改情况").click()
    expect(page.get_by_text("整改情况已报告，等待上级确认")).to_be_visible()

    # 5. the supervisor confirms (the inspection closes), drafts the 通报 and sends it for review
    _as(page, site, "wj_supervisor", inspect_url.replace(site, ""))
    page.get_by_role("button", name="确认整改完成").click()
    expect(page.get_by_text("已确认整改完成")).to_be_visible()
    expect(page.get_by_text("已结束").first).to_be_visible()
    page.get_by_role("link", name="起草通报").click()
    body = page.get_by_label("通报正文")
    expect(body).to_have_value(re.compile(r"本次共检查1个单位：区委办。"))
    expect(body).to_have_value(re.compile(f"区委办（一般）：群众知晓率不高{token}"))
    bulletin_title = f"关于{title}情况的通报"
    page.get_by_label("通报标题").fill(bulletin_title)
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="送审").click()
    expect(page.locator("#bulletin-state")).to_have_text("待审核")
    expect(page.get_by_role("button", name="审核同意")).to_have_count(0)  # not the drafter's to approve

    # 6. a second supervisor over the same reach approves
    _as(page, site, "sg_supervisor", inspect_url.replace(site, ""))
    page.get_by_role("button", name="审核同意").click()
    expect(page.locator("#bulletin-state")).to_have_text("已审核待发布")

    # 7. published after a confirmation
    page.get_by_role("link", name="发布通报").click()
    expect(page.get_by_text("发布后不能撤回修改")).to_be_visible()
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator("#bulletin-state")).to_have_text("已发布")

    # 8. the public site lists and shows it, without the internal workflow
    page.context.clear_cookies()
    page.goto(f"{site}/bulletins/region/{ids['region']}/")
    page.get_by_role("link", name=bulletin_title).click()
    expect(page.get_by_role("heading", name=bulletin_title)).to_be_visible()
    expect(page.get_by_text(f"开展党务公开宣传{token}").first).to_be_visible()
    expect(page.get_by_text("sg_supervisor")).to_have_count(0)

    filed = server_shell(
        server_env,
        "import json; from django.db.models import Q; from archive.models import ArchiveRecord;"
        f"from supervision.models import Inspection; i = Inspection.objects.get(title={title!r});"
        "q = Q(kind='inspection', item_ref=i.pk) | Q(kind='bulletin', item_ref=i.bulletin.pk);"
        f"print({RESULT!r} + json.dumps(sorted(ArchiveRecord.objects.filter(q).values_list('kind', flat=True))))",
    )
    assert filed == ["bulletin", "inspection"]
