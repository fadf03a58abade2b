"""Writes: building the organisation tree, catalogues and published items.

Multi-step writes live here so that commands, views and tests share one path.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task as background_task
from modelsearch.backends import get_search_backends_with_name
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import COMMENTS_RELATION_NAME, Page, PageLogEntry, Revision

from .choices import PeriodType, scope_from_text
from .models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage
from .sanitising import sanitise_html
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
                    requires_leader_approval=bool(row.get("important", False)),
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


def _new_item(
    *,
    node: CatalogNodePage,
    title: str,
    published_at: datetime.datetime,
    body: str = "",
    period: dict[str, Any] | None = None,
    doc_number: str = "",
    scope: str = "",
    tables: list[dict[str, Any]] | None = None,
    taken_slugs: set[str],
    imported: bool = True,
    is_zero_report: bool = False,
) -> DisclosureItemPage:
    """The unsaved, already published item (both the one-by-one and the bulk path start here)."""
    item = DisclosureItemPage(
        title=title[:255],
        slug=_unique_child_slug(node, title, taken_slugs),
        body=sanitise_html(body),  # the bulk path writes rows directly, past the model's own sanitising
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
    return item


def item_create_published(
    *, node: CatalogNodePage, user=None, taken_slugs: set[str] | None = None, **fields: Any
) -> DisclosureItemPage:
    """Create an item that is already published (history: an import, not a workflow approval).

    `fields` are `_new_item`'s: title, published_at, body, period, doc_number, scope, tables,
    imported, is_zero_report."""
    if taken_slugs is None:
        taken_slugs = set(node.get_children().values_list("slug", flat=True))
    item = _new_item(node=node, taken_slugs=taken_slugs, **fields)
    # Callers validated the data already; skipping Page.full_clean here (treebeard's
    # add_child gives no way to pass clean=False) roughly halves the cost of a bulk import.
    item.full_clean = lambda *args, **kwargs: None
    node.add_child(instance=item)
    revision = item.save_revision(user=user, log_action=False, clean=False, changed=False)
    item.live_revision = revision
    DisclosureItemPage.objects.filter(pk=item.pk).update(live_revision=revision)
    del item.full_clean
    log(instance=item, action=IMPORT_LOG_ACTION, user=user, revision=revision, data={"published_at": item.first_published_at.isoformat()})
    return item


# --- bulk creation (import_disclosures) --------------------------------------------------------
#
# items_create_published() writes what item_create_published() writes, row for row (the page
# and its item row, numchild of the parent, one revision that is the live and latest one, the
# log entries "wagtail.create" and IMPORT_LOG_ACTION, Wagtail's admin search index), but a batch
# at a time: a few statements per batch instead of some thirty per item. Tree paths are handed
# out here the way treebeard's add_child does (after the parent's last child, in order).

ADMIN_INDEX_CHUNK = 500
_logger = logging.getLogger(__name__)


def _insert_rows(model: type[models.Model], objs: list, *, returning: bool) -> None:
    """INSERT `objs` into `model`'s own table only (as Model.save_base does per parent table).

    With `returning`, the auto primary key is left out and set on each object afterwards.
    """
    if not objs:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    returning_fields = None
    if returning:
        fields = [f for f in fields if f is not meta.auto_field]
        returning_fields = meta.db_returning_fields
    batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        batch = 1
    for start in range(0, len(objs), batch):
        chunk = objs[start : start + batch]
        rows = model._base_manager._insert(chunk, fields=fields, returning_fields=returning_fields, using=db)
        if returning:
            for obj, row in zip(chunk, rows, strict=True):
                for field, value in zip(returning_fields, row, strict=True):
                    setattr(obj, field.attname, value)


def _update_rows(model: type[models.Model], objs: list, names: list[str]) -> None:
    """UPDATE `names` of each object's row: one statement run for every row (bulk_update's CASE
    expressions cost more to build than the update itself)."""
    db = router.db_for_write(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    pk = model._meta.pk
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _next_sibling_path(path: str) -> str:
    """treebeard's MP_Node._inc_path, for a path string."""
    step = Page.steplen
    key = Page._int2str(Page._str2int(path[-step:]) + 1)
    if len(key) > step:
        raise PathOverflow(f"Path Overflow from: '{path}'")
    return f"{path[:-step]}{Page.alphabet[0] * (step - len(key))}{key}"


