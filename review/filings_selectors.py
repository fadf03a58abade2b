"""Reads of filings (报备/报批): who the superior is, whose inbox, what a user may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from disclosure_pages.models import RegionPage, SupervisorReach, UnitPage
from disclosure_pages.permissions import roles_for, unit_scope_q

from .models import Filing, FilingState, FilingSubject


def superior_of(unit: UnitPage) -> Page | None:
    """The body that made the unit's catalogue (制定党务公开目录的党组织): the region the unit belongs to.

    The tree puts each unit under its region (韶关市/武江区/区委办 under 武江区); that region's
    organisation department is the 上一级党组织 the seed texts send 报备 and 报批 to. Its people are
    the supervisors whose reach covers the region (SupervisorReach), never one whose reach is only
    the unit itself."""
    return RegionPage.objects.ancestor_of(unit).order_by("-depth").first()


def superior_users(superior: Page) -> QuerySet:
    """Active supervisors who may act for `superior`: their reach is the superior or above it."""
    prefixes = [superior.path[:n] for n in range(Page.steplen, len(superior.path) + 1, Page.steplen)]
    ids = SupervisorReach.objects.filter(root__path__in=prefixes).values("user_id")
    return get_user_model()._default_manager.filter(pk__in=ids, is_active=True)


def _superior_q(user) -> Q:
    q = Q(pk__in=[])
    for root in roles_for(user).reaches:
        q |= Q(superior__path__startswith=root)
    return q


def filings_for(user) -> QuerySet[Filing]:
    """Filings `user` may see: their units' own, and those in a supervisor's reach."""
    filings = Filing.objects.select_related("unit", "superior", "submitted_by", "decided_by")
    scope = unit_scope_q(user, "unit")
    if scope is None:
        return filings
    return filings.filter(scope | _superior_q(user))


def awaiting_decision(user) -> QuerySet[Filing]:
    """Pending filings this user may decide (the superior's inbox)."""
    filings = Filing.objects.filter(state=FilingState.PENDING).select_related("unit", "superior")
    if getattr(user, "is_superuser", False):
        return filings
    return filings.filter(_superior_q(user)) if roles_for(user).reaches else filings.none()


def filings_about(obj, *, subject: str | None = None) -> QuerySet[Filing]:
    filings = Filing.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
    return filings.filter(subject=subject) if subject else filings


def consent_for(obj, *, subject: str) -> Filing | None:
    """The superior's consent (an approved 报批) about `obj`, or None."""
    return filings_about(obj, subject=subject).filter(state=FilingState.APPROVED).order_by("-decided_at").first()


def pending_about(obj, *, subject: str) -> Filing | None:
    return filings_about(obj, subject=subject).filter(state=FilingState.PENDING).first()


def approval_reference(item) -> str:
    """The line the item's 审批表 shows for a superior's approval (目录外事项), or ""."""
    filing = (
        filings_about(item, subject=FilingSubject.EXTRA_ITEM)
        .filter(state=FilingState.APPROVED)
        .select_related("superior", "decided_by")
        .first()
    )
    if filing is None:
        return ""
    when = f"{timezone.localtime(filing.decided_at):%Y年%m月%d日}" if filing.decided_at else ""
    return f"目录外事项经{filing.superior.title}审核同意（{filing.number}，{when}）：{filing.reason}".rstrip("：")


def published_catalogue_changes(unit) -> list[Filing]:
    """Approved 目录变更 of the unit, newest first: published on the unit's page with their 说明."""
    return list(
        Filing.objects.filter(unit=unit, subject=FilingSubject.CATALOGUE_CHANGE, state=FilingState.APPROVED)
        .select_related("superior")
        .order_by("-decided_at")[:20]
    )
