"""Dashboard panels (Wagtail's `construct_homepage_panels`): what each persona has to do.

- 待我处理: tasks waiting for my 审核 / 审批, with how long they have waited;
- 本单位应公开事项: my units' catalogue rows due soon or overdue, with 录入 and 零上报;
- 退回修改: my units' items returned, with the reason and who returned it;
- 监督范围逾期情况: for supervisors, the units in reach with overdue rows;
- 站内消息: my unread notices.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

DUE_SOON_DAYS = 30
OVERDUE_WINDOW_DAYS = 365


def waited_text(since: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """"已等待 3天5小时" / "已等待 2小时" / "刚刚提交"."""
    if since is None:
        return ""
    seconds = int(((now or timezone.now()) - since).total_seconds())
    days, hours = seconds // 86400, seconds % 86400 // 3600
    if days:
        return f"已等待 {days}天{hours}小时" if hours else f"已等待 {days}天"
    if hours:
        return f"已等待 {hours}小时"
    minutes = seconds // 60
    return f"已等待 {minutes}分钟" if minutes else "刚刚提交"


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class DashboardPanel(Component):
    order = 90

    def __init__(self, request) -> None:
        self.request = request

    def rows(self) -> list:
        return []

    def get_context_data(self, parent_context=None):
        return {"panel": self, "rows": self._rows}

    def render_html(self, parent_context=None) -> str:
        self._rows = self.rows()
        if not self._rows:
            return ""
        return super().render_html(parent_context)


# --- 待我处理 -------------------------------------------------------------------------------


@dataclass
class TaskRow:
    title: str
    step: str
    submitted_by: str
    waited: str
    started_at: datetime.datetime
    url: str


class MyTasksPanel(DashboardPanel):
    name = "disclosure_my_tasks"
    heading = "待我处理（审核、审批）"
    template_name = "notices/panels/tasks.html"
    order = 60

    def rows(self) -> list[TaskRow]:
        from review.models import (
            CountersignTask,
            LeaderApprovalTask,
            ReviewTask,
            SecrecyOfficeTask,
            SecrecyReviewTask,
        )

        user = self.request.user
        rows = []
        steps = (
            (ReviewTask, "审核"),
            (SecrecyReviewTask, "保密审查"),
            (SecrecyOfficeTask, "保密审查（区保密办）"),
            (CountersignTask, "会签"),
            (LeaderApprovalTask, "审批"),
        )
        for model, step in steps:
            for task in model.objects.filter(active=True):
                states = task.get_task_states_user_can_moderate(user).select_related(
                    "workflow_state__requested_by"
                )
                for state in states:
                    page = state.workflow_state.content_object
                    rows.append(
                        TaskRow(
                            title=page.get_admin_display_title(),
                            step=step,
                            submitted_by=_person(state.workflow_state.requested_by),
                            waited=waited_text(state.started_at),
                            started_at=state.started_at,
                            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                        )
                    )
        return sorted(rows, key=lambda row: row.started_at)


# --- 本单位应公开事项 --------------------------------------------------------------------------


@dataclass
class DueRow:
    unit: str
    code: str
    node_title: str
    period: str
    due: datetime.date
    overdue: bool
    days: int  # days late, or days left
    add_url: str
    zero_report_url: str


class MyDueRowsPanel(DashboardPanel):
    name = "disclosure_my_due_rows"
    heading = "本单位应公开事项（即将到期、已逾期）"
    template_name = "notices/panels/due.html"
    order = 70

    def rows(self) -> list[DueRow]:
        from deadlines import clock
        from deadlines.calendar import WorkCalendar
        from deadlines.choices import ComplianceState
        from deadlines.selectors import compliance_rows
        from disclosure_pages.choices import Role, Schedule
        from disclosure_pages.models import UnitPage
        from disclosure_pages.permissions import roles_for

        paths = roles_for(self.request.user).unit_paths(Role.EDITOR)
        if not paths:
            return []
        units = list(UnitPage.objects.filter(path__in=paths).order_by("path"))
        today = clock.today()
        cal = WorkCalendar.from_db()
        horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        window = today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS)
        rows = []
        for year in (today.year - 1, today.year):
            for row in compliance_rows(units=units, year=year, today=today, calendar=cal):
                overdue = row.state == ComplianceState.MISSING and row.due >= window
                soon = row.state == ComplianceState.NOT_DUE and row.due <= horizon
                if not (overdue or soon):
                    continue
                rows.append(
                    DueRow(
                        unit=row.unit_name,
                        code=row.code,
                        node_title=row.node_title,
                        period=row.judgement.period.label,
                        due=row.due,
                        overdue=overdue,
                        days=(today - row.due).days if overdue else (row.due - today).days,
                        add_url=reverse(
                            "wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", row.node_id]
                        ),
                        zero_report_url=reverse("deadlines:zero_report", args=[row.node_id])
                        if row.schedule == Schedule.IMMEDIATE
                        else "",
                    )
                )
        return sorted(rows, key=lambda row: (not row.overdue, row.due, row.code))


# --- 退回修改 ------------------------------------------------------------------------------


@dataclass
class ReturnedRow:
    title: str
    step: str
    returned_by: str
    reason: str
    returned_at: datetime.datetime | None
    url: str


def returned_reason(workflow_state: WorkflowState) -> ReturnedRow | None:
    """Why an item was returned (退回修改): the rejected task state's comment, who and when."""
    state = workflow_state.current_task_state
    if workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES or state is None:
        return None
    page = workflow_state.content_object
    return ReturnedRow(
        title=page.get_admin_display_title(),
        step=state.task.name,
        returned_by=_person(state.finished_by),
        reason=state.comment or "（未填写意见）",
        returned_at=state.finished_at,
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
    )


