"""The review and approval workflow (审核 → 审批) on Wagtail's workflow API.

Seed 002 第三条 / 第十五条 / 第二十六条 and seed 003: an item is proposed (提出) by the
unit's editor, reviewed (审核) by the unit's 分管负责人 — 公开意见 and 保密审核, each with a
reason — and, when it is important (the catalogue node says so) or the reviewer asks,
approved (审批) by the unit's 主要负责人. Then it is published (实施) at once or at its
go-live time, and the publication is archived (归档, archive app).

Two Task types carry the steps; their TaskState subclasses keep the opinions, so the
item's history shows them (views.ItemHistoryView). Who may act is resolved from the tree:
the reviewers (leaders) of the unit above the item, from UnitMembership — no groups.

Decisions taken here (see also the module docstring of prescreen.py):
- 需脱密处理 returns the item to the editor, like 不通过: seed 003 says content with secret
  parts must be declassified before it is published, and the editor makes that change.
  The reviewer's reason says what to remove.
- After a rejection at 审批 the editor's changes are reviewed again before the leader sees
  them (LeaderApprovalTask.start): the secrecy review always covers the published text.
- When 审批 is not needed the task is recorded as skipped (Wagtail's STATUS_SKIPPED, with a
  log entry saying why) and the workflow finishes, which publishes the item.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Task, TaskState

from . import prescreen
from .choices import DiscloseOpinion, LeaderOpinion, Role, Scope, SecrecyOpinion
from .permissions import approval_publishes, roles_for

WORKFLOW_NAME = "党务公开审批流程"
REVIEW_TASK_NAME = "审核（分管负责人）"
LEADER_TASK_NAME = "审批（主要负责人）"
SKIP_LOG_ACTION = "disclosure_pages.workflow_skip"
ACTION_TEMPLATE = "disclosure_pages/admin/workflow_action.html"


def archive_service(name: str):
    """A function of archive.services (the approval form and the archive), by name.

    Opinions that cannot be written to the 审批表, or a revocation that cannot be archived,
    are errors, never silently skipped: a missing function is a configuration error.
    """
    from archive import services

    function = getattr(services, name, None)
    if function is None:
        raise ImproperlyConfigured(f"archive.services.{name} 不存在：审批表或归档记录无法写入。")
    return function


# --- task states: the opinions ------------------------------------------------------------


class ReviewTaskState(TaskState):
    disclose_opinion = models.CharField("公开意见", max_length=10, choices=DiscloseOpinion.choices, blank=True)
    disclose_reason = models.TextField("公开意见理由", blank=True)
    secrecy_opinion = models.CharField("保密审核", max_length=12, choices=SecrecyOpinion.choices, blank=True)
    secrecy_reason = models.TextField("保密审核理由", blank=True)
    leader_requested = models.BooleanField("报主要负责人审批", default=False)
    prescreen_findings = models.JSONField("自动预审提示", default=list, blank=True)
    prescreen_confirmed = models.BooleanField("已核实自动预审提示", default=False)
    prescreen_reason = models.TextField("核实说明", blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"

    @property
    def opinion_rows(self) -> list[tuple[str, str]]:
        rows = []
        if self.disclose_opinion:
            rows.append(("公开意见", f"{self.get_disclose_opinion_display()}。理由：{self.disclose_reason}"))
        if self.secrecy_opinion:
            rows.append(("保密审核", f"{self.get_secrecy_opinion_display()}。理由：{self.secrecy_reason}"))
        if self.leader_requested:
            rows.append(("报主要负责人审批", "是"))
        if self.prescreen_findings:
            findings = "；".join(f"{f['label']} {f['value']}（{f['source']}）" for f in self.prescreen_findings)
            rows.append(("自动预审提示", findings))
        if self.prescreen_confirmed:
            rows.append(("已核实", self.prescreen_reason))
        return rows


class LeaderApprovalTaskState(TaskState):
    opinion = models.CharField("主要领导意见", max_length=10, choices=LeaderOpinion.choices, blank=True)
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "审批记录"
        verbose_name_plural = "审批记录"

    @property
    def opinion_rows(self) -> list[tuple[str, str]]:
        if not self.opinion:
            return [("说明", self.comment)] if self.comment else []
        return [("主要领导意见", f"{self.get_opinion_display()}。理由：{self.reason}")]


# --- action forms ---------------------------------------------------------------------------

REASON_WIDGET = forms.Textarea(attrs={"rows": 2})


def _required_text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=REASON_WIDGET,
        error_messages={"required": f"请填写{label}。"},
    )


def _opinion(label: str, choices, help_text: str = "", initial=None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        initial=initial,
        error_messages={"required": f"请选择{label}。"},
    )


def review_errors(
    action: str, data: dict[str, Any], *, public: bool, findings: list[prescreen.Finding]
) -> dict[str, str]:
    """What is wrong with a reviewer's decision; shared by the action form and on_action."""
    errors: dict[str, str] = {}
    agrees = data.get("disclose_opinion") == DiscloseOpinion.AGREE and data.get("secrecy_opinion") == SecrecyOpinion.PASS
    for name, label in (("disclose_reason", "公开意见理由"), ("secrecy_reason", "保密审核理由")):
        if not (data.get(name) or "").strip():
            errors[name] = f"请填写{label}。"
    if action == "approve" and not agrees:
        errors["__all__"] = "公开意见为“不同意”或保密审核为“不通过”“需脱密处理”时，请选择“退回修改”。"
    if action == "reject" and agrees:
        errors["__all__"] = "公开意见为“同意”且保密审核“通过”时，请选择“审核通过”。"
    if action == "approve" and public and findings:
        if not data.get("prescreen_confirmed"):
            errors["prescreen_confirmed"] = (
                f"本事项拟向社会公开，自动预审发现 {len(findings)} 处疑似涉密或个人信息"
                f"（{prescreen.summarise(findings)}）。请逐项核实，勾选“已核实”并说明理由后方可通过。"
            )
        elif not (data.get("prescreen_reason") or "").strip():
            errors["prescreen_reason"] = "请说明核实情况，如“手机号码为单位办公电话，可以公开”。"
    return errors


