"""Writes of the search app: bring index entries up to date, rebuild, repair,
and keep the list of pending updates (``PendingIndexUpdate``).

Taking an item off is never left to the background. Inside the transaction
of the change (``removal_mark``) the items that are no longer indexable get
a pending row, committed with the change itself; right after the commit, in
the same request (``removal_run``), they are deleted from the index with a
short wait, and their rows go. If the index cannot take the removal (down,
its file write-locked by another writer) the rows stay: the retry task and
``search_sync`` pick them up, and meanwhile every search excludes them
inside the index query (``search.selectors.public_search``), so no surface
ever shows them. Adding and re-indexing (which may extract attachment text)
stays in the background task.

Every update is "make the index agree with the database for these items":
the item is indexed when ``is_indexable`` and removed otherwise. So one
operation serves publish, unpublish, revoke, move, delete and import, and
running it twice, late or out of order is harmless.

Internal (党内, 委员) items are in the index too, each with its scope and
page path, for the members who may read them. A change can narrow who may
read an item (public made 党内, 党内 made 委员, moved to another unit), and
the index cannot be asked what it holds without a round trip; so an item
that is not public after the change is taken off at once like one that is
gone, and put back with its new scope by the background task: until then
members miss it, nobody sees it who should not.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Page

from cms.middleware import bump_version
from disclosure_pages.models import DisclosureItemPage
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.indexing import documents_for_ids, indexable_ids, iter_documents, public_ids
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

# Delay before retry n (1-based); the last one repeats for as long as it takes.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
MAX_ERROR_LENGTH = 2000
# How long a removal made inside a request waits for the index (another
# writer's lock, a slow server) before it is left to the retry; searches
# exclude the item meanwhile. settings.SEARCH_REMOVAL_WAIT_SECONDS overrides.
REMOVAL_WAIT_SECONDS = 2.0


class IndexUnavailable(RuntimeError):
    """The search backend does not answer."""


@dataclass
class SyncReport:
    indexed: int = 0
    removed: int = 0


def results_changed() -> None:
    """Retire cached copies of public pages (cms.middleware caches anonymous
    pages, /search/ and /api/search/ included). Publishing retires them too,
    but the index changes later, in the background: without this a search
    made in between would stay cached without the new item."""
    bump_version()


def retry_delay(attempts: int) -> datetime.timedelta:
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def item_ids_under(page_ids: Iterable[int]) -> list[int]:
    """Items in the subtrees of the given pages (a renamed, moved or
    unpublished region, unit or catalogue node), read from the tree as it is now."""
    paths = list(Page.objects.filter(pk__in=list(page_ids)).values_list("path", flat=True))
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return list(DisclosureItemPage.objects.filter(q).values_list("pk", flat=True))


def removal_wait() -> float:
    return float(getattr(settings, "SEARCH_REMOVAL_WAIT_SECONDS", REMOVAL_WAIT_SECONDS))


@dataclass
class Affected:
    gone: list[int]  # not public now: to be removed at once
    kept: list[int]  # indexable (internal ones too, after their removal): (re-)indexed by the background task


def removal_mark(*, item_ids: Iterable[int] = (), page_ids: Iterable[int] = ()) -> Affected:
    """Inside the transaction of a change: sort the affected items (and every
    item under ``page_ids``) into those to remove (every one not public now:
    its entry may say it is) and those to (re-)index, and write a pending
    row for each one to remove. The rows commit (or roll
    back) with the change itself, so from the moment the change is visible
    searches know to exclude those items, whatever happens to the index."""
    ids = sorted({*map(int, item_ids), *item_ids_under(page_ids)})
    if not ids:
        return Affected([], [])
    indexable = indexable_ids(ids)
    public = public_ids(ids)
    gone = [i for i in ids if i not in public]
    if gone:
        now = timezone.now()
        PendingIndexUpdate.objects.bulk_create(
            [
                PendingIndexUpdate(item_id=i, attempts=0, last_error="", last_failed_at=now, next_attempt_at=now)
                for i in gone
            ],
            ignore_conflicts=True,  # already pending: that row says the same
        )
    return Affected(gone=gone, kept=[i for i in ids if i in indexable])


def removal_run(*, item_ids: Iterable[int], backend: SearchBackend | None = None) -> bool:
    """Right after the commit: delete these entries from the index now, with
    a short wait. On success their pending rows go; on failure the rows get
    the error and a retry time, and searches keep excluding the items.
    Returns whether the removal was done. Never raises."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return True
    started = timezone.now()
    try:
        backend = backend or get_backend()
        backend.delete(ids, wait=removal_wait())
    except Exception as exc:  # noqa: BLE001 - the change is committed; the removal is retried
        logger.warning("search index removal of %d item(s) failed, will retry: %s", len(ids), exc)
        try:
            pending_record(item_ids=ids, error=exc)
        except Exception:  # noqa: BLE001 - the rows written with the change remain
            logger.exception("could not record the failure of %d search index removal(s)", len(ids))
        return False
    results_changed()
    # Only rows of items still not public: one republished meanwhile has its
    # own update on the way (and internal ones are re-indexed by theirs).
    public = public_ids(ids)
    still_gone = [i for i in ids if i not in public]
    pending_clear(item_ids=still_gone, before=started)
    return True


