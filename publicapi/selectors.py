"""Reads for the public API: what `disclosure_pages.selectors` exposes to everyone, plus the
few related rows each listing needs, fetched for a whole page of results at once."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import Page

from disclosure_pages.documents import own_unit_attachments
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage, unit_display_name
from disclosure_pages.selectors import attach_units, public_items, under_live_ancestors

STEPLEN = Page.steplen
ITEM_BELOW_UNIT = 4  # unit → 一级 → 二级 → 三级 → item (see attach_units)


def api_items() -> QuerySet[DisclosureItemPage]:
    return public_items().order_by("-first_published_at", "-pk")


def api_units() -> QuerySet[UnitPage]:
    return under_live_ancestors(UnitPage.objects.live()).order_by("path")


def api_regions() -> QuerySet[RegionPage]:
    return under_live_ancestors(RegionPage.objects.live()).order_by("path")


def top_level(regions: QuerySet[RegionPage]) -> QuerySet[RegionPage]:
    """Regions whose parent is no region (the cities under the portal's home page)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - STEPLEN)
    return regions.filter(~Exists(RegionPage.objects.filter(path=parent_path)))


def items_with_catalog_code(items: QuerySet[DisclosureItemPage], code: str) -> QuerySet[DisclosureItemPage]:
    """Items under a catalogue node with `code` (三级 1-1-4, or a whole 二级/一级 branch, 1-1 or 1)."""
    nodes = CatalogNodePage.objects.filter(code=code)
    depths = sorted(set(nodes.values_list("depth", flat=True)))
    if not depths:
        return items.none()
    matches = None
    for depth in depths:
        prefix = Substr(OuterRef("path"), 1, depth * STEPLEN)
        q = Exists(nodes.filter(depth=depth, path=prefix))
        matches = q if matches is None else matches | q
    return items.filter(matches)


def prepare_items(items: list[DisclosureItemPage], *, detail: bool = False) -> list[DisclosureItemPage]:
    """Attach unit, region and catalogue node (and for a detail its downloadable attachments):
    three queries for any number of items."""
    attach_units(items)
    unit_paths = {item.path[: -ITEM_BELOW_UNIT * STEPLEN] for item in items}
    region_paths = {path[:-STEPLEN] for path in unit_paths}
    pages = {path: (pk, title) for path, pk, title in Page.objects.filter(path__in=unit_paths | region_paths).values_list("path", "pk", "title")}
    nodes = {
        path: (code, title)
        for path, code, title in CatalogNodePage.objects.filter(path__in={item.path[:-STEPLEN] for item in items}).values_list("path", "code", "title")
    }
    for item in items:
        unit_path = item.path[: -ITEM_BELOW_UNIT * STEPLEN]
        unit_pk, _ = pages.get(unit_path, (None, ""))
        item.api_unit = {"id": unit_pk, "title": item.unit_title, "name": item.unit_display_name}
        region = pages.get(unit_path[:-STEPLEN])
        item.api_region = {"id": region[0], "title": region[1]} if region else None
        item.api_catalog_code, item.api_catalog_name = nodes.get(item.path[:-STEPLEN], ("", ""))
        if detail:
            attachments = own_unit_attachments(item.attachments.all()).select_related("document")
            item.api_attachments = [a for a in attachments if a.is_downloadable]
    return items


def prepare_units(units: list[UnitPage]) -> list[UnitPage]:
    """Region, public item count and latest publication of each unit: two queries."""
    paths = {unit.path for unit in units}
    regions = dict(
        (path, (pk, title))
        for path, pk, title in Page.objects.filter(path__in={p[:-STEPLEN] for p in paths}).values_list("path", "pk", "title")
    )
    stats = {
        row["unit_path"]: row
        for row in public_items()
        .annotate(unit_path=Substr("path", 1, Length("path") - ITEM_BELOW_UNIT * STEPLEN))
        .filter(unit_path__in=paths)
        .order_by()
        .values("unit_path")
        .annotate(count=Count("pk"), latest=Max("first_published_at"))
    }
    for unit in units:
        region = regions.get(unit.path[:-STEPLEN])
        unit.api_region = {"id": region[0], "title": region[1]} if region else None
        unit.api_name = unit_display_name(region[1] if region else "", unit.title)
        row = stats.get(unit.path, {})
        unit.api_item_count = row.get("count", 0)
        unit.api_latest_published_at = row.get("latest")
    return units


def prepare_regions(regions: list[RegionPage]) -> list[RegionPage]:
    """Parent region and number of live units (sub-regions included): two queries."""
    parents = dict(RegionPage.objects.filter(path__in={r.path[:-STEPLEN] for r in regions}).values_list("path", "pk"))
    counts: dict[str, int] = defaultdict(int)
    if regions:
        unit_paths = api_units().filter(depth__gt=min(r.depth for r in regions)).values_list("path", flat=True)
        wanted = {r.path for r in regions}
        for path in unit_paths:
            for depth in range(len(path) // STEPLEN - 1, 0, -1):
                prefix = path[: depth * STEPLEN]
                if prefix in wanted:
                    counts[prefix] += 1
    for region in regions:
        region.api_parent = parents.get(region.path[:-STEPLEN])
        region.api_unit_count = counts.get(region.path, 0)
    return regions

