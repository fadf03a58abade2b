"""Writes of the SMS channel: codes, subscriptions, notices of publications, sending, inbound texts.

Every function takes `now` so that tests (and the quiet-hours rule) never depend on the clock."""

from __future__ import annotations

import datetime
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from .backends import get_backend
from .backends.base import GatewayError
from .models import (
    MessageKind,
    MessageStatus,
    ShortLink,
    SmsMessage,
    SmsSubscription,
    SmsVerification,
    SubscriptionStatus,
    VerificationPurpose,
)
from .numbers import code_hash, decrypt_number, encrypt_number, mask_number, normalise_number, number_hash
from .selectors import latest_public_items, public_item, subscriptions_covering, target_name, units_named

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEGMENT = 70  # characters of one UCS2 message
SHORT_CODE_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
UNSUBSCRIBE_RE = re.compile(r"(?:t\s*d|退\s*订)", re.IGNORECASE)
# Retries after a gateway failure: 1, 5, 15, 60 minutes, then the message is given up.
RETRY_MINUTES = (1, 5, 15, 60)
CODE_RE = re.compile(r"\b\d{6}\b")


class SmsError(Exception):
    """A user-facing refusal, in Chinese."""


# --- short links and wording --------------------------------------------------------------


def short_url(page: Page) -> str:
    link = ShortLink.objects.filter(page=page).first()
    while link is None:
        try:
            with transaction.atomic():
                code = "".join(secrets.choice(SHORT_CODE_CHARS) for _ in range(6))
                link = ShortLink.objects.create(code=code, page=page)
        except IntegrityError:
            link = ShortLink.objects.filter(page=page).first()
    base = (settings.SMS_LINK_BASE or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return base + reverse("sms:short_link", args=[link.code])


def _fit(title: str, room: int) -> str:
    return title if len(title) <= room else title[: max(room - 1, 1)] + "…"


def publication_text(*, unit_name: str, title: str, link: str) -> str:
    """【党务公开】武江区·区委办发布：<title> <link> 回TD退订 — the title is cut to keep one segment
    (70 characters) where the unit name and link leave room for at least a few characters."""
    head, tail = f"{settings.SMS_SIGNATURE}{unit_name}发布：", f" {link} 回TD退订"
    room = SEGMENT - len(head) - len(tail)
    return f"{head}{_fit(title, max(room, 8))}{tail}"


# --- quiet hours and the daily limit -----------------------------------------------------


def _parse_hhmm(text: str) -> datetime.time:
    hours, minutes = text.strip().split(":")
    return datetime.time(int(hours), int(minutes))


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours if `now` falls within them (Asia/Shanghai), else None."""
    if not settings.SMS_QUIET_HOURS:
        return None
    start, end = (_parse_hhmm(part) for part in settings.SMS_QUIET_HOURS.split("-"))
    local = now.astimezone(SHANGHAI)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=SHANGHAI)


def _day_bounds(moment: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    day = moment.astimezone(SHANGHAI).date()
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=SHANGHAI)
    return start, start + datetime.timedelta(days=1)


def notices_on_day(hashed: str, moment: datetime.datetime) -> int:
    start, end = _day_bounds(moment)
    return SmsMessage.objects.filter(
        number_hash=hashed,
        kind=MessageKind.PUBLICATION,
        status__in=[MessageStatus.QUEUED, MessageStatus.SENT],
        send_after__gte=start,
        send_after__lt=end,
    ).count()


# --- outbound messages ----------------------------------------------------------------------


def _message(
    *,
    number: str,
    kind: str,
    text: str,
    now: datetime.datetime,
    item=None,
    send_after=None,
    status=MessageStatus.QUEUED,
) -> SmsMessage:
    return SmsMessage.objects.create(
        number_hash=number_hash(number),
        number_encrypted=encrypt_number(number),
        number_masked=mask_number(number),
        kind=kind,
        text=text,
        item=item,
        status=status,
        created_at=now,
        send_after=send_after or now,
    )


def _send_soon(message: SmsMessage, now: datetime.datetime) -> None:
    """After the commit: a due message is sent by a task now; a later one is enqueued deferred where
    the task backend can defer, else sms_send_due sends it when its time comes."""
    from .tasks import enqueue_send

    message_id, send_after, due = message.pk, message.send_after, message.send_after <= now
    transaction.on_commit(lambda: enqueue_send(message_id, send_after, due=due), robust=True)


def message_send(*, message_id: int, now: datetime.datetime | None = None, backend=None) -> SmsMessage | None:
    """Send one queued, due message. A gateway failure counts an attempt and schedules a retry
    (send_after moves on) until RETRY_MINUTES are used up, then the message is failed."""
    now = now or timezone.now()
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED or message.send_after > now:
            return message
        message.attempts += 1
        try:
            gateway_id = (backend or get_backend()).send(to=decrypt_number(message.number_encrypted), text=message.text)
        except GatewayError as exc:
            message.last_error = str(exc)[:500]
            if message.attempts > len(RETRY_MINUTES):
                message.status = MessageStatus.FAILED
            else:
                message.send_after = now + datetime.timedelta(minutes=RETRY_MINUTES[message.attempts - 1])
            message.save(update_fields=["attempts", "last_error", "status", "send_after"])
            logger.warning("SMS %s not sent (attempt %d): %s", message.pk, message.attempts, exc)
            if message.status == MessageStatus.QUEUED:
                _send_soon(message, now)
            return message
        message.status, message.sent_at, message.gateway_id, message.last_error = (
            MessageStatus.SENT,
            now,
            gateway_id[:100],
            "",
        )
        if message.kind == MessageKind.CODE:  # the log keeps no usable code
            message.text = CODE_RE.sub("******", message.text)
        message.save(update_fields=["attempts", "status", "sent_at", "gateway_id", "last_error", "text"])
        return message


def messages_send_due(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send every queued message whose time has come (after quiet hours, retries); (sent, not sent)."""
    now = now or timezone.now()
    sent = failed = 0
    due = SmsMessage.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now).order_by("send_after", "pk")
    for message_id in list(due.values_list("pk", flat=True)[:1000]):
        message = message_send(message_id=message_id, now=now)
        if message is not None and message.status == MessageStatus.SENT:
            sent += 1
        else:
            failed += 1
    return sent, failed


