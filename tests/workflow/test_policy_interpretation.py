"""政策解读 with the document (《中共惠农区委党务公开若干制度（试行）》第三十条): where the catalogue
node requires it, approval is refused until the 解读 is attached, and both publish together."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageLogEntry

from archive.selectors import records_for_item
from disclosure_pages.models import DisclosureItemPage
from review.models import ReviewTask
from tests.builders import node_for

from .helpers import create_item, review

WJ = "韶关市/武江区/区委办"


@pytest.fixture
def policy_node(db):
    node = node_for(WJ, "1-1-1")
    node.requires_interpretation = True
    node.requires_leader_approval = False
    node.save_revision().publish()
    return node


def draft_interpretation(client, people) -> DisclosureItemPage:
    client.force_login(people["wj_editor"])
    return create_item(client, node_for(WJ, "1-1-2"), title="关于新政策的解读", body="<p>解读提纲</p>", submit=False)


def test_approval_is_refused_until_the_interpretation_is_attached(client, people, policy_node):
    client.force_login(people["wj_editor"])
    item = create_item(client, policy_node, title="须同步解读的政策文件")
    client.force_login(people["wj_reviewer"])
    answer = review(client, item)
    assert answer["step"] == "action"
    assert "须同步政策解读" in answer["html"]
    item.refresh_from_db()
    assert not item.live
    # The task itself refuses too, whatever the form said.
    task_state = item.current_workflow_task_state.specific
    with pytest.raises(ValidationError, match="须同步政策解读"):
        ReviewTask.objects.get().specific.on_action(
            task_state,
            people["wj_reviewer"],
            "approve",
            disclose_opinion="agree",
            disclose_reason="属于目录规定的公开内容",
            secrecy_opinion="pass",
            secrecy_reason="不涉密",
        )
    # Returning it is allowed: the editor then attaches the interpretation.
    assert review(client, item, "reject", disclose_opinion="disagree", disclose_reason="请关联政策解读")["step"] == "success"


def test_document_and_interpretation_publish_together(client, people, policy_node):
    interpretation = draft_interpretation(client, people)
    assert not interpretation.live
    item = create_item(
        client, policy_node, title="附解读的政策文件", policy_interpretation=str(interpretation.pk)
    )
    client.force_login(people["wj_reviewer"])
    assert review(client, item)["step"] == "success"
    item.refresh_from_db()
    interpretation.refresh_from_db()
    assert item.live and interpretation.live
    # Published in the document's publication, and the interpretation's history says so.
    assert interpretation.last_published_at >= item.last_published_at
    entry = PageLogEntry.objects.get(page=interpretation, action="disclosure_pages.publish_with_document")
    assert entry.data["document"]["id"] == item.pk
    # Both are filed (each publication is archived).
    assert records_for_item(item).filter(kind="publication").count() == 1
    assert records_for_item(interpretation).filter(kind="publication").count() == 1
    assert client.get(item.url).status_code == 200


def test_nodes_without_the_requirement_need_no_interpretation(client, people):
    client.force_login(people["wj_editor"])
    item = create_item(client, node_for(WJ, "1-1-3"), title="普通事项")
    client.force_login(people["wj_reviewer"])
    assert review(client, item)["step"] == "success"
    item.refresh_from_db()
    assert item.live
