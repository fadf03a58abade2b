"""The holiday calendar that working days are counted on, and the log of reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .choices import HolidayKind, ReminderKind


class Holiday(models.Model):
    """One day of the official holiday arrangement (国务院办公厅关于节假日安排的通知).

    A day is a working day when it is a 调休上班 day, or a Monday–Friday that is not
    a 放假 day. Administrators enter each new year once the State Council publishes it.
    """

    date = models.DateField("日期", unique=True, error_messages={"unique": "该日期已在节假日安排中，请直接修改原记录。"})
    kind = models.CharField(
        "类型",
        max_length=8,
        choices=HolidayKind.choices,
        default=HolidayKind.HOLIDAY,
        help_text="放假：法定节假日及因调休放假的日子（含其中的周末）；调休上班：因调休而上班的周六或周日。",
    )
    name = models.CharField("节日名称", max_length=20, help_text="如“春节”“国庆节”；调休上班日填写所对应的节日。")
    provisional = models.BooleanField(
        "暂定",
        default=False,
        help_text="按《全国年节及纪念日放假办法》推算的法定假日，当年调休安排尚未公布。"
        "国务院办公厅公布后，请录入调休放假和调休上班日，并取消此项。",
    )

    history = HistoricalRecords(verbose_name="节假日安排变更记录")

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]), FieldPanel("name"), FieldPanel("provisional")]

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        flag = "，暂定" if self.provisional else ""
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}{flag}）"

    def clean(self):
        super().clean()
        if self.kind == HolidayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": "周一至周五本来就是工作日，调休上班日应为周六或周日。"})
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": "请填写节日名称，如“春节”。"})


class ReminderLog(models.Model):
    """What `send_reminders` sent, so that running it again sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    node = models.ForeignKey(
        "disclosure_pages.CatalogNodePage", verbose_name="公开目录", on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField("周期", max_length=20, help_text="如 2026、2026-H1、2026-Q3、2026-03、2026-03-02。")
    kind = models.CharField("提醒类型", max_length=24, choices=ReminderKind.choices)
    due = models.DateField("应公开日期")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "时限提醒记录"
        verbose_name_plural = "时限提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "node", "period", "kind"], name="unique_reminder_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period} · {self.get_kind_display()}"
