"""The admin inbox (站内消息): every notice the platform sends a user, read or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    TASK = "task", "待办"
    RETURNED = "returned", "退回修改"
    REVOKED = "revoked", "撤消"
    REMINDER = "reminder", "时限提醒"
    PARTICIPATION = "participation", "依申请公开与意见建议"
    OTHER = "other", "其他"


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("类别", max_length=16, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    subject = models.CharField("标题", max_length=255)
    body = models.TextField("内容", blank=True)
    url = models.CharField("处理链接", max_length=500, blank=True, help_text="站内地址，点击消息即打开并标为已读。")
    emailed = models.BooleanField("已发邮件", default=False)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
