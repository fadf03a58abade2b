"""Reads: who handles which request, deadlines, and the public 回音壁.

The privacy rule lives here: an applicant's contact details are for the unit's
handling staff (editor / reviewer / leader), supervisors whose reach covers the
unit, and superusers — nobody else (`can_see_contact`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from disclosure_pages.choices import Scope
from disclosure_pages.models import CatalogNodePage, RegionPage, UnitPage
from disclosure_pages.permissions import HANDLERS, roles_for, unit_roles_at, unit_scope_q

from .choices import AnswerFrom, EventAction, FeedbackKind, PauseKind, RequestStatus
from .clock import DueCount, Interval, count_due
from .models import TOPIC_ANSWER_WORKING_DAYS, DisclosureRequest, Feedback, RegionRuleSet, RuleSet

DUE_SOON_DAYS = 2


# --- who handles what -------------------------------------------------------------------------


def _handler_q(user, unit_field: str) -> Q | None:
    """Q over `unit_field` for what `user` handles; None means everything (superuser); Q(pk__in=[]) nothing."""
    return unit_scope_q(user, unit_field, HANDLERS)


def handled_requests(user) -> QuerySet[DisclosureRequest]:
    """Requests `user` may see and act on in the admin."""
    q = _handler_q(user, "unit")
    qs = DisclosureRequest.objects.select_related("unit", "rule_set").prefetch_related("events")
    return qs if q is None else qs.filter(q)


def handled_feedback(user) -> QuerySet[Feedback]:
    q = _handler_q(user, "unit")
    qs = Feedback.objects.select_related("unit", "item")
    return qs if q is None else qs.filter(q)


def handles_any_unit(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # roles_for reads the memberships once per request: the admin menu asks on every page.
    return user.is_superuser or roles_for(user).is_unit_staff


def can_handle_unit(user, unit: UnitPage) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(unit_roles_at(user, unit.path) & HANDLERS)


def can_see_contact(user, request: DisclosureRequest) -> bool:
    """The unit's handling staff, supervisors over it, superusers: nobody else sees contact details."""
    return can_handle_unit(user, request.unit)


def units_by_region() -> list[tuple[str, list[tuple[int, str]]]]:
    """Live units grouped under their region path, for a region → unit chooser (two queries)."""
    regions = {page.path: page.title for page in RegionPage.objects.live().only("path", "title")}
    groups: dict[str, list[tuple[int, str]]] = {}
    steplen = UnitPage.steplen
    for unit in UnitPage.objects.live().order_by("path").only("pk", "path", "title"):
        names, prefix = [], unit.path[:-steplen]
        while prefix in regions:
            names.append(regions[prefix])
            prefix = prefix[:-steplen]
        groups.setdefault("/".join(reversed(names)), []).append((unit.pk, unit.title))
    return list(groups.items())


def answer_nodes(unit: UnitPage) -> list[CatalogNodePage]:
    """三级 catalogue nodes of the unit, where an answer's draft item may go; 点题/申请 nodes first."""
    nodes = list(CatalogNodePage.objects.descendant_of(unit).filter(level=3).order_by("path"))
    nodes.sort(key=lambda n: 0 if ("点题" in n.title or "申请" in n.title) else 1)
    return nodes


# --- rule sets and deadlines ------------------------------------------------------------------


def rule_set_for_unit(unit: UnitPage) -> RuleSet:
    """The nearest region above `unit` with a rule set wins; otherwise the default rule set."""
    regions = RegionPage.objects.ancestor_of(unit)
    mapping = (
        RegionRuleSet.objects.filter(region__in=regions).select_related("rule_set").order_by("-region__depth").first()
    )
    if mapping is not None:
        return mapping.rule_set
    rule_set = RuleSet.objects.filter(is_default=True).first() or RuleSet.objects.order_by("pk").first()
    if rule_set is None:
        raise RuleSet.DoesNotExist("没有可用的依申请公开时限规则，请先在管理后台设置。")
    return rule_set