class MyReturnedItemsPanel(DashboardPanel):
    name = "disclosure_my_returned"
    heading = "退回修改的事项"
    template_name = "notices/panels/returned.html"
    order = 65

    def rows(self) -> list[ReturnedRow]:
        from disclosure_pages.choices import Role
        from disclosure_pages.permissions import roles_for
        from review.selectors import page_ids_under

        user = self.request.user
        paths = roles_for(user).unit_paths(Role.EDITOR)
        states = WorkflowState.objects.filter(status=WorkflowState.STATUS_NEEDS_CHANGES).select_related(
            "current_task_state__finished_by", "current_task_state__task"
        )
        if paths:
            states = states.filter(object_id__in=page_ids_under(paths)) | states.filter(requested_by=user)
        else:
            states = states.filter(requested_by=user)
        rows = [row for row in (returned_reason(state) for state in states.distinct()) if row is not None]
        return sorted(rows, key=lambda row: row.returned_at or timezone.now(), reverse=True)


# --- 监督范围逾期情况 -------------------------------------------------------------------------


@dataclass
class ReachRow:
    unit: str
    overdue: int
    url: str


class ReachOverduePanel(DashboardPanel):
    name = "disclosure_reach_overdue"
    heading = "监督范围内逾期未公开的单位"
    template_name = "notices/panels/reach.html"
    order = 75

    def rows(self) -> list[ReachRow]:
        from deadlines import clock
        from deadlines.choices import ComplianceState
        from deadlines.selectors import compliance_rows, reach_roots

        roots = reach_roots(self.request.user)
        if roots == [] or roots is None:  # not a supervisor (a superuser sees the compliance view instead)
            return []
        today = clock.today()
        counts: Counter[str] = Counter()
        for row in compliance_rows(roots=roots, year=today.year, today=today):
            if row.state == ComplianceState.MISSING:
                counts[row.unit_name] += 1
        url = reverse("deadlines:compliance")
        return [ReachRow(unit, n, url) for unit, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["total"] = sum(row.overdue for row in self._rows)
        return context


# --- 站内消息 ------------------------------------------------------------------------------


class UnreadNoticesPanel(DashboardPanel):
    name = "notices_unread"
    heading = "未读站内消息"
    template_name = "notices/panels/unread.html"
    order = 55

    def rows(self) -> list:
        from .models import Notice

        return list(Notice.objects.filter(user=self.request.user, read_at__isnull=True).order_by("-created_at")[:5])

    def get_context_data(self, parent_context=None):
        from .selectors import unread_count

        context = super().get_context_data(parent_context)
        context["unread"] = unread_count(self.request.user)
        return context


PANELS = [UnreadNoticesPanel, MyTasksPanel, MyReturnedItemsPanel, MyDueRowsPanel, ReachOverduePanel]