def children_by_path(path: str, depth: int, pages=None):
    """The pages directly under the page at `path`, found by a range of the path index.

    treebeard's get_children()/child_of() filter with path__startswith, which SQLite runs as a
    LIKE over every page (51 ms at 41,000 pages, growing with the tree); a child's path lies
    between `path` and `path` + "ZZZZ", a range the unique path index answers (0.4 ms).
    """
    top = Page.alphabet[-1] * Page.steplen
    return (Page.objects if pages is None else pages).filter(path__gt=path, path__lte=path + top, depth=depth + 1)


def _allocate_paths(node: CatalogNodePage, items: list[DisclosureItemPage]) -> None:
    """What treebeard's add_child does for each item in turn: lock the parent, append after its
    last child, count the children in numchild; and what Page.save adds (url_path, locale)."""
    path, depth, numchild = Page.objects.select_for_update().values_list("path", "depth", "numchild").get(pk=node.pk)
    last = None
    if numchild:
        last = children_by_path(path, depth).order_by("-path").values_list("path", flat=True).first()
    for item in items:
        if last is None:
            last = Page._get_path(path, depth + 1, 1)
            if len(last) > Page._meta.get_field("path").max_length:
                raise PathOverflow("The new node is too deep in the tree")
        else:
            last = _next_sibling_path(last)
        item.path = last
        item.depth = depth + 1
        item.numchild = 0
        item.url_path = f"{node.url_path}{item.slug}/"
        item.locale_id = node.locale_id
        item._cached_parent_obj = node
    Page.objects.filter(pk=node.pk).update(numchild=F("numchild") + len(items))
    node.numchild = numchild + len(items)


@background_task()
def admin_index_items(item_ids: list[int]) -> int:
    """Wagtail's own (admin) search index for items written in bulk, which sends no post_save."""
    items = list(DisclosureItemPage.get_indexed_objects().filter(pk__in=item_ids))
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(DisclosureItemPage, items)
        except Exception:
            _logger.exception("could not add %d item(s) to the '%s' search backend", len(items), name)
            if not backend.catch_indexing_errors:
                raise
    return len(items)


@transaction.atomic
def items_create_published(
    specs: Iterable[dict[str, Any]], *, user=None, taken_slugs: dict[int, set[str]] | None = None
) -> list[DisclosureItemPage]:
    """Create many published items at once; each spec holds item_create_published's keyword
    arguments (node, title, published_at, body, period, doc_number, scope, tables, imported,
    is_zero_report). `taken_slugs` (node pk → slugs) carries over between calls. Returns the
    items in the order given, each with its live revision attached."""
    taken_slugs = {} if taken_slugs is None else taken_slugs
    items: list[DisclosureItemPage] = []
    by_node: dict[int, tuple[CatalogNodePage, list[DisclosureItemPage]]] = {}
    for spec in specs:
        spec = dict(spec)
        node = spec.pop("node")
        if node.pk not in taken_slugs:
            taken_slugs[node.pk] = set(children_by_path(node.path, node.depth).values_list("slug", flat=True))
        item = _new_item(node=node, taken_slugs=taken_slugs[node.pk], **spec)
        items.append(item)
        by_node.setdefault(node.pk, (node, []))[1].append(item)
    if not items:
        return items
    for node, children in by_node.values():
        _allocate_paths(node, children)

    # add_child → Page.save (full_clean skipped, as in item_create_published): both rows of each
    # page, and the "wagtail.create" entry Page.save logs for a new page.
    context = get_active_log_context()
    db = router.db_for_write(DisclosureItemPage)
    created_entries = []
    _insert_rows(Page, items, returning=True)
    for item in items:
        item.page_ptr_id = item.id
        item._state.adding = False
        item._state.db = db
        created_entries.append(
            PageLogEntry(
                page_id=item.pk,
                content_type_id=item.content_type_id,
                label=item.get_admin_display_title(),
                action="wagtail.create",
                timestamp=timezone.now(),
                data={},
                user=item.owner or context.user,
                uuid=context.uuid,
                content_changed=True,
            )
        )
    _insert_rows(DisclosureItemPage, items, returning=False)

    # save_revision(changed=False): the revision holds the page as just created; then the page
    # points at it as its latest and live revision, and the import is logged against it.
    base_content_type_id = items[0].get_base_content_type().pk
    revisions = []
    for item in items:
        # Nothing is attached yet: say so, instead of asking the database per item.
        setattr(item, COMMENTS_RELATION_NAME, [])
        item.attachments = []
        revisions.append(
            Revision(
                content_type_id=item.content_type_id,
                base_content_type_id=base_content_type_id,
                object_id=str(item.pk),
                user=user,
                approved_go_live_at=None,
                content=item.serializable_data(),
                object_str=str(item),
                created_at=timezone.now(),
            )
        )
    _insert_rows(Revision, revisions, returning=True)
    import_entries = []
    for item, revision in zip(items, revisions, strict=True):
        revision._state.adding = False
        revision._state.db = db
        item.latest_revision_created_at = revision.created_at
        item.draft_title = item.title
        item.latest_revision = revision
        item.live_revision = revision
        import_entries.append(
            PageLogEntry(
                page_id=item.pk,
                content_type_id=item.content_type_id,
                label=item.get_admin_display_title(),
                action=IMPORT_LOG_ACTION,
                timestamp=timezone.now(),
                data={"published_at": item.first_published_at.isoformat()},
                user=user or context.user,
                uuid=context.uuid,
                revision=revision,
            )
        )
    _update_rows(Page, items, ["latest_revision_created_at", "draft_title", "latest_revision", "live_revision"])
    PageLogEntry.objects.bulk_create(created_entries + import_entries)

    # Page.save's post_save would have queued an index update per item (twice: add_child, then
    # save_revision); queued here, in the same transaction, as a few bulk updates instead.
    if getattr(DisclosureItemPage, "search_auto_update", True):
        ids = [item.pk for item in items]
        for start in range(0, len(ids), ADMIN_INDEX_CHUNK):
            admin_index_items.enqueue(ids[start : start + ADMIN_INDEX_CHUNK])
    return items


