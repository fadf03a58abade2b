"""Reads of the review: the approval forms of an item, what the approver reads before deciding."""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, TaskState

from disclosure_pages.choices import Scope

from . import prescreen
from .choices import FormState
from .models import ApprovalForm, LeaderApprovalTask, LeaderApprovalTaskState
from .models.workflow import item_of


def open_approval_form(item) -> ApprovalForm | None:
    return ApprovalForm.objects.filter(item_id=item.pk, state=FormState.OPEN).first()


def approval_forms_for_item(item) -> QuerySet[ApprovalForm]:
    return ApprovalForm.objects.filter(item_id=item.pk).order_by("-created_at", "-pk")


def proposal_initial(item) -> dict[str, str]:
    """The proposer's part of the item's latest approval form, for the item editor's 审批表 tab."""
    form = approval_forms_for_item(item).first()
    if form is None:
        return {}
    names = ("proposer_disclose_opinion", "proposer_disclose_reason", "proposer_secrecy_opinion", "proposer_secrecy_reason")
    return {name: getattr(form, name) for name in names}


def person_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}" if moment else ""


def earlier_opinions(task_state: TaskState) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """What the approver reads before deciding: the proposer's preliminary opinions and the
    reviewer's opinions of this round, as (who, when, [(label, text)]), Chinese labels only."""
    item = item_of(task_state)
    rows: list[tuple[str, str, list[tuple[str, str]]]] = []
    form = open_approval_form(item)
    if form is not None and (form.proposer_disclose_opinion or form.proposer_secrecy_opinion):
        proposer = []
        if form.proposer_disclose_opinion:
            proposer.append(
                ("初步公开意见", f"{form.get_proposer_disclose_opinion_display()}。理由：{form.proposer_disclose_reason}")
            )
        if form.proposer_secrecy_opinion:
            proposer.append(
                ("初步保密意见", f"{form.get_proposer_secrecy_opinion_display()}。理由：{form.proposer_secrecy_reason}")
            )
        rows.append((f"提出（{person_name(form.filled_by)}）", _when(form.submitted_at), proposer))
    review = None
    if isinstance(task_state.specific, LeaderApprovalTaskState):
        review = LeaderApprovalTask.last_review(task_state.workflow_state)
    if review is not None:
        rows.append((f"审核（{person_name(review.finished_by)}）", _when(review.finished_at), review.opinion_rows))
    return rows


def review_target(task_state: TaskState) -> tuple[bool, list[prescreen.Finding]]:
    """(is the draft public?, pre-screen findings of the draft under review)."""
    draft = item_of(task_state).get_latest_revision_as_object()
    return draft.scope == Scope.PUBLIC, prescreen.scan_item(draft)


def page_ids_under(paths: list[str]):
    """Page ids (as the strings WorkflowState.object_id holds) in the given subtrees."""
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Page.objects.filter(q).annotate(sid=Cast("id", output_field=CharField())).values("sid")
