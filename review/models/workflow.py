"""Workflow tasks, their states and the approval form (审批表).

The approval form *is* the workflow's record: every opinion of every step (the proposer's
初步意见, the reviewer's 公开意见 and 保密审核, the leader's 主要领导意见) is stored on it once,
each save kept in its history (django-simple-history). A task state stores no opinion of its
own: it points at the version of the form that its decision wrote (`form_version`), and its
`opinion_rows` are read from there (or from its comment, which Wagtail shows, for decisions
recorded before the form was the only record).

Seed 002 第三条 / 第十五条 / 第二十六条 and seed 003: an item is proposed (提出) by the unit's
editor, reviewed (审核) by the unit's 分管负责人, and, when it is important (the catalogue node
says so) or the reviewer asks, approved (审批) by the unit's 主要负责人. Then it is published
(实施) at once or at its go-live time; the archive files the publication (it listens to
Wagtail's `page_published`).

Decisions taken here:
- 需脱密处理 returns the item to the editor, like 不通过: seed 003 says content with secret
  parts must be declassified before it is published, and the editor makes that change.
- After a rejection at 审批 the editor's changes are reviewed again before the leader sees
  them (LeaderApprovalTask.start): the secrecy review always covers the published text.
- When 审批 is not needed the task is recorded as skipped (Wagtail's STATUS_SKIPPED, with a
  log entry saying why) and the workflow finishes, which publishes the item.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.models import HistoricalRecords
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Task, TaskState

from disclosure_pages.choices import DisclosureMethod, DisclosureRequirement, Role
from disclosure_pages.permissions import approval_publishes, roles_for

from ..choices import DiscloseOpinion, FormState, LeaderOpinion, Platform, SecrecyOpinion

__all__ = [
    "ApprovalForm",
    "Countersignature",
    "CountersignTask",
    "CountersignTaskState",
    "SecrecyOfficeMember",
    "SecrecyOfficeTask",
    "SecrecyOfficeTaskState",
    "SecrecyReviewTask",
    "SecrecyReviewTaskState",
    "LeaderApprovalTask",
    "LeaderApprovalTaskState",
    "ReviewTask",
    "ReviewTaskState",
    "UnitRoleTaskMixin",
]

WORKFLOW_NAME = "党务公开审批流程"
REVIEW_TASK_NAME = "审核（分管负责人）"
LEADER_TASK_NAME = "审批（主要负责人）"
SECRECY_TASK_NAME = "保密审查（分管保密负责人）"
OFFICE_TASK_NAME = "保密审查（区保密办）"
COUNTERSIGN_TASK_NAME = "会签（相关部门）"
# The log action's name predates the review app; entries already written carry it.
SKIP_LOG_ACTION = "disclosure_pages.workflow_skip"
ACTION_TEMPLATE = "review/admin/workflow_action.html"


def _utc(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).isoformat()


# --- the approval form (审批表) ----------------------------------------------------------------


class ApprovalForm(models.Model):
    """《党务公开事项审批表》 (《中共惠农区委党务公开若干制度（试行）》附件1): one per item and publication."""

    item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="公开事项",
        on_delete=models.CASCADE,
        related_name="approval_forms",
    )
    state = models.CharField("状态", max_length=8, choices=FormState.choices, default=FormState.OPEN)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="发布的版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField("发布时间", null=True, blank=True)

    # 提出: filled by the unit's editor (相关部门及工作责任人).
    department = models.CharField("部门", max_length=255, blank=True)
    filled_on = models.DateField("填表日期", default=datetime.date.today)
    content = models.TextField("公开内容", blank=True)
    disclosure_time = models.CharField("公开时间", max_length=100, blank=True)
    requirement = models.CharField(
        "公开要求",
        max_length=12,
        choices=DisclosureRequirement.choices,
        blank=True,
        help_text="长期、定期、分阶段或随时公开。",
    )
    method = models.CharField(
        "公开方式", max_length=12, choices=DisclosureMethod.choices, blank=True, help_text="党内、社会或例行公开。"
    )
    scope_text = models.CharField("公开范围", max_length=255, blank=True)
    platforms = models.JSONField("公开平台", default=list, blank=True)
    new_media_text = models.CharField("新媒体（名称）", max_length=100, blank=True)
    platform_other = models.CharField("其他平台", max_length=255, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填表人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 《中共惠农区委党务公开若干制度（试行）》第二十六条（一）: the proposing department gives its
    # preliminary opinion on disclosure and on secrecy, before the reviewer's.
    proposer_disclose_opinion = models.CharField(
        "初步公开意见", max_length=10, choices=DiscloseOpinion.choices, blank=True
    )
    proposer_disclose_reason = models.TextField("初步公开意见理由", blank=True)
    proposer_secrecy_opinion = models.CharField(
        "初步保密意见", max_length=12, choices=SecrecyOpinion.choices, blank=True
    )
    proposer_secrecy_reason = models.TextField("初步保密意见理由", blank=True)

    # 审核: the reviewer (分管负责人) decides whether to disclose and reviews secrecy.
    disclose_opinion = models.CharField("公开意见", max_length=10, choices=DiscloseOpinion.choices, blank=True)
    disclose_reason = models.TextField("公开意见理由", blank=True)
    secrecy_opinion = models.CharField("保密审核", max_length=12, choices=SecrecyOpinion.choices, blank=True)
    secrecy_reason = models.TextField("保密审核理由", blank=True)
    prescreen_confirmed = models.BooleanField(
        "确认自动预审提示", default=False, help_text="自动预审发现疑似涉密或个人信息时，审核人确认后仍予公开。"
    )
    prescreen_reason = models.TextField("确认理由", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_opinion = models.TextField("分管领导意见", blank=True)
    reviewed_on = models.DateField("分管领导签署日期", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    # 审批: the leader (主要负责人), for important items (《中共惠农区委党务公开若干制度（试行）》第十五条).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主要领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_decision = models.CharField("主要领导审批", max_length=10, choices=LeaderOpinion.choices, blank=True)
    leader_opinion = models.TextField("主要领导意见", blank=True)
    leader_on = models.DateField("主要领导签署日期", null=True, blank=True)
    leader_at = models.DateTimeField("审批时间", null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # 保密审查 (第二十六条（三）): the unit's 分管保密负责人 reviews secrecy with the reviewer.
    secrecy_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管保密负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secrecy_officer_opinion = models.CharField(
        "保密审查意见", max_length=12, choices=SecrecyOpinion.choices, blank=True
    )
    secrecy_officer_reason = models.TextField("保密审查理由", blank=True)
    secrecy_officer_at = models.DateTimeField("保密审查时间", null=True, blank=True)
    # 区保密办 (第十七条): when the pre-screen finds a classification mark, or a reviewer asks.
    secrecy_office_requested = models.BooleanField("报区保密办审查", default=False)
    secrecy_office_request_reason = models.TextField("报区保密办审查的原因", blank=True)
    secrecy_office_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="区保密办审查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secrecy_office_opinion = models.CharField(
        "区保密办意见", max_length=12, choices=SecrecyOpinion.choices, blank=True
    )
    secrecy_office_reason = models.TextField("区保密办意见理由", blank=True)
    secrecy_office_at = models.DateTimeField("区保密办审查时间", null=True, blank=True)

    # 报主要负责人审批 and the pre-screen's findings at the review: part of the record of the decision.
    leader_requested = models.BooleanField("报主要负责人审批", default=False)
    prescreen_findings = models.JSONField("自动预审提示", default=list, blank=True)

    # The tables kept their names when the form moved from the archive app to this one.
    history = HistoricalRecords(verbose_name="审批表变更记录", table_name="archive_historicalapprovalform")

    class Meta:
        verbose_name = "党务公开事项审批表"
        verbose_name_plural = "党务公开事项审批表"
        db_table = "archive_approvalform"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(state="open"), name="one_open_approval_form_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content or self.item_id} · {self.get_state_display()}"

    @property
    def platform_labels(self) -> list[str]:
        labels = dict(Platform.choices)
        return [labels[value] for value in self.platforms if value in labels]

    def columns(self) -> dict[str, Any]:
        """Every column of the row as stored (ids for links): the archive checks the live row against it."""
        values = {}
        for model_field in self._meta.concrete_fields:
            value = getattr(self, model_field.attname)
            if isinstance(value, datetime.datetime):
                value = _utc(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            values[model_field.attname] = value
        return values

    def snapshot(self) -> dict[str, Any]:
        """The form as it stands, readable without this table (stored in archive records).

        "columns" holds every column of the row, so that the record's hash covers the whole form.
        """

        def person(user) -> str:
            if user is None:
                return ""
            return user.get_full_name() or user.get_username()

        def day(value) -> str:
            return value.isoformat() if value else ""

        def moment(value) -> str:
            return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

        return {
            "id": self.pk,
            "department": self.department,
            "filled_on": day(self.filled_on),
            "content": self.content,
            "disclosure_time": self.disclosure_time,
            "requirement": self.requirement,
            "method": self.method,
            "scope_text": self.scope_text,
            "platforms": list(self.platforms),
            "new_media_text": self.new_media_text,
            "platform_other": self.platform_other,
            "filled_by": person(self.filled_by),
            "submitted_at": moment(self.submitted_at),
            "proposer_disclose_opinion": self.proposer_disclose_opinion,
            "proposer_disclose_reason": self.proposer_disclose_reason,
            "proposer_secrecy_opinion": self.proposer_secrecy_opinion,
            "proposer_secrecy_reason": self.proposer_secrecy_reason,
            "disclose_opinion": self.disclose_opinion,
            "disclose_reason": self.disclose_reason,
            "secrecy_opinion": self.secrecy_opinion,
            "secrecy_reason": self.secrecy_reason,
            "prescreen_confirmed": self.prescreen_confirmed,
            "prescreen_reason": self.prescreen_reason,
            "reviewer": person(self.reviewer),
            "reviewer_opinion": self.reviewer_opinion,
            "reviewed_on": day(self.reviewed_on),
            "reviewed_at": moment(self.reviewed_at),
            "leader": person(self.leader),
            "leader_decision": self.leader_decision,
            "leader_opinion": self.leader_opinion,
            "leader_on": day(self.leader_on),
            "leader_at": moment(self.leader_at),
            "leader_requested": self.leader_requested,
            "secrecy_officer": person(self.secrecy_officer),
            "secrecy_officer_opinion": self.secrecy_officer_opinion,
            "secrecy_officer_reason": self.secrecy_officer_reason,
            "secrecy_officer_at": moment(self.secrecy_officer_at),
            "secrecy_office_requested": self.secrecy_office_requested,
            "secrecy_office_request_reason": self.secrecy_office_request_reason,
            "secrecy_office_reviewer": person(self.secrecy_office_reviewer),
            "secrecy_office_opinion": self.secrecy_office_opinion,
            "secrecy_office_reason": self.secrecy_office_reason,
            "secrecy_office_at": moment(self.secrecy_office_at),
            "countersignatures": [row.snapshot() for row in self.countersignatures.select_related("unit", "signed_by")]
            if self.pk
            else [],
            "superior_approval": self._superior_approval(),
            "columns": self.columns(),
        }

    def _superior_approval(self) -> str:
        # 目录外事项: the superior's consent (a 报批 of the review app) belongs on the form.
        from review.filings_selectors import approval_reference

        return approval_reference(self.item) if self.item_id else ""


# --- task states: a decision, recorded on the approval form ---------------------------------


class FormVersionMixin(models.Model):
    """A task state whose decision is recorded on the approval form (the version it wrote)."""

    form_version = models.PositiveBigIntegerField("审批表版本", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def form_as_decided(self):
        """The approval form as this decision left it (a historical row), or None."""
        if not self.form_version:
            return None
        return ApprovalForm.history.filter(history_id=self.form_version).first()

    def decision_rows(self, form) -> list[tuple[str, str]]:
        raise NotImplementedError

    @property
    def opinion_rows(self) -> list[tuple[str, str]]:
        form = self.form_as_decided()
        if form is not None:
            return self.decision_rows(form)
        return [("意见", self.comment)] if self.comment else []


def _choice_label(choices, value: str) -> str:
    return dict(choices.choices).get(value or "", value or "")


class ReviewTaskState(FormVersionMixin, TaskState):  # noqa: DJ008  (TaskState.__str__)
    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        db_table = "disclosure_pages_reviewtaskstate"

    def decision_rows(self, form) -> list[tuple[str, str]]:
        rows = []
        if form.disclose_opinion:
            rows.append(("公开意见", f"{_choice_label(DiscloseOpinion, form.disclose_opinion)}。理由：{form.disclose_reason}"))
        if form.secrecy_opinion:
            rows.append(("保密审核", f"{_choice_label(SecrecyOpinion, form.secrecy_opinion)}。理由：{form.secrecy_reason}"))
        if form.leader_requested:
            rows.append(("报主要负责人审批", "是"))
        if form.prescreen_findings:
            findings = "；".join(f"{f['label']} {f['value']}（{f['source']}）" for f in form.prescreen_findings)
            rows.append(("自动预审提示", findings))
        if form.prescreen_confirmed:
            rows.append(("已核实", form.prescreen_reason))
        if form.secrecy_office_requested and form.secrecy_office_request_reason and not form.secrecy_officer_id:
            rows.append(("报区保密办审查", form.secrecy_office_request_reason))
        units = [row.unit.title for row in ApprovalForm.objects.get(pk=form.id).countersignatures.select_related("unit")] if form.id else []
        if units:
            rows.append(("会签部门", "、".join(units)))
        return rows


class LeaderApprovalTaskState(FormVersionMixin, TaskState):  # noqa: DJ008  (TaskState.__str__)
    class Meta:
        verbose_name = "审批记录"
        verbose_name_plural = "审批记录"
        db_table = "disclosure_pages_leaderapprovaltaskstate"

    @property
    def opinion_rows(self) -> list[tuple[str, str]]:
        if self.status == TaskState.STATUS_SKIPPED:
            return [("说明", self.comment)] if self.comment else []
        return super().opinion_rows

    def decision_rows(self, form) -> list[tuple[str, str]]:
        if not form.leader_decision:
            return [("说明", self.comment)] if self.comment else []
        reason = form.leader_opinion.split("。", 1)[1] if "。" in form.leader_opinion else form.leader_opinion
        return [("主要领导意见", f"{_choice_label(LeaderOpinion, form.leader_decision)}。理由：{reason}")]


def latest_form_version(form: ApprovalForm) -> int | None:
    return form.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()


# --- who acts: resolved from the tree --------------------------------------------------------


class UnitRoleTaskMixin:
    """A task done by whoever holds `role` in the item's unit (resolved from the tree)."""

    role: str = ""

    def holds_role(self, obj, user) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or roles_for(user).has_role_over(obj.path, self.role)

    def user_can_access_editor(self, obj, user):
        return self.holds_role(obj, user)

    def locked_for_user(self, obj, user):
        return not self.holds_role(obj, user)

    def user_can_lock(self, obj, user):
        return self.holds_role(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_template_for_action(self, action):
        return ACTION_TEMPLATE if action in ("approve", "reject") else ""

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from ..selectors import page_ids_under

        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return in_progress
        paths = roles_for(user).unit_paths(self.role)
        if not paths:
            return TaskState.objects.none()
        return in_progress.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=page_ids_under(paths),
        )

    def notify_started(self, task_state: TaskState, note: str = "") -> None:
        from ..notifications import notify_task_started

        notify_task_started(task_state=task_state, role=self.role, note=note)