def items_imported_on_commit(item_ids: Iterable[int]) -> None:
    ids = list(item_ids)
    transaction.on_commit(lambda: items_imported.send(sender=DisclosureItemPage, item_ids=ids))


def scope_value(text: str | None, default: str) -> str:
    """An optional scope: a Scope value or catalogue wording such as 社会/全体党员 (UnknownScope otherwise)."""
    return scope_from_text(text) if text else default


# --- roles and the workflow (issue 3) ---------------------------------------------------------


@transaction.atomic
def unit_users_group():
    """The ONE group that gives every unit user the admin (not one group per unit).

    It grants only wagtailadmin.access_admin; what a user may do with pages and documents
    comes from their memberships (disclosure_pages.permissions): an editor uploads into their
    own unit's collection. A document permission on the root collection would open every
    unit's collection to every unit user, so none is kept here.
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupCollectionPermission

    from .permissions import UNIT_USERS_GROUP

    group, _ = Group.objects.get_or_create(name=UNIT_USERS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    GroupCollectionPermission.objects.filter(group=group, permission__content_type__app_label="wagtaildocs").delete()
    return group


@transaction.atomic
def roles_sync(*, user_id: int | None = None) -> dict[str, int]:
    """Put every unit user (editor/reviewer/leader, supervisor) in the shared group, and take
    out those who hold no such role any more. Idempotent; `user_id` limits it to one person.

    Signal handlers call it for one user whenever a membership or reach changes; call it
    for everyone after a bulk load (load_demo) or a bulk membership import.
    """
    from django.contrib.auth import get_user_model

    from .permissions import unit_users

    group = unit_users_group()
    User = get_user_model()
    should = set(unit_users().values_list("pk", flat=True))
    has = set(group.user_set.values_list("pk", flat=True))
    if user_id is not None:
        should &= {user_id}
        has &= {user_id}
    to_add, to_remove = should - has, has - should
    if to_add:
        group.user_set.add(*User.objects.filter(pk__in=to_add))
    if to_remove:
        group.user_set.remove(*User.objects.filter(pk__in=to_remove))
    return {"added": len(to_add), "removed": len(to_remove)}


# --- 政策解读 with the document ---------------------------------------------------------------


def interpretation_missing(item: DisclosureItemPage) -> str:
    """Why the item may not be approved yet for want of its 政策解读 ("" when it may).

    《中共惠农区委党务公开若干制度（试行）》第三十条: where the catalogue node says the document needs a
    synchronous interpretation, the interpretation is reviewed and signed with it and published with it.
    """
    draft = item.get_latest_revision_as_object() if item.pk else item
    node = draft.catalog_node
    if node is None or not node.requires_interpretation:
        return ""
    interpretation = (
        DisclosureItemPage.objects.filter(pk=draft.policy_interpretation_id).first()
        if draft.policy_interpretation_id
        else None
    )
    if interpretation is None or interpretation.pk == item.pk:
        return (
            f"目录“{node.code} {node.title}”须同步政策解读（《中共惠农区委党务公开若干制度（试行）》第三十条）："
            "请录入人先在“政策解读”中关联解读提纲或解读材料，再审批。"
        )
    return ""


@transaction.atomic
def item_publish_interpretation(*, item: DisclosureItemPage, user=None) -> DisclosureItemPage | None:
    """Publish the item's 政策解读 with it, when the interpretation is not live as last edited.

    Called in the publication's transaction (page_published): the two go out together, and a
    failure publishes neither. Returns the interpretation published, or None.
    """
    if not item.live or not item.policy_interpretation_id:
        return None
    interpretation = DisclosureItemPage.objects.filter(pk=item.policy_interpretation_id).first()
    if interpretation is None or interpretation.pk == item.pk:
        return None
    if interpretation.live and not interpretation.has_unpublished_changes:
        return None
    revision = interpretation.get_latest_revision() or interpretation.save_revision(user=user)
    # Reviewed and signed with the document (同步审签): published under the document's approval.
    revision.publish(user=user, skip_permission_checks=True)
    log(
        instance=interpretation,
        action=INTERPRETATION_LOG_ACTION,
        user=user,
        revision=revision,
        data={"document": {"id": item.pk, "title": item.title}},
    )
    return interpretation


INTERPRETATION_LOG_ACTION = "disclosure_pages.publish_with_document"


# --- withdrawal and correction (变更/撤销/终止, 更正) ---------------------------------------------
#
# Every take-down leaves a WithdrawalNotice at the item's address (actions.TakeDownAction).


@transaction.atomic
def item_withdraw(
    *,
    item: DisclosureItemPage,
    user,
    kind: str,
    reason: str,
    approval: str = "",
    replacement: DisclosureItemPage | None = None,
):
    """变更/撤销/终止 a published item, approved by `user` (the body that made the unit's catalogue).

    For the filings (报批) mechanism: once the catalogue-maker consents to a unit's request, call
    this with the approving user, the public 说明 (`reason`) and `approval` (e.g. the filing's
    reference, "经中共武江区委批准，武江报〔2026〕3号"); without it the notice says which body approved.
    Returns the WithdrawalNotice. Raises WithdrawPermissionError / ValidationError (Chinese messages).
    """
    from .actions import WithdrawItemAction

    action = WithdrawItemAction(item, kind=kind, user=user, reason=reason, approval=approval, replacement=replacement)
    action.execute()
    return action.notice


@transaction.atomic
def item_correction_start(*, item: DisclosureItemPage, user) -> DisclosureItemPage:
    """Start a 更正: a draft copy of the published item (content, tables, attachments) beside it, which
    the editor corrects and submits with a 更正说明. Publishing it takes the original down
    (item_correction_publish). An open correction draft of the same item is returned as it is."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from .permissions import can_correct

    item = item.specific if not isinstance(item, DisclosureItemPage) else item
    if not can_correct(user, item):
        raise PermissionDenied("只有本单位录入人才能更正公开事项。")
    if not item.live:
        raise ValidationError("本事项当前未发布，无法更正。")
    existing = DisclosureItemPage.objects.filter(corrects=item, live=False, first_published_at__isnull=True).first()
    if existing is not None:
        return existing
    node = item.get_parent().specific
    taken = set(node.get_children().values_list("slug", flat=True))
    slug = _unique_child_slug(node, f"{item.slug}-更正", taken)
    return item.copy(
        to=node,
        update_attrs={"slug": slug, "corrects": item, "correction_note": "", "imported": False},
        copy_revisions=False,
        keep_live=False,
        user=user,
    ).specific


def item_correction_publish(*, item: DisclosureItemPage) -> None:
    """When a correction is published, the item it corrects leaves the site with the 更正说明 at its
    address (runs inside the publishing transaction, from the page_published handler)."""
    if not item.live or item.corrects_id is None:
        return
    original = DisclosureItemPage.objects.filter(pk=item.corrects_id, live=True).first()
    if original is None:
        return
    from .actions import CorrectItemAction

    revision = item.live_revision
    item.corrects = original
    CorrectItemAction(item, user=getattr(revision, "user", None)).execute()
