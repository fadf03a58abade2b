"""Writes of the approval form (审批表), the workflow's one record of every opinion.

- `approval_form_for(item)`: the open form of the item's next publication.
- `approval_form_record_submission(...)`: 填表人 and 提交时间 when the proposer submits (or resubmits).
- `approval_form_record_proposal(...)`: the proposer's 初步公开意见 / 初步保密意见 with reasons.
- `approval_form_record_review(...)`: 公开意见 / 保密审核 / 分管领导意见 by the reviewer.
- `approval_form_record_leader(...)`: 主要领导意见 by the leader.
- `approval_form_close(...)`: the archive closes the form when it files the publication.
- `workflow_install()`: the workflow (审核 → 审批) on the portal's home page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Revision

from disclosure_pages.models import DisclosureItemPage, UnitPage

from .choices import (
    PLATFORM_SYNONYMS,
    DiscloseOpinion,
    FormState,
    LeaderOpinion,
    Platform,
    SecrecyOpinion,
    choice_value,
)
from .models import ApprovalForm, Countersignature

PLATFORM_SPLIT = re.compile(r"[、，,；;/\s]+|或|和|及")


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def platforms_from_text(text: str) -> tuple[list[str], str, str]:
    """公开平台 wording ("文件、会议等") → (box values, 新媒体 name, 其他 text)."""
    labels = {label: value for value, label in Platform.choices}
    chosen: list[str] = []
    new_media: list[str] = []
    other: list[str] = []
    for word in PLATFORM_SPLIT.split(text or ""):
        word = word.strip().removesuffix("等").strip()
        if not word:
            continue
        value = labels.get(word) or PLATFORM_SYNONYMS.get(word)
        if value is None:
            value = Platform.OTHER
            other.append(word)
        elif value == Platform.NEW_MEDIA and word != Platform.NEW_MEDIA.label:
            new_media.append(word)
        if value not in chosen:
            chosen.append(value)
    order = list(Platform.values)
    chosen.sort(key=order.index)
    return chosen, "、".join(new_media), "、".join(other)


def _item_source(item: DisclosureItemPage) -> DisclosureItemPage:
    """The version of the item the form describes: its latest draft (what the reviewer sees)."""
    item = item.specific if type(item) is not DisclosureItemPage else item
    return item.get_latest_revision_as_object() if item.pk else item


def _editor_fields(source: DisclosureItemPage) -> dict[str, Any]:
    node = source.catalog_node
    unit = source.unit
    platforms, new_media, other = platforms_from_text(source.platforms)
    return {
        "department": unit.title if unit else "",
        "content": source.title,
        "disclosure_time": source.disclosure_time,
        "requirement": source.requirement,
        "method": source.method,
        "scope_text": (node.scope_text if node else "") or source.get_scope_display(),
        "platforms": platforms,
        "new_media_text": new_media,
        "platform_other": other,
    }


def _sync_open_form(form: ApprovalForm, source: DisclosureItemPage) -> ApprovalForm:
    """While a form is open its editor part follows the item; saved only on a change (keeps history short).

    填表人 is not taken from the item's revisions (a reviewer acting from the edit view would
    be named): it is the user who submits, recorded by approval_form_record_submission.
    """
    fields = _editor_fields(source)
    changed = [name for name, value in fields.items() if getattr(form, name) != value]
    if changed or form.pk is None:
        for name, value in fields.items():
            setattr(form, name, value)
        form.save()
    return form


@transaction.atomic
def approval_form_for(item: DisclosureItemPage) -> ApprovalForm:
    """The open approval form of the item's next publication, created on demand from the item's fields.

    While open, the editor's part (部门, 公开内容, 公开时间, 要求, 方式, 范围, 平台) follows the
    item's latest draft; opinions already recorded are kept.
    """
    source = _item_source(item)
    form = ApprovalForm.objects.select_for_update().filter(item_id=item.pk, state=FormState.OPEN).first()
    if form is None:
        try:
            with transaction.atomic():
                form = _sync_open_form(ApprovalForm(item_id=item.pk), source)
        except IntegrityError:
            # Another request opened it at the same moment (one open form per item is a constraint).
            form = ApprovalForm.objects.select_for_update().get(item_id=item.pk, state=FormState.OPEN)
            form = _sync_open_form(form, source)
        return form
    return _sync_open_form(form, source)


# The reviewer's and the leader's parts: cleared when the proposer submits again, so that the
# form of a publication carries the decisions that led to it (earlier ones stay in its history).
DECISION_FIELDS = {
    "disclose_opinion": "",
    "disclose_reason": "",
    "secrecy_opinion": "",
    "secrecy_reason": "",
    "prescreen_confirmed": False,
    "prescreen_reason": "",
    "prescreen_findings": [],
    "leader_requested": False,
    "secrecy_officer": None,
    "secrecy_officer_opinion": "",
    "secrecy_officer_reason": "",
    "secrecy_officer_at": None,
    "secrecy_office_requested": False,
    "secrecy_office_request_reason": "",
    "secrecy_office_reviewer": None,
    "secrecy_office_opinion": "",
    "secrecy_office_reason": "",
    "secrecy_office_at": None,
    "reviewer": None,
    "reviewer_opinion": "",
    "reviewed_on": None,
    "reviewed_at": None,
    "leader": None,
    "leader_decision": "",
    "leader_opinion": "",
    "leader_on": None,
    "leader_at": None,
}


@transaction.atomic
def approval_form_record_submission(*, item: DisclosureItemPage, user) -> ApprovalForm:
    """The proposer submits (提出) or resubmits after a rejection: 填表人, 填表日期 and 提交时间.

    The decisions of an earlier round are cleared (kept in the form's history).
    """
    form = approval_form_for(item)
    now = timezone.now()
    form.filled_by = user if getattr(user, "pk", None) else None
    form.filled_on = timezone.localdate(now)
    form.submitted_at = now
    for name, value in DECISION_FIELDS.items():
        setattr(form, name, value)
    form.save()
    # The departments to sign off are named again at each review (their rows keep a history).
    for row in form.countersignatures.all():
        row.delete()
    return form


@transaction.atomic
def approval_form_record_proposal(
    *,
    item: DisclosureItemPage,
    disclose_opinion: str,
    disclose_reason: str,
    secrecy_opinion: str,
    secrecy_reason: str,
) -> ApprovalForm:
    """The proposer's preliminary opinions (初步公开意见, 初步保密意见), each with its reason.

    Empty values are kept as they are (a draft may be saved half filled); the item's edit
    form requires them before submission.
    """
    form = approval_form_for(item)
    form.proposer_disclose_opinion = (
        choice_value(DiscloseOpinion, disclose_opinion, field="proposer_disclose_opinion") if disclose_opinion else ""
    )
    form.proposer_disclose_reason = (disclose_reason or "").strip()
    form.proposer_secrecy_opinion = (
        choice_value(SecrecyOpinion, secrecy_opinion, field="proposer_secrecy_opinion") if secrecy_opinion else ""
    )
    form.proposer_secrecy_reason = (secrecy_reason or "").strip()
    form.save()
    return form


def _required_reason(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}的理由。"})
    return text


@transaction.atomic
def approval_form_record_review(
    *,
    item: DisclosureItemPage,
    user,
    disclose_opinion: str,
    disclose_reason: str,
    secrecy_opinion: str,
    secrecy_reason: str,
    prescreen_confirmed: bool = False,
    prescreen_reason: str = "",
    prescreen_findings: list[dict] | None = None,
    leader_requested: bool = False,
    request_secrecy_office: bool = False,
    secrecy_office_request_reason: str = "",
    countersign_units: Iterable[UnitPage] = (),
) -> ApprovalForm:
    """The reviewer (分管负责人) fills 公开意见, 保密审核 and signs 分管领导意见 with today's date.

    Opinions are values or labels of DiscloseOpinion (agree/同意, disagree/不同意) and
    SecrecyOpinion (pass/通过, fail/不通过, declassify/需脱密处理); both need a reason.
    """
    disclose = choice_value(DiscloseOpinion, disclose_opinion, field="disclose_opinion")
    secrecy = choice_value(SecrecyOpinion, secrecy_opinion, field="secrecy_opinion")
    disclose_text = _required_reason(disclose_reason, "disclose_reason", "公开意见")
    secrecy_text = _required_reason(secrecy_reason, "secrecy_reason", "保密审核")
    if prescreen_confirmed and not (prescreen_reason or "").strip():
        raise ValidationError({"prescreen_reason": "确认自动预审提示后仍予公开，须说明理由。"})
    form = approval_form_for(item)
    form.disclose_opinion = disclose
    form.disclose_reason = disclose_text
    form.secrecy_opinion = secrecy
    form.secrecy_reason = secrecy_text
    form.prescreen_confirmed = bool(prescreen_confirmed)
    form.prescreen_reason = (prescreen_reason or "").strip()
    form.prescreen_findings = list(prescreen_findings or [])
    form.leader_requested = bool(leader_requested)
    _request_office(form, request_secrecy_office, secrecy_office_request_reason)
    form.reviewer = user
    verdict = "同意公开" if disclose == DiscloseOpinion.AGREE else "不同意公开"
    form.reviewer_opinion = f"{verdict}。{disclose_text}"
    form.reviewed_at = timezone.now()
    form.reviewed_on = timezone.localdate(form.reviewed_at)
    form.save()
    _name_countersigners(form, item, countersign_units)
    return form


@transaction.atomic
def approval_form_record_leader(*, item: DisclosureItemPage, user, opinion: str, reason: str) -> ApprovalForm:
    """The leader (主要负责人) signs 主要领导意见: opinion agree/同意 or disagree/不同意, with a reason."""
    decision = choice_value(LeaderOpinion, opinion, field="opinion")
    text = (reason or "").strip()
    if decision == LeaderOpinion.DISAGREE and not text:
        raise ValidationError({"reason": "不同意公开时须说明理由。"})
    form = approval_form_for(item)
    form.leader = user
    form.leader_decision = decision
    form.leader_opinion = f"{LeaderOpinion(decision).label}。{text}" if text else f"{LeaderOpinion(decision).label}。"
    form.leader_at = timezone.now()
    form.leader_on = timezone.localdate(form.leader_at)
    form.save()
    return form


def approval_form_close(
    *, item: DisclosureItemPage, source: DisclosureItemPage, revision: Revision | None, user=None
) -> ApprovalForm:
    form = ApprovalForm.objects.select_for_update().filter(item_id=item.pk, state=FormState.OPEN).first()
    if form is None:
        form = ApprovalForm(item_id=item.pk)
    """The form of a publication is closed (已用于发布) with the revision it published."""
    _sync_open_form(form, source)
    if form.filled_by_id is None and getattr(user, "pk", None):
        # Published without a submission (an administrator's direct publication): who published.
        form.filled_by = user
    form.state = FormState.USED
    form.revision = revision
    form.used_at = timezone.now()
    form.save()
    return form


def _request_office(form: ApprovalForm, requested: bool, reason: str) -> None:
    """报区保密办审查: once asked in a round (by the reviewer or the 分管保密负责人), it stays asked."""
    text = (reason or "").strip()
    if requested and not text:
        raise ValidationError({"secrecy_office_request_reason": "报区保密办审查时，请说明原因。"})
    if requested:
        form.secrecy_office_requested = True
        form.secrecy_office_request_reason = text


def _name_countersigners(form: ApprovalForm, item: DisclosureItemPage, units: Iterable[UnitPage | int]) -> None:
    # Ids from the action form (see review.forms.UnitsField) or units.
    units = UnitPage.objects.filter(pk__in=[getattr(unit, "pk", unit) for unit in units])
    own = item.unit
    wanted = {unit.pk: unit for unit in units if own is None or unit.pk != own.pk}
    for row in form.countersignatures.exclude(unit_id__in=wanted):
        row.delete()
    have = set(form.countersignatures.values_list("unit_id", flat=True))
    for pk, unit in wanted.items():
        if pk not in have:
            Countersignature.objects.create(form=form, unit=unit)


@transaction.atomic
def approval_form_record_secrecy_review(
    *, item: DisclosureItemPage, user, opinion: str, reason: str, request_office: bool = False, request_reason: str = ""
) -> ApprovalForm:
    """保密审查 by the unit's 分管保密负责人 (第二十六条（三）): opinion (pass/通过, fail/不通过,
    declassify/需脱密处理) with its reason; may send the item to the 区保密办."""
    decision = choice_value(SecrecyOpinion, opinion, field="secrecy_opinion")
    text = _required_reason(reason, "secrecy_reason", "保密审查")
    form = approval_form_for(item)
    form.secrecy_officer = user
    form.secrecy_officer_opinion = decision
    form.secrecy_officer_reason = text
    form.secrecy_officer_at = timezone.now()
    _request_office(form, request_office, request_reason)
    form.save()
    return form


@transaction.atomic
def approval_form_record_office_review(*, item: DisclosureItemPage, user, opinion: str, reason: str) -> ApprovalForm:
    """保密审查 by the 区保密办 (第十七条): opinion with its reason."""
    decision = choice_value(SecrecyOpinion, opinion, field="secrecy_opinion")
    text = _required_reason(reason, "secrecy_reason", "区保密办意见")
    form = approval_form_for(item)
    form.secrecy_office_reviewer = user
    form.secrecy_office_opinion = decision
    form.secrecy_office_reason = text
    form.secrecy_office_at = timezone.now()
    form.save()
    return form


@transaction.atomic
def approval_form_record_countersignature(
    *, countersignature: Countersignature, user, opinion: str, reason: str
) -> ApprovalForm:
    """One department's 会签 (第十六条): agree/同意 or disagree/不同意, with a reason; signed once."""
    decision = choice_value(DiscloseOpinion, opinion, field="opinion")
    text = _required_reason(reason, "reason", "会签")
    row = Countersignature.objects.select_for_update().get(pk=countersignature.pk)
    if row.opinion:
        raise ValidationError(f"{row.unit.title}已会签，不能重复会签。")
    row.opinion = decision
    row.reason = text
    row.signed_by = user
    row.signed_at = timezone.now()
    row.save()
    form = approval_form_for(row.form.item)
    form.save()  # a new version of the form, for the task state to point at
    return form


