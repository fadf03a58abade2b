"""The supervisors' history of an item: one timeline, and readable revision comparison (point 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure_pages.actions import revoke_item
from tests.builders import make_item, make_user, node_for

from .helpers import create_item, denied, review

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"


def leadership(rows):
    return [
        {
            "type": "leadership",
            "value": {
                "fill_date": "2026-01-05",
                "rows": [{"name": n, "position": p, "gender": "男", "phone": "", "duties": d} for n, p, d in rows],
                "leader": "李四",
                "tabulator": "王五",
                "supervision": "",
            },
        }
    ]


@pytest.fixture
def published_then_revoked(client, people):
    client.force_login(people["wj_editor"])
    item = create_item(client, node_for(WJ, "1-1-3"), title="2026年度党建工作计划")
    client.force_login(people["wj_reviewer"])
    review(client, item, disclose_reason="按目录年度公开", secrecy_reason="已核对，不含涉密内容")
    item.refresh_from_db()
    revoke_item(item, user=people["sg_supervisor"], reason="计划未经支委会讨论")
    return item


def test_timeline_shows_submission_opinions_publication_revocation_and_archive(client, people, published_then_revoked):
    client.force_login(people["sg_supervisor"])
    html = client.get(reverse("disclosure_item_history", args=[published_then_revoked.pk])).content.decode()
    for text in (
        "审核（分管负责人）",
        "公开意见：",
        "同意。理由：按目录年度公开",
        "保密审核：",
        "通过。理由：已核对，不含涉密内容",
        "审批环节跳过",
        "撤消理由：",
        "计划未经支委会讨论",
        "归档（发布）",
        "归档（撤消）",
    ):
        assert text in html, text
    assert html.index("按目录年度公开") < html.index("计划未经支委会讨论")


def test_history_is_for_the_items_supervisors_and_unit_staff_only(client, people, published_then_revoked):
    url = reverse("disclosure_item_history", args=[published_then_revoked.pk])
    for name in ("wj_supervisor", "sg_supervisor", "wj_editor", "wj_reviewer"):
        client.force_login(people[name])
        assert client.get(url).status_code == 200, name
    for user in (make_user("zj_editor", unit_path=ZJ, role="editor"), people["wj_member"]):
        client.force_login(user)
        assert denied(client.get(url)), user.username


def test_comparison_shows_tables_as_rows_and_catalogue_fields_with_chinese_labels(client, people):
    item = make_item(WJ, "1-1-1", title="班子成员情况及分工", scope="public", tables=leadership([("张三", "书记", "主持全面工作")]))
    draft = item.get_latest_revision_as_object()
    draft.tables = leadership([("张三", "书记", "主持全面工作"), ("赵六", "副书记", "分管党建")])
    draft.doc_number = "武区办〔2026〕3号"
    revision = draft.save_revision(user=people["wj_editor"])
    client.force_login(people["wj_supervisor"])
    html = client.get(reverse("disclosure_item_compare", args=[item.pk, revision.pk])).content.decode()
    for text in ("发文字号", "武区办〔2026〕3号", "公开代码", "1-1-1", "公开范围（原文）", "表一 班子成员情况及分工", "姓名", "职务", "分工", "赵六", "副书记", "分管党建", "当前发布版本"):
        assert text in html, text
    assert '"type"' not in html and "'type'" not in html and "leadership" not in html
    assert 'class="only"' in html  # the added row is marked


def test_history_links_each_revision_to_its_comparison(client, people):
    item = make_item(WJ, "1-1-1", title="事项", scope="public")
    client.force_login(people["wj_supervisor"])
    html = client.get(reverse("disclosure_item_history", args=[item.pk])).content.decode()
    assert reverse("disclosure_item_compare", args=[item.pk, item.live_revision_id]) in html