def item_of(task_state: TaskState):
    """The item a task state is about, as a page (specific, the database version)."""
    return task_state.workflow_state.content_object.specific


# --- tasks ----------------------------------------------------------------------------------


class ReviewTask(UnitRoleTaskMixin, Task):
    """审核: any reviewer (分管负责人) of the item's unit."""

    role = Role.REVIEWER
    task_state_class = ReviewTaskState

    class Meta:
        verbose_name = "党务公开审核（分管负责人）"
        verbose_name_plural = "党务公开审核（分管负责人）"
        db_table = "disclosure_pages_reviewtask"

    @classmethod
    def get_description(cls):
        return "由事项所属单位的审核人（分管负责人）填写公开意见和保密审核意见，各附理由。"

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "退回修改", True), ("approve", "审核通过", True)]
        return []

    def get_form_for_action(self, action):
        from ..forms import ReviewActionForm, ReviewRejectForm

        return {"approve": ReviewActionForm, "reject": ReviewRejectForm}.get(action, super().get_form_for_action(action))

    def start(self, workflow_state, user=None):
        # 审核 starts when the proposer submits, or resubmits after a rejection (Wagtail's
        # resume, and LeaderApprovalTask.start after a change): `user` is that proposer.
        from ..services import approval_form_record_submission

        approval_form_record_submission(item=workflow_state.content_object.specific, user=user)
        task_state = super().start(workflow_state, user=user)
        self.notify_started(task_state)
        return task_state

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..forms import review_errors
        from ..selectors import review_target
        from ..services import approval_form_record_review

        item = item_of(task_state)
        if not self.holds_role(item, user):
            raise PermissionDenied("只有本单位的审核人（分管负责人）可以审核。")
        public, findings = review_target(task_state)
        errors = review_errors(action_name, kwargs, public=public, findings=findings)
        if errors:
            raise ValidationError(errors)
        if action_name == "approve":
            _check_interpretation(item)
        confirmed = bool(kwargs.get("prescreen_confirmed")) and bool(findings)
        form = approval_form_record_review(
            item=item,
            user=user,
            disclose_opinion=kwargs["disclose_opinion"],
            disclose_reason=kwargs["disclose_reason"],
            secrecy_opinion=kwargs["secrecy_opinion"],
            secrecy_reason=kwargs["secrecy_reason"],
            prescreen_confirmed=confirmed,
            prescreen_reason=(kwargs.get("prescreen_reason") or "").strip() if confirmed else "",
            prescreen_findings=[finding.as_dict() for finding in findings],
            leader_requested=bool(kwargs.get("request_leader_approval")),
            request_secrecy_office=bool(kwargs.get("request_secrecy_office")) and action_name == "approve",
            secrecy_office_request_reason=kwargs.get("secrecy_office_request_reason") or "",
            countersign_units=kwargs.get("countersign_units") or () if action_name == "approve" else (),
        )
        task_state.form_version = latest_form_version(form)
        comment = "；".join(f"{label}：{text}" for label, text in task_state.decision_rows(form))
        if action_name == "approve":
            with approval_publishes(user, item):
                task_state.approve(user=user, comment=comment)
        else:
            task_state.reject(user=user, comment=comment)
            from ..notifications import notify_rejected

            notify_rejected(task_state=task_state, user=user)


