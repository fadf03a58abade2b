"""审核 → 审批 → 发布, end to end through the admin: forms, opinions, rejection, notices."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.models import TaskState

from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.workflow import LeaderApprovalTaskState, ReviewTaskState
from tests.builders import node_for

from .helpers import approve_as_leader, create_item, edit_item, review

WJ = "韶关市/武江区/区委办"


@pytest.fixture
def node(db):
    return node_for(WJ, "1-1-3")


def test_item_submitted_by_editor_waits_for_the_units_reviewer(client, people, node, django_capture_on_commit_callbacks):
    client.force_login(people["wj_editor"])
    with django_capture_on_commit_callbacks(execute=True):
        item = create_item(client, node, title="2026年度党建工作计划")
    assert not item.live
    assert item.current_workflow_task.name == "审核（分管负责人）"
    assert [m.to for m in mail.outbox] == [["reviewer@wj.example"]]
    assert "待审核" in mail.outbox[0].subject