def pauses_of(request: DisclosureRequest) -> list[Interval]:
    """Paused intervals from the event log (PAUSED … RESUMED), in local dates."""
    intervals: list[Interval] = []
    open_event = None
    for event in request.events.all():
        if event.action == EventAction.PAUSED and open_event is None:
            open_event = event
        elif event.action == EventAction.RESUMED and open_event is not None:
            intervals.append(_interval(open_event, timezone.localdate(event.at)))
            open_event = None
    if open_event is not None:
        intervals.append(_interval(open_event, None))
    return intervals


def _interval(event, end: datetime.date | None) -> Interval:
    label = f"（{PauseKind(event.pause_kind).label}）" if event.pause_kind else ""
    return Interval(start=timezone.localdate(event.at), end=end, label=label)


@dataclass
class Deadlines:
    accept: DueCount
    answer: DueCount | None
    pending: DueCount | None
    state: str  # "overdue" | "due_soon" | "ok" | "paused" | "done"
    days_left: int | None
    accept_met: bool | None
    answer_met: bool | None

    @property
    def state_label(self) -> str:
        return {"overdue": "已超期", "due_soon": "即将到期", "ok": "办理中", "paused": "计时暂停", "done": "已办结"}[
            self.state
        ]


def request_deadlines(request: DisclosureRequest, *, today: datetime.date | None = None) -> Deadlines:
    """Both due dates of a request, how each was computed, and where it stands today."""
    today = today or timezone.localdate()
    rules = request.rules
    pauses = pauses_of(request)
    submitted = timezone.localdate(request.submitted_at)
    accept = count_due(
        start=submitted,
        days=rules["accept_days"],
        working_days=rules["accept_working_days"],
        pauses=pauses,
        roll_forward=rules["roll_forward"],
        rule=f"{rules['name']}（受理）",
    )
    answer = None
    answer_start = None
    if request.accepted_at is not None:
        answer_start = timezone.localdate(request.accepted_at)
    if rules["answer_from"] == AnswerFrom.SUBMITTED:
        answer_start = submitted
    if answer_start is not None and request.status not in (RequestStatus.REFUSED,):
        extra = []
        if request.extension_days:
            extra.append(
                f"延期：答复期限延长{request.extension_days}{'个工作日' if rules['answer_working_days'] else '日'}"
            )
        answer = count_due(
            start=answer_start,
            days=rules["answer_days"] + request.extension_days,
            working_days=rules["answer_working_days"],
            pauses=pauses,
            roll_forward=rules["roll_forward"],
            rule=f"{rules['name']}（答复，{AnswerFrom(rules['answer_from']).label}）",
            extra=extra,
        )

    def met(done_at, count: DueCount | None) -> bool | None:
        if done_at is None or count is None or count.due is None:
            return None
        return timezone.localdate(done_at) <= count.due

    accept_done = request.accepted_at or request.refused_at
    pending = None
    if request.status == RequestStatus.SUBMITTED:
        pending = accept
    elif request.status == RequestStatus.ACCEPTED:
        pending = answer
    days_left = None
    if pending is None:
        state = "done"
    elif pending.due is None:
        state = "paused"
    else:
        days_left = (pending.due - today).days
        state = "overdue" if days_left < 0 else "due_soon" if days_left <= DUE_SOON_DAYS else "ok"
    return Deadlines(
        accept=accept,
        answer=answer,
        pending=pending,
        state=state,
        days_left=days_left,
        accept_met=met(accept_done, accept),
        answer_met=met(request.answered_at, answer),
    )


# What submission issues (services.py: YSQ-<year>-<pk, six digits or more>); anything else names no request
# and never reaches the database (PostgreSQL refuses a NUL in a string literal: a 500, not a miss).
TRACKING_NUMBER = re.compile(r"YSQ-[0-9]{4}-[0-9]{6,19}")


def find_request(tracking_number: str) -> DisclosureRequest | None:
    tracking_number = tracking_number.strip().upper()
    if not TRACKING_NUMBER.fullmatch(tracking_number):
        return None
    return (
        DisclosureRequest.objects.select_related("unit", "disclosure_item")
        .prefetch_related("events")
        .filter(tracking_number=tracking_number)
        .first()
    )


# --- 点题 (topic requests): a due date and a number to follow it by ----------------------------------