class AfterReviewTaskMixin:
    """A step after 审核: skipped (with a log entry saying why) when not needed, and, when the
    editor changed the item after a rejection here, the change is reviewed again first."""

    def skip_note(self, workflow_state) -> str:
        """Why this step is not needed ("" when it is)."""
        return ""

    def start(self, workflow_state, user=None):
        review = LeaderApprovalTask.last_review(workflow_state)
        if review is not None and review.finished_at and _changed_since(workflow_state, review):
            review_task = ReviewTask.objects.filter(workflow_tasks__workflow=workflow_state.workflow).first()
            if review_task is not None:
                return review_task.start(workflow_state, user=user)
        note = self.skip_note(workflow_state)
        if note:
            return self.skip(workflow_state, user=user, note=note)
        task_state = super().start(workflow_state, user=user)
        self.notify_started(task_state, note=self.start_note(workflow_state))
        return task_state

    def start_note(self, workflow_state) -> str:
        return ""

    def skip(self, workflow_state, user=None, note: str = "") -> TaskState:
        """Record the task as skipped: Wagtail then moves on (to the next step, or finishes and publishes)."""
        item = workflow_state.content_object.specific
        revision = item.get_latest_revision()
        task_state = self.get_task_state_class()(
            workflow_state=workflow_state,
            task=self,
            revision=revision,
            status=TaskState.STATUS_SKIPPED,
            finished_at=timezone.now(),
            comment=note,
        )
        task_state.save()
        log(
            instance=item,
            action=SKIP_LOG_ACTION,
            user=user,
            revision=revision,
            data={
                "workflow": {"id": workflow_state.workflow_id, "title": workflow_state.workflow.name},
                "task": {"id": self.pk, "title": self.name},
                "task_state_id": task_state.pk,
                "comment": note,
            },
        )
        return task_state