class ReviewActionForm(forms.Form):
    """审核 (分管负责人): 公开意见 + 理由, 保密审核 + 理由 (审批表的“公开意见”“保密审核”两栏)."""

    action = "approve"

    disclose_opinion = _opinion(
        "公开意见",
        DiscloseOpinion.choices,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十五条：分管负责人对拟公开内容的真实性进行把关，就公开的范围、方式、时限、是否涉密等进行审核，并作出是否公开的决定。",
        initial=DiscloseOpinion.AGREE,
    )
    disclose_reason = _required_text("公开意见理由")
    secrecy_opinion = _opinion(
        "保密审核",
        SecrecyOpinion.choices,
        help_text="《平罗县编办关于加强和规范党委公开工作实施方案》：拟公开的党务信息中含涉密内容的，须按有关规定进行脱密处理；涉及党员个人的，要防止泄露隐私。"
        "选择“需脱密处理”时事项退回录入人脱密后重新提交。",
        initial=SecrecyOpinion.PASS,
    )
    secrecy_reason = _required_text("保密审核理由")
    request_leader_approval = forms.BooleanField(
        label="报主要负责人审批",
        required=False,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十五条：重要信息必须经部门（单位）主要负责人审核同意后方可发布。目录标注为重要信息的事项一律报批；"
        "其余事项不勾选时，审核通过即发布（设有定时发布时间的，到时发布）。",
    )
    prescreen_confirmed = forms.BooleanField(
        label="已核实自动预审提示",
        required=False,
        help_text="社会公开的事项有自动预审提示时，须逐项核实后勾选。",
    )
    prescreen_reason = forms.CharField(label="核实说明", required=False, widget=REASON_WIDGET)
    # Filled by the template (the view builds the form without arguments), so that clean()
    # can look at the item under review; on_action checks again without trusting it.
    # (not called "task_state": the view passes cleaned_data to on_action(task_state, ...) as keywords)
    screened_task_state = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        public, findings = False, []
        task_state = TaskState.objects.filter(pk=data.get("screened_task_state") or 0).first()
        if task_state is not None:
            public, findings = review_target(task_state)
        for field, message in review_errors(self.action, data, public=public, findings=findings).items():
            if field not in self.errors:  # a required field already says so
                self.add_error(None if field == "__all__" else field, message)
        return data


