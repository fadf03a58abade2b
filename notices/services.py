"""Telling people: one notice per user in the admin inbox, and a mail to those with an address.

Every notification of the platform goes through notify(): the workflow (待审核, 待审批, 退回),
revocations, deadline reminders and participation. Mails are sent after the transaction
commits; a mail server outage never undoes the decision that caused the notice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notice, NoticeKind

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """Who was told: the users (in the inbox) and the addresses mailed."""

    users: list = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [user.get_full_name() or user.get_username() for user in self.users]


def admin_path(url: str) -> str:
    """The site-relative part of an admin link (the inbox links within the site; mails carry the full URL)."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return url[len(base) :] if base and url.startswith(base) else url


def notify(
    users: Iterable, *, subject: str, body: str, url: str = "", kind: str = NoticeKind.OTHER, mail: bool = True
) -> Delivery:
    """Post the notice to each active user's inbox and queue a mail to each address."""
    people = {user.pk: user for user in users if user is not None and getattr(user, "is_active", False)}
    delivery = Delivery(users=sorted(people.values(), key=lambda u: u.get_username()))
    if not people:
        return delivery
    addresses = sorted({user.email for user in people.values() if user.email}) if mail else []
    Notice.objects.bulk_create(
        [
            Notice(user=user, kind=kind, subject=subject[:255], body=body, url=admin_path(url)[:500], emailed=bool(mail and user.email))
            for user in delivery.users
        ]
    )
    delivery.addresses = addresses
    if addresses:
        sender = getattr(settings, "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", None) or settings.DEFAULT_FROM_EMAIL
        messages = [(subject, body, sender, [address]) for address in addresses]

        def send() -> None:
            try:
                send_mass_mail(messages, fail_silently=False)
            except Exception:  # the decision has committed; the inbox still has the notice
                logger.exception("通知邮件发送失败：%s", subject)

        transaction.on_commit(send)
    return delivery


def notice_mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when no ids are given); returns how many."""
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=timezone.now())
