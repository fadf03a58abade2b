"""Template tags of the workflow's action dialog (审核 / 审批)."""

from __future__ import annotations

from django import template

from disclosure_pages.choices import Scope

from ..prescreen import scan_item

register = template.Library()


@register.simple_tag
def prescreen_for(page) -> dict:
    """The pre-screen of the draft under review: {"findings": [...], "public": bool}."""
    specific = getattr(page, "specific", page)
    if not hasattr(specific, "tables_text"):
        return {"findings": [], "public": False}
    draft = specific.get_latest_revision_as_object()
    return {"findings": scan_item(draft), "public": draft.scope == Scope.PUBLIC}


@register.simple_tag
def earlier_opinions_for(task_state) -> list:
    """The proposer's and the reviewer's opinions shown in the approver's dialog."""
    from ..selectors import earlier_opinions

    return earlier_opinions(task_state) if task_state is not None else []
