"""Vocabulary of deadlines: holiday kinds, compliance states, reminder kinds."""

from __future__ import annotations

from django.db import models


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class ComplianceState(models.TextChoices):
    ON_TIME = "on_time", "按时公开"
    LATE = "late", "逾期公开"
    ZERO_REPORT = "zero_report", "零上报"
    MISSING = "missing", "未公开"
    NOT_DUE = "not_due", "未到期"


# States whose period is due and therefore enters the on-time rate.
DUE_STATES = {ComplianceState.ON_TIME, ComplianceState.LATE, ComplianceState.ZERO_REPORT, ComplianceState.MISSING}
MET_STATES = {ComplianceState.ON_TIME, ComplianceState.ZERO_REPORT}


class ReminderKind(models.TextChoices):
    EDITOR_DUE_SOON = "editor_due_soon", "录入人：即将到期"
    EDITOR_OVERDUE = "editor_overdue", "录入人：已逾期"
    SUPERVISOR_DUE_SOON = "supervisor_due_soon", "督查汇总：即将到期"
    SUPERVISOR_OVERDUE = "supervisor_overdue", "督查汇总：已逾期"