class ReviewRejectForm(ReviewActionForm):
    action = "reject"

    disclose_opinion = _opinion("公开意见", DiscloseOpinion.choices)
    secrecy_opinion = _opinion(
        "保密审核",
        SecrecyOpinion.choices,
        help_text="选择“不通过”或“需脱密处理”时，请在理由中写明需删改的内容。",
    )
    request_leader_approval = None
    prescreen_confirmed = None
    prescreen_reason = None


class LeaderActionForm(forms.Form):
    """审批 (主要负责人): 主要领导意见 + 理由."""

    action = "approve"

    opinion = _opinion("主要领导意见", LeaderOpinion.choices, initial=LeaderOpinion.AGREE)
    reason = _required_text("理由")

    def clean(self):
        data = super().clean()
        for field, message in leader_errors(self.action, data).items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        return data


class LeaderRejectForm(LeaderActionForm):
    action = "reject"

    opinion = _opinion("主要领导意见", LeaderOpinion.choices, initial=LeaderOpinion.DISAGREE)


def leader_errors(action: str, data: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if not (data.get("reason") or "").strip():
        errors["reason"] = "请填写理由。"
    if action == "approve" and data.get("opinion") != LeaderOpinion.AGREE:
        errors["__all__"] = "主要领导意见为“不同意”时，请选择“不同意，退回”。"
    if action == "reject" and data.get("opinion") != LeaderOpinion.DISAGREE:
        errors["__all__"] = "主要领导意见为“同意”时，请选择“审批同意”。"
    return errors


# --- helpers --------------------------------------------------------------------------------


def earlier_opinions(task_state: TaskState) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """What the approver reads before deciding: the proposer's preliminary opinions and the
    reviewer's opinions of this round, as (who, when, [(label, text)]), Chinese labels only."""
    from archive.selectors import open_approval_form

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


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}" if moment else ""


def person_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def item_of(task_state: TaskState):
    """The item a task state is about, as a page (specific, the database version)."""
    return task_state.workflow_state.content_object.specific


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
        from .notifications import notify_task_started

        notify_task_started(task_state=task_state, role=self.role, note=note)


# --- tasks ----------------------------------------------------------------------------------


class ReviewTask(UnitRoleTaskMixin, Task):
    """审核: any reviewer (分管负责人) of the item's unit."""

    role = Role.REVIEWER
    task_state_class = ReviewTaskState

    class Meta:
        verbose_name = "党务公开审核（分管负责人）"
        verbose_name_plural = "党务公开审核（分管负责人）"

    @classmethod
    def get_description(cls):
        return "由事项所属单位的审核人（分管负责人）填写公开意见和保密审核意见，各附理由。"

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "退回修改", True), ("approve", "审核通过", True)]
        return []

    def get_form_for_action(self, action):
        return {"approve": ReviewActionForm, "reject": ReviewRejectForm}.get(action, super().get_form_for_action(action))

    def start(self, workflow_state, user=None):
        # 审核 starts when the proposer submits, or resubmits after a rejection (Wagtail's
        # resume, and LeaderApprovalTask.start after a change): `user` is that proposer.
        archive_service("approval_form_record_submission")(item=workflow_state.content_object.specific, user=user)
        task_state = super().start(workflow_state, user=user)
        self.notify_started(task_state)
        return task_state

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        if not self.holds_role(item_of(task_state), user):
            raise PermissionDenied("只有本单位的审核人（分管负责人）可以审核。")
        public, findings = review_target(task_state)
        errors = review_errors(action_name, kwargs, public=public, findings=findings)
        if errors:
            raise ValidationError(errors)
        item = item_of(task_state)
        task_state.disclose_opinion = kwargs["disclose_opinion"]
        task_state.disclose_reason = kwargs["disclose_reason"].strip()
        task_state.secrecy_opinion = kwargs["secrecy_opinion"]
        task_state.secrecy_reason = kwargs["secrecy_reason"].strip()
        task_state.leader_requested = bool(kwargs.get("request_leader_approval"))
        task_state.prescreen_findings = [finding.as_dict() for finding in findings]
        task_state.prescreen_confirmed = bool(kwargs.get("prescreen_confirmed")) and bool(findings)
        task_state.prescreen_reason = (kwargs.get("prescreen_reason") or "").strip() if findings else ""
        archive_service("approval_form_record_review")(
            item=item,
            user=user,
            disclose_opinion=task_state.disclose_opinion,
            disclose_reason=task_state.disclose_reason,
            secrecy_opinion=task_state.secrecy_opinion,
            secrecy_reason=task_state.secrecy_reason,
            prescreen_confirmed=task_state.prescreen_confirmed,
            prescreen_reason=task_state.prescreen_reason,
        )
        comment = "；".join(f"{label}：{text}" for label, text in task_state.opinion_rows)
        if action_name == "approve":
            with approval_publishes(user, item):
                task_state.approve(user=user, comment=comment)
        else:
            task_state.reject(user=user, comment=comment)
            from .notifications import notify_rejected

            notify_rejected(task_state=task_state, user=user)


