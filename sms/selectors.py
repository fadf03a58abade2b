"""Reads of the SMS channel. Scope is disclosure_pages.selectors.public_items' question, never ours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from wagtail.models import Page

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage
from disclosure_pages.selectors import STEPLEN, has_live_ancestors, public_items, under_live_ancestors

from .models import SmsSubscription, SubscriptionStatus

TARGET_TYPES = {"unit": UnitPage, "region": RegionPage, "node": CatalogNodePage}


def subscription_target(kind: str, page_id: int) -> Page | None:
    """A live unit, region or catalogue row (under live pages) one may subscribe to, or None."""
    model = TARGET_TYPES.get(kind)
    if model is None:
        return None
    page = model.objects.live().filter(pk=page_id).first()
    return page if page is not None and has_live_ancestors(page) else None


def target_name(page: Page) -> str:
    page = page.specific
    if isinstance(page, UnitPage):
        return page.display_name
    if isinstance(page, CatalogNodePage):
        unit = page.unit
        return f"{unit.display_name if unit else ''} {page.code} {page.title}".strip()
    return page.title


def public_item(item_id: int) -> DisclosureItemPage | None:
    return public_items().filter(pk=item_id).first()


def subscriptions_covering(item: DisclosureItemPage) -> QuerySet[SmsSubscription]:
    """Active subscriptions on the item's region(s), unit or catalogue rows (its ancestors)."""
    ancestors = [item.path[: depth * STEPLEN] for depth in range(1, item.depth)]
    return SmsSubscription.objects.filter(status=SubscriptionStatus.ACTIVE, page__path__in=ancestors).order_by("pk")


def latest_public_items(unit: Page, limit: int) -> list[DisclosureItemPage]:
    return list(public_items().descendant_of(unit).order_by("-first_published_at", "-pk")[:limit])


_IGNORED_RE = re.compile(r"[\s·・.。,，、\-]")


def _key(text: str) -> str:
    from search.analysis import normalize

    return _IGNORED_RE.sub("", normalize(text or ""))


@dataclass
class UnitMatch:
    units: list[UnitPage]


def units_named(keyword: str) -> list[UnitPage]:
    """Live units a keyword names: the full name (武江区区委办, 武江区·区委办), the unit's own title
    (区委办, several units may answer), its 党组织名称, or a 简称 from the search synonyms (纪委)."""
    from search.analysis import expand
    from search.selectors import synonym_groups

    wanted = {_key(alt) for alt in expand(keyword, synonym_groups())} | {_key(keyword)}
    wanted.discard("")
    if not wanted:
        return []
    units = list(under_live_ancestors(UnitPage.objects.live()).order_by("path"))
    regions = dict(Page.objects.filter(path__in={u.path[:-STEPLEN] for u in units}).values_list("path", "title"))
    full, short = [], []
    for unit in units:
        region = regions.get(unit.path[:-STEPLEN], "")
        unit.__dict__["region_title"] = region
        if wanted & {_key(region + unit.title), _key(unit.organisation_name)}:
            full.append(unit)
        elif _key(unit.title) in wanted:
            short.append(unit)
    return full or short
