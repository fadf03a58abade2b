"""Writes: filing a zero report (零上报) and sending deadline reminders."""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django.db import transaction
from wagtail.log_actions import log

from disclosure_pages.choices import DisclosureMethod, DisclosureRequirement, PeriodType, Schedule, Scope
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage

from . import clock
from .calendar import WorkCalendar
from .models import ReminderLog
from .reminders import Reminder
from .rules import Period, PeriodKind, due_date


class ZeroReportError(ValueError):
    """A zero report that must not be filed; the message is shown to the editor."""


def zero_report_title(node: CatalogNodePage, year: int, month: int) -> str:
    return f"{year}年{month}月 {node.title} 零上报（无发生）"


def zero_report_check(*, node: CatalogNodePage, year: int, month: int, today: datetime.date | None = None) -> None:
    """Raise ZeroReportError when the month may not be zero-reported."""
    today = today or clock.today()
    if node.level != 3 or node.schedule != Schedule.IMMEDIATE:
        raise ZeroReportError("只有“及时公开”的三级目录按月零上报（《韶关市党风廉政信息公开平台规范》：及时公开按月度报送周期采取“零上报”）。")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ZeroReportError("请选择有效的年份和月份。")
    if (year, month) > (today.year, today.month):
        raise ZeroReportError(f"{year}年{month}月尚未开始，不能零上报。")
    children = DisclosureItemPage.objects.child_of(node)
    happened = children.live().filter(event_date__year=year, event_date__month=month, is_zero_report=False).first()
    if happened is not None:
        raise ZeroReportError(f"{year}年{month}月已有公开事项“{happened.title}”，有发生即按时报送，无需零上报。")
    existing = children.filter(is_zero_report=True, year=year, month=month).first()
    if existing is not None:
        state = "已发布" if existing.live else "尚在审核或草稿中"
        raise ZeroReportError(f"{year}年{month}月已有零上报“{existing.title}”（{state}），请勿重复提交。")


def _free_slug(node: CatalogNodePage, base: str) -> str:
    taken = set(node.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def zero_report_file(
    *, node: CatalogNodePage, year: int, month: int, user, today: datetime.date | None = None
) -> tuple[DisclosureItemPage, bool]:
    """File 无发生 for a month of an immediate node: a draft item that goes through the node's review.

    Returns the item and whether it was submitted to a workflow (False: no workflow applies,
    it waits as a draft for the editor to submit).
    """
    zero_report_check(node=node, year=year, month=month, today=today)
    unit = node.unit
    due = due_date(Schedule.IMMEDIATE, Period(year, PeriodKind.MONTH, month), WorkCalendar.from_db()).due
    item = DisclosureItemPage(
        title=zero_report_title(node, year, month),
        slug=_free_slug(node, f"zero-report-{year}-{month:02d}"),
        period_type=PeriodType.MONTH,
        year=year,
        month=month,
        is_zero_report=True,
        body=f"<p>{unit.title if unit else ''}{year}年{month}月无“{node.content or node.title}”事项发生，特此零上报。</p>",
        scope=node.scope,
        disclosure_time=f"{due:%Y年%m月%d日}前",
        requirement=DisclosureRequirement.ANYTIME,
        method=DisclosureMethod.SOCIETY if node.scope == Scope.PUBLIC else DisclosureMethod.PARTY,
        platforms=node.forms,
        live=False,
        owner=user,
    )
    item._creation_parent = node
    node.add_child(instance=item)
    revision = item.save_revision(user=user, log_action=False)
    log(instance=item, action="wagtail.create", user=user, revision=revision, content_changed=True)
    workflow = item.get_workflow()
    if workflow is None:
        return item, False
    workflow.start(item, user)
    return item, True


# --- reminders ----------------------------------------------------------------------------


@transaction.atomic
def reminder_send(*, reminder: Reminder, today: datetime.date, days: int) -> None:
    """Post one reminder to the user's admin inbox, mail it when they have an address, and record
    each row in it, so that it is never sent twice.

    The log is written in the same transaction as the send: if the mail server refuses,
    nothing is recorded (the inbox notice neither) and the next run tries again.
    """
    from django.urls import reverse

    from notices.services import notify

    ReminderLog.objects.bulk_create(reminder.log_entries())
    subject, body = reminder.subject(), reminder.body(today=today, days=days)
    notify([reminder.user], subject=subject, body=body, url=reverse("wagtailadmin_home"), kind="reminder", mail=False)
    if reminder.user.email:
        send_mail(subject, body, None, [reminder.user.email])