def index_sync(*, item_ids: Iterable[int], backend: SearchBackend | None = None, extract: bool = True) -> SyncReport:
    """Index the indexable ones among ``item_ids``, remove the others.

    Raises when the backend fails; the caller (the task, a command) records
    the failure. Attachment text is extracted here, in the background,
    never while a page is being published.
    """
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return SyncReport()
    backend = backend or get_backend()
    if not backend.ping():
        raise IndexUnavailable(f"search backend {backend.name} does not answer")
    docs = documents_for_ids(ids, extract=extract)
    kept = {doc.id for doc in docs}
    removed = [i for i in ids if i not in kept]
    if docs:
        backend.index(docs)
    if removed:
        backend.delete(removed)
    results_changed()
    return SyncReport(indexed=len(docs), removed=len(removed))


def index_rebuild(
    *, backend: SearchBackend | None = None, progress: Callable[[int], None] | None = None, extract: bool = True
) -> int:
    """Replace the whole index with every indexable item; searches are
    answered from the old index until the new one is complete."""
    backend = backend or get_backend()
    started = timezone.now()
    count = backend.rebuild(iter_documents(extract=extract), progress)
    results_changed()
    pending_clear(before=started)
    return count


@transaction.atomic
def pending_record(*, item_ids: Iterable[int], error: BaseException | str) -> int:
    """Remember that these items' index entries could not be updated; returns
    how many items are pending now."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return PendingIndexUpdate.objects.count()
    now = timezone.now()
    message = (str(error) or error.__class__.__name__)[:MAX_ERROR_LENGTH]
    if isinstance(error, BaseException):
        message = f"{error.__class__.__name__}: {message}"[:MAX_ERROR_LENGTH]
    existing = dict(
        PendingIndexUpdate.objects.select_for_update().filter(item_id__in=ids).values_list("item_id", "attempts")
    )
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for item_id, attempts in existing.items():
        by_attempts[attempts + 1].append(item_id)
    for attempts, group in by_attempts.items():
        PendingIndexUpdate.objects.filter(item_id__in=group).update(
            attempts=F("attempts") + 1,
            last_error=message,
            last_failed_at=now,
            next_attempt_at=now + retry_delay(attempts),
        )
    PendingIndexUpdate.objects.bulk_create(
        [
            PendingIndexUpdate(
                item_id=i, attempts=1, last_error=message, last_failed_at=now, next_attempt_at=now + retry_delay(1)
            )
            for i in ids
            if i not in existing
        ],
        ignore_conflicts=True,  # a concurrent failure of the same item already wrote it
    )
    return PendingIndexUpdate.objects.count()


def pending_clear(*, item_ids: Iterable[int] | None = None, before: datetime.datetime) -> int:
    """Forget failures that a later successful update has made good. Only
    rows last failed before ``before`` (when that update read the database):
    a failure recorded meanwhile stays pending."""
    rows = PendingIndexUpdate.objects.filter(last_failed_at__lte=before)
    if item_ids is not None:
        rows = rows.filter(item_id__in=sorted({int(i) for i in item_ids}))
    deleted, _ = rows.delete()
    return deleted


def sync_or_record(*, item_ids: Iterable[int], extract: bool = True) -> SyncReport | None:
    """``index_sync``, with any failure recorded for a retry instead of raised.
    Returns None when it failed."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return SyncReport()
    started = timezone.now()
    try:
        report = index_sync(item_ids=ids, extract=extract)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the update must not be lost
        logger.warning("search index update of %d item(s) failed, will retry: %s", len(ids), exc)
        try:
            pending_record(item_ids=ids, error=exc)
        except Exception:  # noqa: BLE001 - the database is down too; search_check finds these later
            logger.exception("could not record %d pending search index update(s)", len(ids))
        return None
    pending_clear(item_ids=ids, before=started)
    return report


def pending_sync(*, due_only: bool = True, limit: int | None = None) -> tuple[int, int]:
    """Retry pending updates (all, or those due); returns (done, still failing)."""
    rows = PendingIndexUpdate.objects.all()
    if due_only:
        rows = rows.filter(next_attempt_at__lte=timezone.now())
    ids = list(rows.order_by("next_attempt_at", "item_id").values_list("item_id", flat=True)[:limit])
    if not ids:
        return 0, 0
    report = sync_or_record(item_ids=ids)
    return (len(ids), 0) if report is not None else (0, len(ids))


def index_repair(*, item_ids: Iterable[int], backend: SearchBackend | None = None) -> SyncReport:
    """Bring the given entries (missing, stale, orphaned: see
    ``selectors.index_check``) in line, and forget pending failures that the
    repair made good. Raises when the backend fails."""
    started = timezone.now()
    report = index_sync(item_ids=item_ids, backend=backend)
    pending_clear(before=started)
    return report


def describe_backend(backend: SearchBackend | None = None) -> str:
    """Where the index is, for command output (no credentials)."""
    backend = backend or get_backend()
    path = getattr(backend, "path", None)
    if path is not None:
        return f"内置索引 {path}"
    alias = getattr(backend, "alias", "")
    return f"Elasticsearch 索引别名 {alias}"