def _changed_since(workflow_state, review: TaskState) -> bool:
    obj = workflow_state.content_object
    return Revision.objects.filter(
        base_content_type=obj.get_base_content_type(),
        object_id=str(obj.pk),
        created_at__gt=review.finished_at,
    ).exists()


def _check_interpretation(item) -> None:
    from disclosure_pages.services import interpretation_missing

    message = interpretation_missing(item)
    if message:
        raise ValidationError(message)


def _decide(task_state, user, action_name: str, form, item) -> None:
    """Approve or reject the task state with the decision's rows as its comment (Wagtail shows it)."""
    if action_name == "approve":
        _check_interpretation(item)
    task_state.form_version = latest_form_version(form)
    comment = "；".join(f"{label}：{text}" for label, text in task_state.decision_rows(form))
    if action_name == "approve":
        with approval_publishes(user, item):
            task_state.approve(user=user, comment=comment)
    else:
        task_state.reject(user=user, comment=comment)
        from ..notifications import notify_rejected

        notify_rejected(task_state=task_state, user=user)


class LeaderApprovalTask(AfterReviewTaskMixin, UnitRoleTaskMixin, Task):
    """审批: a leader (主要负责人) of the item's unit, for important items; skipped otherwise."""

    role = Role.LEADER
    task_state_class = LeaderApprovalTaskState

    class Meta:
        verbose_name = "党务公开审批（主要负责人）"
        verbose_name_plural = "党务公开审批（主要负责人）"
        db_table = "disclosure_pages_leaderapprovaltask"

    @classmethod
    def get_description(cls):
        return "目录标注为重要信息或审核人要求报批的事项，由所属单位的主要负责人审批；其余事项自动跳过。"

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "不同意，退回", True), ("approve", "审批同意", True)]
        return []

    def get_form_for_action(self, action):
        from ..forms import LeaderActionForm, LeaderRejectForm

        return {"approve": LeaderActionForm, "reject": LeaderRejectForm}.get(action, super().get_form_for_action(action))

    @staticmethod
    def last_review(workflow_state) -> ReviewTaskState | None:
        return (
            ReviewTaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_APPROVED)
            .order_by("-finished_at", "-pk")
            .first()
        )

    def why_needed(self, workflow_state) -> str:
        """Why the leader must approve ("" when not needed)."""
        from ..selectors import open_approval_form

        item = workflow_state.content_object.specific
        node = item.catalog_node
        if node is not None and node.requires_leader_approval:
            return f"目录“{node.code} {node.title}”标注为重要信息"
        form = open_approval_form(item)
        if form is not None and form.leader_requested:
            return "审核人要求报主要负责人审批"
        return ""

    def skip_note(self, workflow_state) -> str:
        if self.why_needed(workflow_state):
            return ""
        return "目录未标注为重要信息，审核人未要求报批：无需主要负责人审批，自动跳过。"

    def start_note(self, workflow_state) -> str:
        return f"须主要负责人审批：{self.why_needed(workflow_state)}。"

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..forms import leader_errors
        from ..services import approval_form_record_leader

        item = item_of(task_state)
        if not self.holds_role(item, user):
            raise PermissionDenied("只有本单位的审批人（主要负责人）可以审批。")
        errors = leader_errors(action_name, kwargs)
        if errors:
            raise ValidationError(errors)
        form = approval_form_record_leader(item=item, user=user, opinion=kwargs["opinion"], reason=kwargs["reason"])
        _decide(task_state, user, action_name, form, item)