class LeaderApprovalTask(UnitRoleTaskMixin, Task):
    """审批: a leader (主要负责人) of the item's unit, for important items; skipped otherwise."""

    role = Role.LEADER
    task_state_class = LeaderApprovalTaskState

    class Meta:
        verbose_name = "党务公开审批（主要负责人）"
        verbose_name_plural = "党务公开审批（主要负责人）"

    @classmethod
    def get_description(cls):
        return "目录标注为重要信息或审核人要求报批的事项，由所属单位的主要负责人审批；其余事项自动跳过。"

    def get_actions(self, obj, user):
        if self.holds_role(obj, user):
            return [("reject", "不同意，退回", True), ("approve", "审批同意", True)]
        return []

    def get_form_for_action(self, action):
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
        item = workflow_state.content_object.specific
        node = item.catalog_node
        if node is not None and node.requires_leader_approval:
            return f"目录“{node.code} {node.title}”标注为重要信息"
        review = self.last_review(workflow_state)
        if review is not None and review.leader_requested:
            return "审核人要求报主要负责人审批"
        return ""

    def start(self, workflow_state, user=None):
        review = self.last_review(workflow_state)
        if review is not None and review.finished_at and self._changed_since(workflow_state, review):
            # The editor changed the item after a rejection here: review it again first.
            review_task = ReviewTask.objects.filter(workflow_tasks__workflow=workflow_state.workflow).first()
            if review_task is not None:
                return review_task.start(workflow_state, user=user)
        why = self.why_needed(workflow_state)
        if why:
            task_state = super().start(workflow_state, user=user)
            self.notify_started(task_state, note=f"须主要负责人审批：{why}。")
            return task_state
        return self.skip(workflow_state, user=user)

    @staticmethod
    def _changed_since(workflow_state, review: ReviewTaskState) -> bool:
        obj = workflow_state.content_object
        return Revision.objects.filter(
            base_content_type=obj.get_base_content_type(),
            object_id=str(obj.pk),
            created_at__gt=review.finished_at,
        ).exists()

    def skip(self, workflow_state, user=None) -> TaskState:
        """Record the task as skipped: Wagtail then moves on (here: finishes and publishes)."""
        note = "目录未标注为重要信息，审核人未要求报批：无需主要负责人审批，自动跳过。"
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

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        item = item_of(task_state)
        if not self.holds_role(item, user):
            raise PermissionDenied("只有本单位的审批人（主要负责人）可以审批。")
        errors = leader_errors(action_name, kwargs)
        if errors:
            raise ValidationError(errors)
        task_state.opinion = kwargs["opinion"]
        task_state.reason = kwargs["reason"].strip()
        archive_service("approval_form_record_leader")(
            item=item, user=user, opinion=task_state.opinion, reason=task_state.reason
        )
        comment = "；".join(f"{label}：{text}" for label, text in task_state.opinion_rows)
        if action_name == "approve":
            with approval_publishes(user, item):
                task_state.approve(user=user, comment=comment)
        else:
            task_state.reject(user=user, comment=comment)
            from .notifications import notify_rejected

            notify_rejected(task_state=task_state, user=user)
