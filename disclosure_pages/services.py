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
    # Callers validated the data already; skipping Page.full_clean here (treebeard's
    # add_child gives no way to pass clean=False) roughly halves the cost of a bulk import.
    item.full_clean = lambda *args, **kwargs: None
    node.add_child(instance=item)
    revision = item.save_revision(user=user, log_action=False, clean=False, changed=False)
    item.live_revision = revision
    DisclosureItemPage.objects.filter(pk=item.pk).update(live_revision=revision)
    del item.full_clean
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


# --- roles and the workflow (issue 3) ---------------------------------------------------------


@transaction.atomic
def unit_users_group():
    """The ONE group that gives every unit user the admin (not one group per unit).

    It grants only wagtailadmin.access_admin and uploading documents (attachments); what a
    user may do with pages comes from their memberships (disclosure_pages.permissions).
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    from .permissions import UNIT_USERS_GROUP

    group, _ = Group.objects.get_or_create(name=UNIT_USERS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    root = Collection.get_first_root_node()
    if root is not None:
        add_document = Permission.objects.get(content_type__app_label="wagtaildocs", codename="add_document")
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=add_document)
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


@transaction.atomic
def workflow_install():
    """Create 党务公开审批流程 (审核 → 审批) and assign it to the portal home page. Idempotent.

    Only DisclosureItemPage is moderated: the structure pages' get_workflow() is None.
    """
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from .models import PortalHomePage
    from .workflow import LEADER_TASK_NAME, REVIEW_TASK_NAME, WORKFLOW_NAME, LeaderApprovalTask, ReviewTask

    review = ReviewTask.objects.filter(name=REVIEW_TASK_NAME).first() or ReviewTask.objects.create(
        name=REVIEW_TASK_NAME
    )
    leader = LeaderApprovalTask.objects.filter(name=LEADER_TASK_NAME).first() or LeaderApprovalTask.objects.create(
        name=LEADER_TASK_NAME
    )
    for task in (review, leader):
        if not task.active:
            task.active = True
            task.save(update_fields=["active"])
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first() or Workflow.objects.create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, task in enumerate((review, leader)):
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowTask.objects.filter(workflow=workflow).exclude(task__in=[review, leader]).delete()
    home = PortalHomePage.objects.first()
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