@transaction.atomic
def workflow_install():
    """Create 党务公开审批流程 (审核 → 审批) and assign it to the portal home page. Idempotent.

    Only DisclosureItemPage is moderated: the structure pages' get_workflow() is None.
    """
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from disclosure_pages.models import PortalHomePage

    from .models.workflow import (
        COUNTERSIGN_TASK_NAME,
        LEADER_TASK_NAME,
        OFFICE_TASK_NAME,
        REVIEW_TASK_NAME,
        SECRECY_TASK_NAME,
        WORKFLOW_NAME,
        CountersignTask,
        LeaderApprovalTask,
        ReviewTask,
        SecrecyOfficeTask,
        SecrecyReviewTask,
    )

    # 审核 → 保密审查（分管保密负责人）→ 保密审查（区保密办）→ 会签 → 审批; each later step is skipped
    # (and says why in the item's history) when the item does not need it.
    tasks = []
    for model, name in (
        (ReviewTask, REVIEW_TASK_NAME),
        (SecrecyReviewTask, SECRECY_TASK_NAME),
        (SecrecyOfficeTask, OFFICE_TASK_NAME),
        (CountersignTask, COUNTERSIGN_TASK_NAME),
        (LeaderApprovalTask, LEADER_TASK_NAME),
    ):
        tasks.append(model.objects.filter(name=name).first() or model.objects.create(name=name))
    for task in tasks:
        if not task.active:
            task.active = True
            task.save(update_fields=["active"])
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first() or Workflow.objects.create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, task in enumerate(tasks):
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowTask.objects.filter(workflow=workflow).exclude(task__in=tasks).delete()
    home = PortalHomePage.objects.first()
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
