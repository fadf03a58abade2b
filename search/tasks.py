"""Background index updates (django-tasks), enqueued after the database commit.

Publishing never fails or waits because of the index: the signal handlers
only register an ``on_commit`` callback that enqueues ``sync_items``; the
task catches every error, records the items in ``PendingIndexUpdate`` and
re-enqueues itself with a growing delay when the task backend can defer
(django-tasks has no automatic retries). ``search_sync`` (run by the
scheduler) and ``search_check --fix`` pick up whatever is still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from search.services import (
    RETRY_DELAYS,
    item_ids_under,
    pending_record,
    removal_mark,
    removal_run,
    retry_delay,
    sync_or_record,
)

logger = logging.getLogger(__name__)


@task()
def sync_items(item_ids: list[int], page_ids: list[int] | None = None, attempt: int = 0) -> dict[str, int]:
    """Bring the index entries of ``item_ids`` (and of every item under
    ``page_ids``) in line with the database."""
    try:
        ids = sorted({*map(int, item_ids), *item_ids_under(page_ids or [])})
    except Exception:  # noqa: BLE001 - the database is unreachable: nothing to record it in either
        logger.exception("search index update could not read the items")
        return {"failed": len(item_ids)}
    report = sync_or_record(item_ids=ids)
    if report is None:
        _retry_later(ids, attempt + 1)
        return {"failed": len(ids)}
    return {"indexed": report.indexed, "removed": report.removed}


def _retry_later(item_ids: list[int], attempt: int) -> None:
    backend = sync_items.get_backend()
    if attempt > len(RETRY_DELAYS) or not backend.supports_defer:
        return  # search_sync takes over
    try:
        sync_items.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(item_ids, None, attempt)
    except Exception:  # noqa: BLE001 - the pending rows remain for search_sync
        logger.warning("could not schedule a retry of %d search index update(s)", len(item_ids), exc_info=True)


def enqueue_sync(item_ids: Iterable[int] = (), page_ids: Iterable[int] = ()) -> None:
    """Enqueue now. Never raises: if even enqueueing fails, the items are
    recorded as pending (and if that fails, search_check will find them)."""
    ids, pages = sorted({int(i) for i in item_ids}), sorted({int(p) for p in page_ids})
    if not ids and not pages:
        return
    try:
        sync_items.enqueue(ids, pages or None)
    except Exception as exc:  # noqa: BLE001 - publishing must not fail because of the index
        logger.warning("could not enqueue a search index update: %s", exc)
        try:
            pending_record(item_ids=[*ids, *item_ids_under(pages)], error=exc)
        except Exception:  # noqa: BLE001
            logger.exception("could not record pending search index updates")


def sync_on_commit(item_ids: Iterable[int] = (), page_ids: Iterable[int] = ()) -> None:
    """Called inside the transaction of a change: items no longer indexable
    are marked now and removed right after the commit; the others are
    re-indexed by a task enqueued after the commit. Nothing happens to the
    index if the transaction rolls back (the marks roll back with it)."""
    ids, pages = list(item_ids), list(page_ids)
    if not ids and not pages:
        return
    try:
        affected = removal_mark(item_ids=ids, page_ids=pages)
    except Exception:  # noqa: BLE001 - the change must go through; the task sorts it out
        logger.exception("could not mark search index removals; leaving them to the background task")
        transaction.on_commit(lambda: enqueue_sync(ids, pages), robust=True)
        return
    transaction.on_commit(lambda: _after_commit(affected.gone, affected.kept), robust=True)


def _after_commit(gone: list[int], kept: list[int]) -> None:
    if gone and not removal_run(item_ids=gone):
        # The task is the retry, later (a task running at once would meet the
        # same lock); search_sync takes over where the queue cannot defer.
        _retry_later(gone, 1)
    enqueue_sync(kept)


def sync_page_on_commit(page) -> None:
    """After a page was published, unpublished or moved: an item updates
    itself; a region, unit or catalogue node updates every item below it
    (their region, unit and catalogue names and URLs come from it)."""
    from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage

    page_class = getattr(page, "specific_class", None) or type(page)
    if issubclass(page_class, DisclosureItemPage):
        sync_on_commit(item_ids=[page.pk])
    elif issubclass(page_class, RegionPage | UnitPage | CatalogNodePage):
        sync_on_commit(page_ids=[page.pk])
