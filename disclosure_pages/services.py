"""Writes: building the organisation tree, catalogues and published items.

Multi-step writes live here so that commands, views and tests share one path.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import Page

from .choices import PeriodType, Scope, scope_from_text
from .models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage
from .signals import items_imported

IMPORT_LOG_ACTION = "disclosure_pages.import"


def page_slug(title: str, fallback: str = "page") -> str:
    return slugify(title, allow_unicode=True)[:80] or fallback


def get_or_add_child(parent: Page, model: type[Page], *, slug: str, **fields: Any) -> tuple[Page, bool]:
    """The child of `parent` with `slug`, created (live) when missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific, False
    page = model(slug=slug, live=True, **fields)
    parent.add_child(instance=page)
    return page, True


def region_get_or_create(*, parent: Page, name: str, kind: str) -> tuple[RegionPage, bool]:
    return get_or_add_child(parent, RegionPage, slug=page_slug(name, "region"), title=name, kind=kind)


def unit_get_or_create(*, region: RegionPage, name: str) -> tuple[UnitPage, bool]:
    return get_or_add_child(region, UnitPage, slug=page_slug(name, "unit"), title=name)


def catalog_install(*, unit: UnitPage, catalog: dict[str, Any]) -> int:
    """Create a unit's catalogue from catalogue data; existing nodes (by code) are kept. Returns nodes created."""
    created = 0
    for level1 in catalog["levels"]:
        node1, new = get_or_add_child(
            unit, CatalogNodePage, slug=level1["code"], title=level1["name"][:255], level=1, code=level1["code"]
        )
        created += new
        for level2 in level1["children"]:
            node2, new = get_or_add_child(
                node1, CatalogNodePage, slug=level2["code"], title=level2["name"][:255], level=2, code=level2["code"]
            )
            created += new
            for row in level2["children"]:
                _, new = get_or_add_child(
                    node2,
                    CatalogNodePage,
                    slug=row["code"],
                    title=(row.get("name") or row["content"])[:255],
                    level=3,
                    code=row["code"],
                    content=row["content"],
                    scope_text=row["scope"],
                    scope=scope_from_text(row["scope"]),
                    forms=row.get("forms", ""),
                    time_limit=row.get("time_limit", ""),
                    schedule=row.get("schedule", "immediate"),
                    responsible_unit=row.get("responsible_unit", ""),
                    note=row.get("note", ""),
                    table_type=row.get("table", ""),
                )
                created += new
    return created


def period_fields(period: dict[str, Any] | None, published: datetime.date) -> dict[str, Any]:
    """Model fields for a period given as {"year", "half"|"quarter"|"month"} or {"event_date"}."""
    period = period or {}
    if "event_date" in period:
        event = period["event_date"]
        if isinstance(event, str):
            event = datetime.date.fromisoformat(event)
        return {"period_type": PeriodType.EVENT, "event_date": event, "year": event.year}
    year = int(period.get("year") or published.year)
    if "half" in period:
        return {"period_type": PeriodType.HALF, "year": year, "half": int(period["half"])}
    if "quarter" in period:
        return {"period_type": PeriodType.QUARTER, "year": year, "quarter": int(period["quarter"])}
    if "month" in period:
        return {"period_type": PeriodType.MONTH, "year": year, "month": int(period["month"])}
    return {"period_type": PeriodType.YEAR, "year": year}


def _unique_child_slug(node: CatalogNodePage, title: str, taken: set[str]) -> str:
    base = page_slug(title, "item")[:60]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def item_create_published(
    *,
    node: CatalogNodePage,
    title: str,
    published_at: datetime.datetime,
    body: str = "",
    period: dict[str, Any] | None = None,
    doc_number: str = "",
    scope: str = "",
    tables: list[dict[str, Any]] | None = None,
    user=None,
    taken_slugs: set[str] | None = None,
    imported: bool = True,
    is_zero_report: bool = False,
) -> DisclosureItemPage:
    """Create an item that is already published (history: an import, not a workflow approval)."""
    if taken_slugs is None:
        taken_slugs = set(node.get_children().values_list("slug", flat=True))
    item = DisclosureItemPage(
        title=title[:255],
        slug=_unique_child_slug(node, title, taken_slugs),
        body=body,
        doc_number=doc_number,
        scope=scope or node.scope,
        tables=tables or [],
        live=True,
        has_unpublished_changes=False,
        first_published_at=published_at,
        last_published_at=published_at,
        imported=imported,
        is_zero_report=is_zero_report,
        **period_fields(period, timezone.localtime(published_at).date()),
    )
    item._creation_parent = node
    node.add_child(instance=item)
    revision = item.save_revision(user=user, log_action=False, clean=False, changed=False)
    item.live_revision = revision
    item.save(update_fields=["live_revision"], clean=False)
    log(instance=item, action=IMPORT_LOG_ACTION, user=user, revision=revision, data={"published_at": published_at.isoformat()})
    return item


def items_imported_on_commit(item_ids: Iterable[int]) -> None:
    ids = list(item_ids)
    transaction.on_commit(lambda: items_imported.send(sender=DisclosureItemPage, item_ids=ids))


def scope_value(text: str | None, default: str) -> str:
    """An import's optional scope: a Scope value or catalogue wording such as 社会/全体党员."""
    if not text:
        return default
    if text in Scope.values:
        return text
    return scope_from_text(text)