# --- codes and subscriptions ---------------------------------------------------------------


def _code_requests_in_last_hour(hashed: str, now: datetime.datetime) -> int:
    return SmsVerification.objects.filter(number_hash=hashed, created_at__gte=now - datetime.timedelta(hours=1)).count()


@transaction.atomic
def code_request(
    *, number: str, purpose: str, page: Page | None = None, now: datetime.datetime | None = None
) -> SmsVerification:
    """Send a 6-digit code to `number` (normalised already or not)."""
    now = now or timezone.now()
    number = normalise_number(number)
    hashed = number_hash(number)
    if _code_requests_in_last_hour(hashed, now) >= settings.SMS_CODES_PER_HOUR:
        raise SmsError("该号码获取验证码过于频繁，请一小时后再试。")
    if (
        purpose == VerificationPurpose.UNSUBSCRIBE
        and not SmsSubscription.objects.filter(number_hash=hashed, status=SubscriptionStatus.ACTIVE).exists()
    ):
        raise SmsError("该号码没有有效的短信订阅。")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.SMS_CODE_MINUTES
    verification = SmsVerification.objects.create(
        number_hash=hashed,
        purpose=purpose,
        page=page,
        code_hash=code_hash(number, code),
        expires_at=now + datetime.timedelta(minutes=minutes),
        created_at=now,
    )
    action = f"订阅“{target_name(page)}”公开信息" if page is not None else "退订全部短信订阅"
    text = f"{settings.SMS_SIGNATURE}验证码 {code}，用于{action}，{minutes} 分钟内有效。如非本人操作请忽略。"
    _send_soon(_message(number=number, kind=MessageKind.CODE, text=text, now=now), now)
    return verification


def _verify(*, number: str, code: str, purpose: str, now: datetime.datetime) -> SmsVerification:
    """The code's verification, used up; or SmsError. A wrong code's count is committed before the
    refusal leaves (the refusal must not roll it back), so guessing stays limited."""
    with transaction.atomic():
        verification, error = _check(number=number, code=code, purpose=purpose, now=now)
    if error:
        raise SmsError(error)
    return verification


