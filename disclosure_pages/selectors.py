"""Reads: who may see which items, and the shapes the public pages need.

The visibility rule lives here and only here (DESIGN.md "Scope decides who may see");
every public surface asks `visible_items` / `can_view_item`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from wagtail.models import Page

from .choices import Scope
from .models import (
    CatalogNodePage,
    DisclosureItemPage,
    RegionPage,
    UnitPage,
    unit_display_name,
)
from .permissions import readable_scopes

STEPLEN = Page.steplen
# Deepest tree level whose pages are checked as ancestors: home 2, regions from 3 (city, district,
# and room for two more levels), unit, catalogue 一级–三级, item. test_tree_is_shallower_than_the_ancestor_check
# fails if the tree ever grows past it.
MAX_ANCESTOR_DEPTH = 12


def under_live_ancestors(pages: QuerySet) -> QuerySet:
    """`pages` without those below an unpublished (or revoked) page: a catalogue node, unit or
    region that is not live hides everything under it, on every surface.

    One correlated subquery: for each row, an index lookup of its ancestors' paths (the
    prefixes of its own path) among pages that are not live.
    """
    prefixes = [Substr(OuterRef("path"), 1, depth * STEPLEN) for depth in range(2, MAX_ANCESTOR_DEPTH + 1)]
    hidden = Page.objects.filter(live=False, path__in=prefixes)
    return pages.filter(~Exists(hidden))


def has_live_ancestors(page: Page) -> bool:
    ancestors = [page.path[: depth * STEPLEN] for depth in range(2, page.depth)]
    return not Page.objects.filter(live=False, path__in=ancestors).exists()


def _visibility_q(user) -> Q | None:
    """Q for the items `user` may see (the policy's ``readable_scopes``); None means everything."""
    readable = readable_scopes(user)
    if readable.everything:
        return None
    q = Q(scope=Scope.PUBLIC)
    for grant in readable.grants:
        q |= Q(scope__in=sorted(grant.scopes), path__startswith=grant.path)
    return q


def visible_items(user) -> QuerySet[DisclosureItemPage]:
    """Live items `user` may read on the public site (revoked items are not live, nor are
    items under an unpublished node, unit or region)."""
    items = live_items()
    q = _visibility_q(user)
    return items if q is None else items.filter(q)


def live_items() -> QuerySet[DisclosureItemPage]:
    """Live items under live ancestors, of every scope: who may read which is `visible_items`'s
    question (the search index holds these, each with its scope, and filters by the same rule)."""
    return under_live_ancestors(DisclosureItemPage.objects.live())


def is_item_page(page: Page) -> bool:
    """Whether `page` is a disclosure item, without loading its specific row."""
    return page.specific_class is not None and issubclass(page.specific_class, DisclosureItemPage)


def public_items() -> QuerySet[DisclosureItemPage]:
    """Live items everyone may read: what feeds, sitemap, API and search expose."""
    return under_live_ancestors(DisclosureItemPage.objects.live().filter(scope=Scope.PUBLIC))


def can_view_item(user, item: DisclosureItemPage) -> bool:
    if not item.live:
        return False
    if item.scope == Scope.PUBLIC:
        return has_live_ancestors(item)
    return visible_items(user).filter(pk=item.pk).exists()


def scope_admits(user, item: DisclosureItemPage) -> bool:
    """Whether the scope rule lets `user` see `item`, live or not (a withdrawn item's notice
    goes to whoever could have seen the item: a 党内 item's notice stays 党内)."""
    if not has_live_ancestors(item):
        return False
    if item.scope == Scope.PUBLIC:
        return True
    q = _visibility_q(user)
    return q is None or DisclosureItemPage.objects.filter(pk=item.pk).filter(q).exists()


def withdrawal_notice_for(user, item: DisclosureItemPage):
    """The latest notice at a withdrawn item's address, or None (no notice, the item is live again,
    or `user` could not have seen the item: then the address is a plain 404)."""
    from .models import WithdrawalNotice

    if item.live:
        return None
    notice = WithdrawalNotice.objects.filter(item=item).select_related("replacement").first()
    if notice is None or not scope_admits(user, item):
        return None
    replacement = notice.replacement
    notice.visible_replacement = replacement if replacement is not None and can_view_item(user, replacement) else None
    return notice


def attach_units(items: list[DisclosureItemPage]) -> list[DisclosureItemPage]:
    """Set `unit_title` (区委办) and `unit_display_name` (武江区·区委办) on each item with one
    query (an item sits 4 levels below its unit, the unit one below its region)."""
    unit_paths = {item.path[: -4 * STEPLEN] for item in items}
    paths = unit_paths | {path[:-STEPLEN] for path in unit_paths}
    titles = dict(Page.objects.filter(path__in=paths).values_list("path", "title"))
    for item in items:
        unit_path = item.path[: -4 * STEPLEN]
        item.unit_title = titles.get(unit_path, "")
        item.unit_display_name = unit_display_name(titles.get(unit_path[:-STEPLEN], ""), item.unit_title)
    return items


def latest_items_for(user, *, limit: int = 10, within: Page | None = None) -> list[DisclosureItemPage]:
    items = visible_items(user)
    if within is not None:
        items = items.descendant_of(within)
    return attach_units(list(items.order_by("-first_published_at", "-pk")[:limit]))


def paginate(request, queryset, per_page: int = 20) -> PaginatorPage:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@dataclass
class TreeNode:
    page: Page
    children: list[TreeNode] = field(default_factory=list)
    count: int = 0

    @property
    def is_unit(self) -> bool:
        return isinstance(self.page, UnitPage)


def region_tree(home: Page) -> list[TreeNode]:
    """Regions and units under the home page, nested, in tree order (two queries)."""
    pages = list(RegionPage.objects.descendant_of(home).live().order_by("path")) + list(
        UnitPage.objects.descendant_of(home).live().order_by("path")
    )
    pages.sort(key=lambda p: p.path)
    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    for page in pages:
        node = TreeNode(page)
        nodes[page.path] = node
        parent = nodes.get(page.path[:-STEPLEN])
        (parent.children if parent else roots).append(node)
    return roots


def item_counts_by_unit(user, units: list[UnitPage]) -> dict[int, int]:
    if not units:
        return {}
    counts: dict[int, int] = defaultdict(int)
    by_path = {unit.path: unit.pk for unit in units}
    depth_chars = len(units[0].path)
    q = Q()
    for unit in units:
        q |= Q(path__startswith=unit.path)
    for path in visible_items(user).filter(q).values_list("path", flat=True):
        pk = by_path.get(path[:depth_chars])
        if pk:
            counts[pk] += 1
    return counts


def catalog_tree_for(root: Page, user) -> list[TreeNode]:
    """The catalogue under a unit (or node) with the number of items `user` may see."""
    nodes = list(CatalogNodePage.objects.descendant_of(root).live().order_by("path"))
    item_paths = visible_items(user).descendant_of(root).values_list("path", flat=True)
    direct: dict[str, int] = defaultdict(int)
    for path in item_paths:
        direct[path[:-STEPLEN]] += 1
    by_path: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    for page in nodes:
        node = TreeNode(page, count=direct.get(page.path, 0))
        by_path[page.path] = node
        parent = by_path.get(page.path[:-STEPLEN])
        (parent.children if parent else roots).append(node)
    # Roll counts up from 三级 to 一级 (children come after parents in path order).
    for page in reversed(nodes):
        node = by_path[page.path]
        parent = by_path.get(page.path[:-STEPLEN])
        if parent:
            parent.count += node.count
    return roots


def unit_paths() -> dict[str, UnitPage]:
    """Every unit by its path of names, e.g. '韶关市/武江区/区委办' (two queries)."""
    regions = {page.path: page.title for page in RegionPage.objects.all().only("path", "title")}
    result: dict[str, UnitPage] = {}
    for unit in UnitPage.objects.all().order_by("path"):
        names = []
        prefix = unit.path[:-STEPLEN]
        while prefix in regions:
            names.append(regions[prefix])
            prefix = prefix[:-STEPLEN]
        result["/".join(reversed(names)) + "/" + unit.title] = unit
    return result


def find_unit(path: str) -> UnitPage | None:
    return unit_paths().get(path.strip().strip("/"))


def catalog_nodes_by_code(unit: UnitPage) -> dict[str, CatalogNodePage]:
    return {node.code: node for node in CatalogNodePage.objects.descendant_of(unit)}


def catalog_rows(unit: UnitPage) -> list[dict[str, str]]:
    """A unit's catalogue as it stands: one row per 三级 entry (the 备案 form)."""
    nodes = list(CatalogNodePage.objects.descendant_of(unit).order_by("path"))
    titles = {node.path: node.title for node in nodes}
    rows = []
    for node in nodes:
        if node.level != 3:
            continue
        level2_path = node.path[:-STEPLEN]
        rows.append(
            {
                "code": node.code,
                "level1": titles.get(level2_path[:-STEPLEN], ""),
                "level2": titles.get(level2_path, ""),
                "level3": node.title,
                "content": node.content,
                "scope": node.scope_text,
                "forms": node.forms,
                "time_limit": node.time_limit,
                "responsible_unit": node.responsible_unit,
                "note": node.note,
            }
        )
    return rows


# --- roles and workflow participants (issue 3) ------------------------------------------------


def unit_of_page(page: Page) -> UnitPage | None:
    return UnitPage.objects.ancestor_of(page, inclusive=True).first()


def unit_users_with_role(page: Page, role: str):
    """Active users holding `role` in the unit that contains `page`."""
    from django.contrib.auth import get_user_model

    unit = unit_of_page(page)
    if unit is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        is_active=True, unit_memberships__unit=unit, unit_memberships__role=role
    ).distinct()


def workflow_participants(workflow_state) -> list:
    """Everyone who acted on the item since its last publication: who submitted, who saved a
    draft, who finished a task in this run (Wagtail tells only the submitter, wagtail#10196)."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Revision, TaskState

    ids: set[int] = set()
    if workflow_state.requested_by_id:
        ids.add(workflow_state.requested_by_id)
    ids.update(
        TaskState.objects.filter(workflow_state=workflow_state, finished_by__isnull=False).values_list(
            "finished_by_id", flat=True
        )
    )
    revisions = Revision.objects.filter(
        base_content_type_id=workflow_state.base_content_type_id,
        object_id=workflow_state.object_id,
        user__isnull=False,
    )
    since = getattr(workflow_state.content_object, "last_published_at", None)
    if since is not None:
        revisions = revisions.filter(created_at__gt=since)
    ids.update(revisions.values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))
