"""Notices of revocation: the admin inbox, and a mail after the commit (the workflow's are review.notifications)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from .choices import Role

logger = logging.getLogger(__name__)

def admin_url(name: str, *args) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def person(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def tell(subject: str, body: str, users: Iterable, *, url: str, kind: str):
    """Each user's inbox, and a mail to those with an address (notices.services.notify)."""
    from notices.services import notify

    return notify(users, subject=subject, body=body, url=url, kind=kind)


def notify_revoked(*, item, user, reason: str):
    """Tell the unit's editors (录入人), or, when it has none, its reviewers and leaders; returns the Delivery."""
    from .selectors import unit_users_with_role

    body = (
        f"贵单位已发布的公开事项“{item.title}”已被上级组织部门撤消，不再对外公开。\n"
        f"撤消人：{person(user)}\n"
        f"撤消理由：{reason}\n\n"
        f"事项履历：{admin_url('disclosure_item_history', item.pk)}\n"
    )
    people = list(unit_users_with_role(item, Role.EDITOR))
    if not people:
        people = list(unit_users_with_role(item, Role.REVIEWER)) + list(unit_users_with_role(item, Role.LEADER))
    url = admin_url("disclosure_item_history", item.pk)
    return tell(f"【党务公开】事项已撤消：{item.title}", body, people, url=url, kind="revoked")
