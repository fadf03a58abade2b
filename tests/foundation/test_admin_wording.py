"""Wagtail strings the personas met in English (issue: "English and jargon") read in Chinese.

The browser walk (tests/browser/test_admin_chinese.py) finds them on the pages; these check the
catalogues themselves, quickly, without a browser.
"""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("- Select an option -", "- 请选择 -"),
        ("Exploring", "浏览"),
        ("Your pages and snippets in a workflow", "你提交审批的页面和片段"),
        ("The page could not be created due to validation errors.", "填写有误，页面未能创建。"),
        ("True", "是"),
    ],
)
def test_wagtail_strings_read_in_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese


def test_site_summary_and_workflow_lock_messages():
    with translation.override("zh-hans"):
        pages = ngettext(
            '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
            15,
        ) % {"total": 15, "site_name": "党务公开平台"}
        awaiting = gettext(
            "This {model_name} is awaiting <b>'{task_name}'</b> in the <b>'{workflow_name}'</b> workflow."
        ).format(model_name="页面", task_name="审核", workflow_name="党务公开审批")
    assert pages.startswith("15 个页面") and "created" not in pages
    assert awaiting == "此页面正在等待<b>“党务公开审批”</b>流程中的<b>“审核”</b>。"


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_has_the_block_editor_strings(client, user_named):
    client.force_login(user_named("wj_editor"))
    catalogue = client.get("/admin/jsi18n/").content.decode()
    for chinese in ("插入内容块", "输入内容，或输入“/”插入内容块"):
        assert chinese in catalogue or json.dumps(chinese)[1:-1] in catalogue
