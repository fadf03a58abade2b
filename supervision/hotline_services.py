"""Writes of 监督员 and 直通车: appoint (the superior), file an opinion (the 监督员), answer it (the unit's
staff), escalate it to the superior when overdue (the scheduler). Each checks the one policy
(disclosure_pages.permissions) and refuses with a Chinese message."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deadlines.calendar import WorkCalendar
from disclosure_pages.models import SupervisorReach
from disclosure_pages.notifications import admin_url, tell
from disclosure_pages.permissions import can_change, roles_for

from .models_hotline import HOTLINE_PREFIX, DisclosureMonitor, MonitorOpinion

logger = logging.getLogger(__name__)


class HotlineError(Exception):
    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


def answer_days() -> int:
    return settings.SUPERVISION_HOTLINE_ANSWER_DAYS


def opinion_due(filed_on: datetime.date, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """The N-th working day after the day of filing (the day itself does not count, as for requests)."""
    calendar = calendar or WorkCalendar.from_db()
    return calendar.add_working_days(filed_on, answer_days())[0]


def _may_appoint(actor, unit) -> bool:
    return actor.is_superuser or roles_for(actor).supervises(unit.path)


@transaction.atomic
def monitor_appoint(
    *,
    actor,
    unit,
    name: str,
    identity: str,
    term_starts,
    term_ends,
    user=None,
    reads_party: bool = True,
    reads_committee: bool = False,
) -> DisclosureMonitor:
    if not _may_appoint(actor, unit):
        raise HotlineError("您只能为监督范围内的单位聘任监督员。")
    if term_ends < term_starts:
        raise HotlineError("聘期结束日期不能早于开始日期。", 400)
    return DisclosureMonitor.objects.create(
        unit=unit,
        name=name,
        identity=identity,
        term_starts=term_starts,
        term_ends=term_ends,
        user=user,
        reads_party=reads_party,
        reads_committee=reads_committee,
        appointed_by=actor,
    )


@transaction.atomic
def monitor_update(*, monitor: DisclosureMonitor, actor, **fields) -> DisclosureMonitor:
    if not can_change(actor, monitor):
        raise HotlineError("您只能修改监督范围内单位的监督员。")
    unit = fields.get("unit", monitor.unit)
    if not _may_appoint(actor, unit):
        raise HotlineError("您只能为监督范围内的单位聘任监督员。")
    for name, value in fields.items():
        setattr(monitor, name, value)
    if monitor.term_ends < monitor.term_starts:
        raise HotlineError("聘期结束日期不能早于开始日期。", 400)
    monitor.save()
    return monitor


@transaction.atomic
def opinion_file(
    *, monitor: DisclosureMonitor, user, content: str, at: datetime.datetime | None = None, notify: bool = True
) -> MonitorOpinion:
    """A 监督员 files an opinion about the unit of their appointment, during their term; the unit's staff
    are told (not when the demo data plants one: it must not fill the demo personas' inboxes)."""
    at = at or timezone.now()
    if monitor.user_id is None or monitor.user_id != user.pk:
        raise HotlineError("只有本人可以通过直通车提出监督意见。")
    filed_on = timezone.localdate(at)
    if not monitor.serves_on(filed_on):
        raise HotlineError(
            f"您的聘期为{monitor.term_starts:%Y年%-m月%-d日}至{monitor.term_ends:%Y年%-m月%-d日}，聘期外不能提出监督意见。"
        )
    opinion = MonitorOpinion.objects.create(
        monitor=monitor, unit=monitor.unit, content=content, filed_at=at, due_date=opinion_due(filed_on)
    )
    # The primary key makes the number unique without a counter two filings could race for.
    opinion.number = f"{HOTLINE_PREFIX}-{filed_on.year}-{opinion.pk:06d}"
    opinion.save(update_fields=["number"])
    if notify:
        _tell_unit(opinion)
    return opinion


def _unit_staff(unit):
    from disclosure_pages.choices import Role
    from disclosure_pages.models import UnitMembership

    memberships = UnitMembership.objects.filter(unit=unit, role__in=[Role.EDITOR, Role.REVIEWER, Role.LEADER])
    return [membership.user for membership in memberships.select_related("user")]


def opinion_admin_url(opinion: MonitorOpinion) -> str:
    return admin_url("supervision_opinions:inspect", opinion.pk)


def _tell_unit(opinion: MonitorOpinion) -> None:
    url = opinion_admin_url(opinion)
    body = (
        f"党务公开监督员{opinion.monitor.name}通过直通车对贵单位提出监督意见（编号 {opinion.number}），"
        f"请于{opinion.due_date:%Y年%-m月%-d日}前答复。\n\n{opinion.content}\n\n答复页面：{url}\n"
    )
    tell(f"【党务公开】监督意见待答复：{opinion.number}", body, _unit_staff(opinion.unit), url=url, kind="task")


@transaction.atomic
def opinion_answer(
    *, opinion: MonitorOpinion, actor, answer: str, at: datetime.datetime | None = None, notify: bool = True
) -> MonitorOpinion:
    opinion = MonitorOpinion.objects.select_for_update().get(pk=opinion.pk)
    if not can_change(actor, opinion):
        raise HotlineError("只有本单位的录入人、审核人、审批人可以答复监督意见。")
    if opinion.is_answered:
        raise HotlineError("该监督意见已经答复，答复不能修改。", 409)
    opinion.answer = answer
    opinion.answered_at = at or timezone.now()
    opinion.answered_by = actor
    opinion.save(update_fields=["answer", "answered_at", "answered_by"])
    monitor_user = opinion.monitor.user
    if notify and monitor_user is not None:
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("supervision:hotline_detail", args=[opinion.number])
        tell(
            f"【党务公开】您的监督意见已答复：{opinion.number}",
            f"{opinion.unit.display_name}已答复您的监督意见（编号 {opinion.number}）：\n\n{answer}\n\n查看：{url}\n",
            [monitor_user],
            url=url,
            kind="participation",
        )
    return opinion


@dataclass
class Escalation:
    opinion: MonitorOpinion
    supervisors: list


def supervisors_over(unit) -> list:
    reaches = SupervisorReach.objects.select_related("user", "root").filter(user__is_active=True)
    return sorted(
        {r.user.pk: r.user for r in reaches if unit.path.startswith(r.root.path)}.values(), key=lambda u: u.username
    )


def opinions_to_escalate(*, today: datetime.date):
    """Unanswered opinions past their due date that the superior has not yet been told about."""
    return (
        MonitorOpinion.objects.filter(answered_at__isnull=True, due_date__lt=today, escalated_at__isnull=True)
        .select_related("unit", "monitor")
        .order_by("due_date", "pk")
    )


def opinion_escalate(*, opinion: MonitorOpinion, today: datetime.date) -> Escalation | None:
    """Tell the supervisors over the unit, once: escalated_at is set in the same transaction, under a
    row lock, so that two scheduler runs cannot both send."""
    with transaction.atomic():
        locked = (
            MonitorOpinion.objects.select_for_update()
            .filter(pk=opinion.pk, escalated_at__isnull=True, answered_at__isnull=True)
            .first()
        )
        if locked is None:
            return None
        people = supervisors_over(opinion.unit)
        days = (today - opinion.due_date).days
        url = opinion_admin_url(opinion)
        body = (
            f"{opinion.unit.display_name}收到的监督意见（编号 {opinion.number}，监督员{opinion.monitor.name}）"
            f"答复期限为{opinion.due_date:%Y年%-m月%-d日}，已逾期{days}天仍未答复，请督办。\n\n"
            f"{opinion.content}\n\n查看：{url}\n"
        )
        if not people:
            logger.warning("监督意见 %s 已逾期，但%s没有上级组织部门账号。", opinion.number, opinion.unit.display_name)
        tell(f"【党务公开】监督意见逾期未答复：{opinion.number}", body, people, url=url, kind="reminder")
        MonitorOpinion.objects.filter(pk=opinion.pk).update(escalated_at=timezone.now())
    return Escalation(opinion=opinion, supervisors=people)
