"""Reads for `send_reminders`: who gets which rows, leaving out what was already sent.

Rows come from the compliance computation (last year and this year, as of today):
- due soon: not yet published and due within the next N days (today included);
- overdue: missing, with a due date in the last 365 days (older gaps stay visible in the
  compliance view but are not mailed again and again).
Each (recipient, node, period, kind) is mailed once: ReminderLog remembers it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from disclosure_pages.choices import Role
from disclosure_pages.models import SupervisorReach, UnitMembership

from .calendar import WorkCalendar
from .choices import ComplianceState, ReminderKind
from .models import ReminderLog
from .selectors import ComplianceRow, compliance_rows

OVERDUE_WINDOW_DAYS = 365


@dataclass
class Reminder:
    """One email: an editor's list for their unit(s), or a supervisor's summary of their reach."""

    user: object
    role: str  # "editor" or "supervisor"
    due_soon: list[ComplianceRow]
    overdue: list[ComplianceRow]

    @property
    def kinds(self) -> tuple[str, str]:
        if self.role == "editor":
            return ReminderKind.EDITOR_DUE_SOON, ReminderKind.EDITOR_OVERDUE
        return ReminderKind.SUPERVISOR_DUE_SOON, ReminderKind.SUPERVISOR_OVERDUE

    def log_entries(self) -> list[ReminderLog]:
        soon_kind, overdue_kind = self.kinds
        return [
            ReminderLog(user=self.user, node_id=row.node_id, period=row.period_key, kind=kind, due=row.due)
            for kind, rows in ((soon_kind, self.due_soon), (overdue_kind, self.overdue))
            for row in rows
        ]

    def subject(self) -> str:
        parts = []
        if self.due_soon:
            parts.append(f"即将到期 {len(self.due_soon)} 项")
        if self.overdue:
            parts.append(f"已逾期 {len(self.overdue)} 项")
        prefix = "【党务公开】公开时限提醒" if self.role == "editor" else "【党务公开】公开时限督查汇总"
        return f"{prefix}：{'，'.join(parts)}"

    def body(self, *, today: datetime.date, days: int) -> str:
        name = "editor_reminder" if self.role == "editor" else "supervisor_summary"
        return render_to_string(
            f"deadlines/emails/{name}.txt",
            {
                "user": self.user,
                "today": today,
                "days": days,
                "due_soon": self.due_soon,
                "overdue": self.overdue,
                "by_unit": by_unit(self.due_soon + self.overdue),
                "admin_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
            },
        )


def by_unit(rows: list[ComplianceRow]) -> list[tuple[str, list[ComplianceRow]]]:
    grouped: dict[str, list[ComplianceRow]] = {}
    for row in sorted(rows, key=lambda r: (r.unit_path, r.code, r.due)):
        grouped.setdefault(row.unit_name, []).append(row)
    return list(grouped.items())


def _outstanding(today: datetime.date, days: int) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
    cal = WorkCalendar.from_db()
    rows = [row for year in (today.year - 1, today.year) for row in compliance_rows(year=year, today=today, calendar=cal)]
    horizon = today + datetime.timedelta(days=days)
    window = today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS)
    due_soon = [r for r in rows if r.state == ComplianceState.NOT_DUE and today <= r.due <= horizon]
    overdue = [r for r in rows if r.state == ComplianceState.MISSING and r.due >= window]
    return due_soon, overdue


def reminders_due(*, today: datetime.date, days: int) -> list[Reminder]:
    """The emails to send today: one per editor and one per supervisor, new rows only."""
    due_soon, overdue = _outstanding(today, days)
    editors: dict[int, list] = defaultdict(list)
    for membership in UnitMembership.objects.filter(role=Role.EDITOR).select_related("user"):
        editors[membership.unit_id].append(membership.user)
    reaches = [(reach.user, reach.root.path) for reach in SupervisorReach.objects.select_related("user", "root")]
    sent = set(ReminderLog.objects.values_list("user_id", "node_id", "period", "kind"))

    plans: dict[tuple[int, str], Reminder] = {}

    def add(user, role: str, row: ComplianceRow, soon: bool) -> None:
        reminder = plans.setdefault((user.pk, role), Reminder(user, role, [], []))
        kind = reminder.kinds[0 if soon else 1]
        if (user.pk, row.node_id, row.period_key, kind) not in sent:
            (reminder.due_soon if soon else reminder.overdue).append(row)

    for soon, rows in ((True, due_soon), (False, overdue)):
        for row in rows:
            for user in editors.get(row.unit_id, []):
                add(user, "editor", row, soon)
            for user, root_path in reaches:
                if row.unit_path.startswith(root_path):
                    add(user, "supervisor", row, soon)
    reminders = [r for r in plans.values() if r.due_soon or r.overdue]
    return sorted(reminders, key=lambda r: (r.role, r.user.get_username()))