# --- 保密审查: the unit's 分管保密负责人, the 区保密办 ------------------------------------------------


class SecrecyReviewTaskState(FormVersionMixin, TaskState):  # noqa: DJ008  (TaskState.__str__)
    class Meta:
        verbose_name = "保密审查记录（分管保密负责人）"
        verbose_name_plural = "保密审查记录（分管保密负责人）"

    def decision_rows(self, form) -> list[tuple[str, str]]:
        rows = []
        if form.secrecy_officer_opinion:
            rows.append(
                ("保密审查意见", f"{_choice_label(SecrecyOpinion, form.secrecy_officer_opinion)}。理由：{form.secrecy_officer_reason}")
            )
        if form.secrecy_office_requested and form.secrecy_office_request_reason:
            rows.append(("报区保密办审查", form.secrecy_office_request_reason))
        return rows


class SecrecyReviewTask(AfterReviewTaskMixin, UnitRoleTaskMixin, Task):
    """保密审查 (《中共惠农区委党务公开若干制度（试行）》第二十六条（三）): the unit's 分管保密负责人,
    after the reviewer; skipped where the unit names none (the reviewer's 保密审核 then stands alone)."""

    role = Role.SECRECY
    task_state_class = SecrecyReviewTaskState

    class Meta:
        verbose_name = "党务公开保密审查（分管保密负责人）"
        verbose_name_plural = "党务公开保密审查（分管保密负责人）"

    @classmethod
    def get_description(cls):
        return "由事项所属单位分管保密工作的负责人协同进行保密审查，填写保密审查意见和理由；可报区保密办审查。"

    def skip_note(self, workflow_state) -> str:
        from disclosure_pages.selectors import unit_users_with_role

        if unit_users_with_role(workflow_state.content_object, self.role).exists():
            return ""
        return "本单位未另设分管保密负责人，保密审查由分管负责人在审核时一并完成：自动跳过。"

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "退回修改", True), ("approve", "保密审查通过", True)]
        return []

    def get_form_for_action(self, action):
        from ..forms import SecrecyActionForm, SecrecyRejectForm

        return {"approve": SecrecyActionForm, "reject": SecrecyRejectForm}.get(action, super().get_form_for_action(action))

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..forms import secrecy_errors
        from ..services import approval_form_record_secrecy_review

        item = item_of(task_state)
        if not self.holds_role(item, user):
            raise PermissionDenied("只有本单位的分管保密负责人可以进行保密审查。")
        errors = secrecy_errors(action_name, kwargs, office=False)
        if errors:
            raise ValidationError(errors)
        form = approval_form_record_secrecy_review(
            item=item,
            user=user,
            opinion=kwargs["secrecy_opinion"],
            reason=kwargs["secrecy_reason"],
            request_office=bool(kwargs.get("request_secrecy_office")),
            request_reason=kwargs.get("secrecy_office_request_reason") or "",
        )
        _decide(task_state, user, action_name, form, item)


