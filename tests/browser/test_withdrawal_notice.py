"""A visitor at a withdrawn item's address (issue 12): the notice says what happened, when and why,
links the item that now applies, and shows nothing of the withdrawn item; a 党内 item's notice is
no more public than the item was."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import RESULT, server_shell

pytestmark = pytest.mark.browser

WJ = "韶关市/武江区/区委办"


def test_a_visitor_at_a_changed_items_address_sees_the_notice_and_follows_the_link(browser, site, server_env):
    token = uuid.uuid4().hex[:6]
    old_title, new_title = f"班子分工有误{token}", f"班子成员分工（调整后{token}）"
    secret_body = f"撤下正文{token}"
    urls = server_shell(
        server_env,
        "import datetime, json; from zoneinfo import ZoneInfo; from django.contrib.auth import get_user_model;"
        "from disclosure_pages.selectors import find_unit, catalog_nodes_by_code;"
        "from disclosure_pages.services import item_create_published, item_withdraw;"
        "from disclosure_pages.actions import revoke_item;"
        f"n = catalog_nodes_by_code(find_unit({WJ!r}))['1-1-1'];"
        "when = datetime.datetime(2026, 3, 1, 10, tzinfo=ZoneInfo('Asia/Shanghai'));"
        f"old = item_create_published(node=n, title={old_title!r}, body='<p>{secret_body}</p>', scope='public', published_at=when);"
        f"new = item_create_published(node=n, title={new_title!r}, body='<p>调整后的分工</p>', scope='public', published_at=when);"
        f"party = item_create_published(node=n, title='党内{token}', body='<p>党内</p>', scope='party', published_at=when);"
        "User = get_user_model();"
        "item_withdraw(item=old, user=User.objects.get(username='wj_leader'), kind='changed', reason='班子调整，分工随之变更', replacement=new);"
        "revoke_item(party, user=User.objects.get(username='wj_supervisor'), reason='范围有误');"
        f"print({RESULT!r} + json.dumps({{'old': old.url, 'new': new.url, 'party': party.url}}))",
    )
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    visitor = context.new_page()
    try:
        response = visitor.goto(site + urls["old"])
        assert response.status == 410
        expect(visitor.locator("h1")).to_have_text("变更说明")
        main = visitor.locator("main")
        expect(main).to_contain_text("班子调整，分工随之变更")
        expect(main).to_contain_text("武江区·区委办")
        expect(main).to_contain_text("2026年3月1日")
        expect(main).to_contain_text("经本单位党组织（主要负责人）批准")
        body = visitor.locator("body")
        expect(body).not_to_contain_text(old_title)
        expect(body).not_to_contain_text(secret_body)
        assert old_title not in visitor.title()
        visitor.get_by_role("link", name=new_title).click()
        expect(visitor).to_have_url(site + urls["new"])
        expect(visitor.locator("h1")).to_have_text(new_title)
        # 党内: the public gets a plain 404, as for any address it may not know of.
        assert visitor.goto(site + urls["party"]).status == 404
        expect(visitor.locator("body")).not_to_contain_text("范围有误")
    finally:
        context.close()