@dataclass(frozen=True)
class TopicDue:
    """When a 点题 is to be answered, and how that was counted (for showing next to the date)."""

    submitted: datetime.date
    due: datetime.date
    days: int
    skipped: list  # deadlines.calendar.Day: the days off passed over
    makeup: list  # 调休上班 days counted

    @property
    def steps(self) -> list[str]:
        lines = [
            f"依据：《龙口市科技局党支部党务公开工作实施方案》，点题式公开事项15日内以适当形式公开，按{self.days}个工作日计算",
            f"起算：{self.submitted.year}年{self.submitted.month}月{self.submitted.day}日收到，自次日起计算",
        ]
        if self.skipped:
            shown = "、".join(f"{d.date.month}月{d.date.day}日（{d.reason}）" for d in self.skipped[:12])
            lines.append(f"跳过休息日{len(self.skipped)}天：{shown}{'等' if len(self.skipped) > 12 else ''}")
        if self.makeup:
            lines.append("计入调休上班日：" + "、".join(f"{d.date.month}月{d.date.day}日" for d in self.makeup))
        lines.append(f"答复期限：{self.due.year}年{self.due.month}月{self.due.day}日")
        return lines


def topic_due(submitted: datetime.date, *, calendar=None) -> TopicDue:
    """The answer's due date of a 点题 received on `submitted`: TOPIC_ANSWER_WORKING_DAYS working days
    after it, on the deadlines app's holiday calendar (the one place that knows which days are worked)."""
    from deadlines.calendar import WorkCalendar

    calendar = calendar or WorkCalendar.from_db()
    due, skipped, makeup = calendar.add_working_days(submitted, TOPIC_ANSWER_WORKING_DAYS)
    return TopicDue(submitted=submitted, due=due, days=TOPIC_ANSWER_WORKING_DAYS, skipped=skipped, makeup=makeup)


def topic_state(topic: Feedback, *, today: datetime.date | None = None) -> tuple[str, str]:
    """(state, label) of a 点题: replied, overdue, or waiting."""
    today = today or timezone.localdate()
    if topic.replied_at is not None:
        return "done", "已答复"
    if topic.is_overdue(today):
        return "overdue", "已超期未答复"
    return "open", "待答复"


def overdue_topics(user, *, today: datetime.date | None = None) -> QuerySet[Feedback]:
    """Unanswered 点题 past their due date that `user` handles: the unit's staff, the supervisors whose
    reach covers the unit (and superusers): the handlers of feedback, nobody else."""
    today = today or timezone.localdate()
    return (
        handled_feedback(user)
        .filter(kind=FeedbackKind.TOPIC, replied_at__isnull=True, due_date__lt=today)
        .order_by("due_date", "pk")
    )


# What submission issues (services.py: DT-<year>-<pk, six digits or more>), checked before any query.
TOPIC_NUMBER = re.compile(r"DT-[0-9]{4}-[0-9]{6,19}")


def is_topic_number(number: str) -> bool:
    return bool(TOPIC_NUMBER.fullmatch((number or "").strip().upper()))


def find_topic(tracking_number: str) -> Feedback | None:
    tracking_number = (tracking_number or "").strip().upper()
    if not TOPIC_NUMBER.fullmatch(tracking_number):
        return None
    return (
        Feedback.objects.select_related("unit", "item")
        .filter(kind=FeedbackKind.TOPIC, tracking_number=tracking_number)
        .first()
    )


# --- 回音壁 ----------------------------------------------------------------------------------


def published_feedback(*, unit: UnitPage | None = None, item=None, limit: int | None = 10) -> list[Feedback]:
    """Moderated replies for the 回音壁. On a unit's page: feedback on the unit itself or on its public items."""
    qs = Feedback.objects.filter(is_published=True).select_related("unit", "item").order_by("-published_at", "-pk")
    if item is not None:
        qs = qs.filter(item=item)
    else:
        qs = qs.filter(Q(item__isnull=True) | Q(item__scope=Scope.PUBLIC, item__live=True))
        if unit is not None:
            qs = qs.filter(unit=unit)
    return list(qs[:limit] if limit else qs)