class SecrecyOfficeMember(models.Model):
    """A reviewer of the 区保密办 (第十七条): reviews the secrecy of items of every unit in the region."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        "disclosure_pages.RegionPage", verbose_name="所在地区", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "区保密办审查人"
        verbose_name_plural = "区保密办审查人"
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="one_secrecy_office_membership")]

    def __str__(self) -> str:
        return f"{self.region.title} 保密办：{self.user.get_full_name() or self.user.get_username()}"


def office_regions(user) -> list[str]:
    """Paths of the regions whose 区保密办 the user serves."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(SecrecyOfficeMember.objects.filter(user=user).values_list("region__path", flat=True))


class SecrecyOfficeTaskState(FormVersionMixin, TaskState):  # noqa: DJ008  (TaskState.__str__)
    class Meta:
        verbose_name = "保密审查记录（区保密办）"
        verbose_name_plural = "保密审查记录（区保密办）"

    def decision_rows(self, form) -> list[tuple[str, str]]:
        if not form.secrecy_office_opinion:
            return []
        return [("区保密办意见", f"{_choice_label(SecrecyOpinion, form.secrecy_office_opinion)}。理由：{form.secrecy_office_reason}")]


CLASSIFICATION = "classification"  # prescreen.Kind.CLASSIFICATION (the models import no screening code)