def _check(*, number: str, code: str, purpose: str, now: datetime.datetime) -> tuple[SmsVerification | None, str]:
    hashed = number_hash(number)
    verification = (
        SmsVerification.objects.select_for_update()
        .filter(number_hash=hashed, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if verification is None:
        return None, "请先获取验证码。"
    if verification.expires_at <= now:
        return None, "验证码已过期，请重新获取。"
    if verification.attempts >= settings.SMS_CODE_ATTEMPTS:
        return None, "验证码输错次数过多，请重新获取。"
    if not hmac.compare_digest(verification.code_hash, code_hash(number, (code or "").strip())):
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        left = settings.SMS_CODE_ATTEMPTS - verification.attempts
        return None, (f"验证码不正确，还可再试 {left} 次。" if left > 0 else "验证码输错次数过多，请重新获取。")
    verification.used_at = now
    verification.save(update_fields=["used_at"])
    return verification, ""


def subscription_confirm(*, number: str, code: str, now: datetime.datetime | None = None) -> SmsSubscription:
    now = now or timezone.now()
    number = normalise_number(number)
    verification = _verify(number=number, code=code, purpose=VerificationPurpose.SUBSCRIBE, now=now)
    with transaction.atomic():
        page = verification.page
        subscription, _ = SmsSubscription.objects.update_or_create(
            number_hash=verification.number_hash,
            page=page,
            defaults={
                "number_encrypted": encrypt_number(number),
                "number_masked": mask_number(number),
                "status": SubscriptionStatus.ACTIVE,
                "confirmed_at": now,
                "unsubscribed_at": None,
            },
        )
        base = (settings.SMS_LINK_BASE or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
        text = (
            f"{settings.SMS_SIGNATURE}您已订阅“{target_name(page)}”的社会公开信息。"
            f"回复TD退订，或访问 {base}{reverse('sms:unsubscribe')} 退订。"
        )
        _send_soon(_message(number=number, kind=MessageKind.CONFIRMATION, text=text, now=now), now)
    return subscription


@transaction.atomic
def unsubscribe_all(*, hashed: str, now: datetime.datetime | None = None) -> int:
    """The number leaves every subscription; notices still waiting for it are cancelled."""
    now = now or timezone.now()
    count = SmsSubscription.objects.filter(number_hash=hashed, status=SubscriptionStatus.ACTIVE).update(
        status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now
    )
    SmsMessage.objects.filter(number_hash=hashed, kind=MessageKind.PUBLICATION, status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED
    )
    return count


def unsubscribe_confirm(*, number: str, code: str, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    number = normalise_number(number)
    verification = _verify(number=number, code=code, purpose=VerificationPurpose.UNSUBSCRIBE, now=now)
    return unsubscribe_all(hashed=verification.number_hash, now=now)


# --- publication notices --------------------------------------------------------------------


@dataclass
class FanOut:
    queued: int = 0
    deferred: int = 0
    dropped: int = 0


@transaction.atomic
def publication_notify(*, item_id: int, now: datetime.datetime | None = None) -> FanOut:
    """One notice per subscribed number whose unit, region or catalogue row covers a public, live
    item. Beyond SMS_DAILY_LIMIT notices a day a number's further notices are dropped (logged as
    such, not merged): a digest would arrive late and long, the site has the rest. In quiet hours
    notices wait for the end of them."""
    now = now or timezone.now()
    item = public_item(item_id)
    report = FanOut()
    if item is None:  # 党内 or 委员 items, revoked, or under an unpublished page: nothing goes out
        return report
    subscriptions = list(subscriptions_covering(item))
    if not subscriptions:
        return report
    unit = item.unit
    text = publication_text(unit_name=unit.display_name if unit else "", title=item.title, link=short_url(item))
    send_after = quiet_until(now) or now
    seen: set[str] = set()
    for subscription in subscriptions:
        hashed = subscription.number_hash
        if (
            hashed in seen
            or SmsMessage.objects.filter(number_hash=hashed, item=item, kind=MessageKind.PUBLICATION).exists()
        ):
            continue
        seen.add(hashed)
        over = notices_on_day(hashed, send_after) >= settings.SMS_DAILY_LIMIT
        message = _message(
            number=decrypt_number(subscription.number_encrypted),
            kind=MessageKind.PUBLICATION,
            text=text,
            item=item,
            now=now,
            send_after=send_after,
            status=MessageStatus.DROPPED if over else MessageStatus.QUEUED,
        )
        if over:
            report.dropped += 1
            continue
        report.queued += 1
        report.deferred += send_after > now
        _send_soon(message, now)
    return report


# --- inbound ---------------------------------------------------------------------------------


def help_text() -> str:
    return f"{settings.SMS_SIGNATURE}回复单位名称（如“武江区区委办”）可查询其最新社会公开事项；回复TD退订全部短信订阅。"


def keyword_reply(keyword: str) -> str:
    units = units_named(keyword)
    if not units:
        return help_text()
    if len(units) > 1:
        names = "、".join(f"{u.region_title}{u.title}" for u in units[:4])
        return f"{settings.SMS_SIGNATURE}“{keyword}”对应多个单位，请回复完整名称，如：{names}。"
    unit = units[0]
    items = latest_public_items(unit, settings.SMS_REPLY_ITEMS)
    head = f"{settings.SMS_SIGNATURE}{unit.display_name}"
    if not items:
        return f"{head}暂无社会公开事项。"
    links = [short_url(item) for item in items]
    # One (concatenated) message: titles share what SMS_REPLY_MAX_CHARS leaves after the links.
    fixed = len(head) + len("最新公开：") + sum(len(link) + 4 for link in links)
    room = max((settings.SMS_REPLY_MAX_CHARS - fixed) // len(items), 6)
    lines = [f"{n}.{_fit(item.title, room)} {link}" for n, (item, link) in enumerate(zip(items, links, strict=True), 1)]
    return f"{head}最新公开：" + "；".join(lines)


def sms_receive(*, number: str, text: str, now: datetime.datetime | None = None) -> SmsMessage | None:
    """An inbound message (deliver_sm, or simulated): TD/退订 unsubscribes the number from
    everything; a unit's name answers with its latest public items; anything else gets the help."""
    now = now or timezone.now()
    try:
        number = normalise_number(number)
    except ValueError:
        logger.info("inbound SMS from a number that is not a mainland mobile number ignored")
        return None
    body = (text or "").strip()
    with transaction.atomic():
        if UNSUBSCRIBE_RE.fullmatch(body):
            count = unsubscribe_all(hashed=number_hash(number), now=now)
            reply = f"{settings.SMS_SIGNATURE}您已退订全部短信订阅，不再收到发布提醒。" if count else help_text()
        else:
            reply = keyword_reply(body) if body else help_text()
        message = _message(number=number, kind=MessageKind.REPLY, text=reply, now=now)
        _send_soon(message, now)
    return message
