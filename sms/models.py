"""What the SMS channel keeps. Numbers: an HMAC everywhere (matching), Fernet-encrypted only where a
message must go out (confirmed subscriptions, outbound rows), masked for display."""

from __future__ import annotations

from django.db import models


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "已订阅"
    UNSUBSCRIBED = "unsubscribed", "已退订"


class SmsSubscription(models.Model):
    """A confirmed number following a unit, a region or a catalogue row (the page it covers)."""

    number_hash = models.CharField("号码摘要", max_length=64, db_index=True, editable=False)
    number_encrypted = models.TextField("号码（加密）", editable=False)
    number_masked = models.CharField("手机号码", max_length=16, editable=False)
    page = models.ForeignKey("wagtailcore.Page", verbose_name="订阅对象", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        "状态", max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    confirmed_at = models.DateTimeField("确认时间")
    unsubscribed_at = models.DateTimeField("退订时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信订阅"
        verbose_name_plural = "短信订阅"
        ordering = ["-confirmed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["number_hash", "page"], name="sms_one_subscription_per_page")]

    def __str__(self) -> str:
        return f"{self.number_masked} → {self.page.title}"


class VerificationPurpose(models.TextChoices):
    SUBSCRIBE = "subscribe", "订阅"
    UNSUBSCRIBE = "unsubscribe", "退订"


class SmsVerification(models.Model):
    """A 6-digit code sent to a number; only its HMAC is kept."""

    number_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=16, choices=VerificationPurpose.choices)
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}验证码"


class MessageKind(models.TextChoices):
    CODE = "code", "验证码"
    CONFIRMATION = "confirmation", "订阅确认"
    PUBLICATION = "publication", "发布提醒"
    REPLY = "reply", "回复"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    DROPPED = "dropped", "未发送（超过每日上限）"
    CANCELLED = "cancelled", "已取消（号码已退订）"


class SmsMessage(models.Model):
    """The outbound log: every message, with its status and attempts."""

    number_hash = models.CharField("号码摘要", max_length=64, db_index=True, editable=False)
    number_encrypted = models.TextField("号码（加密）", editable=False)
    number_masked = models.CharField("手机号码", max_length=16, editable=False)
    kind = models.CharField("类别", max_length=16, choices=MessageKind.choices)
    text = models.TextField("内容")
    item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    gateway_id = models.CharField("网关消息编号", max_length=100, blank=True)
    created_at = models.DateTimeField("生成时间")
    send_after = models.DateTimeField("计划发送时间", db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信发送记录"
        verbose_name_plural = "短信发送记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One notice per number and item, however many of its subscriptions cover the item.
            models.UniqueConstraint(
                fields=["number_hash", "item"],
                condition=models.Q(kind="publication"),
                name="sms_one_notice_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_masked} {self.get_kind_display()} {self.get_status_display()}"


class ShortLink(models.Model):
    """/s/<code>/ → a page's public address, to keep messages short."""

    code = models.CharField(max_length=12, unique=True)
    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "短链接"
        verbose_name_plural = "短链接"

    def __str__(self) -> str:
        return self.code