class SecrecyOfficeTask(AfterReviewTaskMixin, UnitRoleTaskMixin, Task):
    """保密审查（区保密办）: when the pre-screen found a classification mark, or a reviewer asked;
    by a reviewer of the 区保密办 of a region containing the item."""

    role = "secrecy_office"
    task_state_class = SecrecyOfficeTaskState

    class Meta:
        verbose_name = "党务公开保密审查（区保密办）"
        verbose_name_plural = "党务公开保密审查（区保密办）"

    @classmethod
    def get_description(cls):
        return "自动预审发现密级标志，或审核人、分管保密负责人要求时，报区保密办审查；其余事项自动跳过。"

    def holds_role(self, obj, user) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or any(obj.path.startswith(path) for path in office_regions(user))

    def why_needed(self, workflow_state) -> str:
        from ..selectors import open_approval_form

        form = open_approval_form(workflow_state.content_object)
        if form is None:
            return ""
        if form.secrecy_office_requested:
            return f"要求报区保密办审查：{form.secrecy_office_request_reason}" if form.secrecy_office_request_reason else "要求报区保密办审查"
        marks = [f["value"] for f in form.prescreen_findings or [] if f.get("kind") == CLASSIFICATION]
        if marks:
            return f"自动预审发现密级标志（{'、'.join(marks)}）"
        return ""

    def reviewers_exist(self, item) -> bool:
        prefixes = [item.path[:n] for n in range(Page.steplen, len(item.path) + 1, Page.steplen)]
        return SecrecyOfficeMember.objects.filter(region__path__in=prefixes, user__is_active=True).exists()

    def skip_note(self, workflow_state) -> str:
        why = self.why_needed(workflow_state)
        if not why:
            return "未发现密级标志，也无人要求报区保密办审查：自动跳过。"
        if not self.reviewers_exist(workflow_state.content_object):
            # Said loudly in the log: the step was needed and nobody could take it.
            return f"{why}，但所在地区未设区保密办审查人：自动跳过，请组织部门设置。"
        return ""

    def start_note(self, workflow_state) -> str:
        return f"须区保密办审查：{self.why_needed(workflow_state)}。"

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from ..selectors import page_ids_under

        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return in_progress
        paths = office_regions(user)
        if not paths:
            return TaskState.objects.none()
        return in_progress.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=page_ids_under(paths),
        )

    def notify_started(self, task_state: TaskState, note: str = "") -> None:
        from ..notifications import notify_people

        item = item_of(task_state)
        prefixes = [item.path[:n] for n in range(Page.steplen, len(item.path) + 1, Page.steplen)]
        people = [m.user for m in SecrecyOfficeMember.objects.filter(region__path__in=prefixes).select_related("user")]
        notify_people(task_state=task_state, people=people, step="保密审查（区保密办）", note=note)

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "退回修改", True), ("approve", "保密审查通过", True)]
        return []

    def get_form_for_action(self, action):
        from ..forms import OfficeActionForm, OfficeRejectForm

        return {"approve": OfficeActionForm, "reject": OfficeRejectForm}.get(action, super().get_form_for_action(action))

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..forms import secrecy_errors
        from ..services import approval_form_record_office_review

        item = item_of(task_state)
        if not self.holds_role(item, user):
            raise PermissionDenied("只有所在地区的区保密办审查人可以审查。")
        errors = secrecy_errors(action_name, kwargs, office=True)
        if errors:
            raise ValidationError(errors)
        form = approval_form_record_office_review(
            item=item, user=user, opinion=kwargs["secrecy_opinion"], reason=kwargs["secrecy_reason"]
        )
        _decide(task_state, user, action_name, form, item)


# --- 会签: the other departments the item concerns -------------------------------------------------


class Countersignature(models.Model):
    """One department's sign-off (会签) on an approval form (第十六条: 经对方确认后发布)."""

    form = models.ForeignKey(ApprovalForm, verbose_name="审批表", on_delete=models.CASCADE, related_name="countersignatures")
    unit = models.ForeignKey("disclosure_pages.UnitPage", verbose_name="会签部门", on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField("会签意见", max_length=10, choices=DiscloseOpinion.choices, blank=True)
    reason = models.TextField("会签理由", blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="会签人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField("会签时间", null=True, blank=True)

    history = HistoricalRecords(verbose_name="会签变更记录")

    class Meta:
        verbose_name = "会签"
        verbose_name_plural = "会签"
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["form", "unit"], name="one_countersignature_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.title}：{self.get_opinion_display() or '待会签'}"

    def snapshot(self) -> dict[str, Any]:
        user = self.signed_by
        return {
            "unit": self.unit.title,
            "unit_id": self.unit_id,
            "opinion": self.opinion,
            "reason": self.reason,
            "signed_by": (user.get_full_name() or user.get_username()) if user else "",
            "signed_at": timezone.localtime(self.signed_at).isoformat(timespec="minutes") if self.signed_at else "",
        }


class CountersignTaskState(FormVersionMixin, TaskState):  # noqa: DJ008  (TaskState.__str__)
    class Meta:
        verbose_name = "会签记录"
        verbose_name_plural = "会签记录"

    def decision_rows(self, form) -> list[tuple[str, str]]:
        return [
            (f"会签（{row.unit.title}）", f"{row.get_opinion_display()}。理由：{row.reason}")
            for row in form.countersignatures.select_related("unit")
            if row.opinion
        ]

    @property
    def opinion_rows(self) -> list[tuple[str, str]]:
        # The sign-offs are rows of their own (Countersignature), renewed each round: the comment
        # written at the decision holds them as they were.
        return [tuple(part.split("：", 1)) if "：" in part else ("意见", part) for part in self.comment.split("；") if part]


class CountersignTask(AfterReviewTaskMixin, UnitRoleTaskMixin, Task):
    """会签: every department the reviewer named signs off, in parallel; all must agree."""

    role = Role.REVIEWER  # the 分管负责人 of each department named (or its 主要负责人)
    task_state_class = CountersignTaskState

    class Meta:
        verbose_name = "党务公开会签（相关部门）"
        verbose_name_plural = "党务公开会签（相关部门）"

    @classmethod
    def get_description(cls):
        return "公开信息涉及其他部门（单位）的，由审核人指定的各相关部门分管负责人会签，全部同意后方可发布；无会签部门时自动跳过。"

    @staticmethod
    def pending(item):
        from ..selectors import open_approval_form

        form = open_approval_form(item)
        if form is None:
            return Countersignature.objects.none()
        return form.countersignatures.filter(opinion="")

    @staticmethod
    def signer_units(user) -> list[str]:
        return roles_for(user).unit_paths(Role.REVIEWER, Role.LEADER)

    def my_pending(self, obj, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return Countersignature.objects.none()
        pending = self.pending(obj).select_related("unit")
        if user.is_superuser:
            return pending
        return pending.filter(unit__path__in=self.signer_units(user))

    def holds_role(self, obj, user) -> bool:
        return self.my_pending(obj, user).exists()

    def skip_note(self, workflow_state) -> str:
        if self.pending(workflow_state.content_object).exists():
            return ""
        return "本事项不涉及其他部门（单位），无需会签：自动跳过。"

    def start_note(self, workflow_state) -> str:
        units = "、".join(row.unit.title for row in self.pending(workflow_state.content_object).select_related("unit"))
        return f"须相关部门会签：{units}。"

    def notify_started(self, task_state: TaskState, note: str = "") -> None:
        from disclosure_pages.selectors import unit_users_with_role

        from ..notifications import notify_people

        people = []
        for row in self.pending(item_of(task_state)).select_related("unit"):
            people += list(unit_users_with_role(row.unit, Role.REVIEWER))
        notify_people(task_state=task_state, people=people, step="会签", note=note)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return in_progress
        paths = self.signer_units(user)
        if not paths:
            return TaskState.objects.none()
        item_ids = (
            Countersignature.objects.filter(opinion="", unit__path__in=paths, form__state=FormState.OPEN)
            .annotate(sid=Cast("form__item_id", output_field=models.CharField()))
            .values("sid")
        )
        return in_progress.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=item_ids,
        )

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "不同意，退回", True), ("approve", "会签同意", True)]
        return []

    def get_form_for_action(self, action):
        from ..forms import CountersignActionForm, CountersignRejectForm

        return {"approve": CountersignActionForm, "reject": CountersignRejectForm}.get(
            action, super().get_form_for_action(action)
        )

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..forms import countersign_errors
        from ..services import approval_form_record_countersignature

        item = item_of(task_state)
        mine = self.my_pending(item, user).first()
        if mine is None:
            raise PermissionDenied("只有会签部门的分管负责人可以会签，且每个部门只会签一次。")
        errors = countersign_errors(action_name, kwargs)
        if errors:
            raise ValidationError(errors)
        form = approval_form_record_countersignature(
            countersignature=mine, user=user, opinion=kwargs["opinion"], reason=kwargs["reason"]
        )
        if action_name == "reject" or not self.pending(item).exists():
            # Parallel sign-offs: one refusal returns the item; the last agreement completes the step.
            _decide(task_state, user, action_name, form, item)
        else:
            log(
                instance=item,
                action=COUNTERSIGN_LOG_ACTION,
                user=user,
                revision=task_state.revision,
                data={"unit": mine.unit.title, "opinion": mine.opinion, "reason": mine.reason},
            )


COUNTERSIGN_LOG_ACTION = "review.countersign"
