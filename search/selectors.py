"""Reads of the search app: run a search for a reader, compare index and database."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from disclosure_pages.permissions import readable_scopes
from disclosure_pages.selectors import visible_items
from search.analysis import add_words, wording_words
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.indexing import indexable_ids, iter_documents
from search.models import PendingIndexUpdate, Synonym
from search.query import (
    MAX_SUGGEST_LENGTH,
    MAX_SUGGESTIONS,
    SearchQuery,
    SearchResults,
    Suggestions,
    Visibility,
)

logger = logging.getLogger(__name__)

SYNONYMS_CACHE_KEY = "search:synonyms:v1"
# Other processes see an edit within this time (the cache is per process
# unless a shared cache is configured).
SYNONYMS_CACHE_SECONDS = 300


def synonym_groups() -> list[list[str]]:
    """Enabled synonym groups, as lists of terms (cached)."""
    groups = cache.get(SYNONYMS_CACHE_KEY)
    if groups is None:
        groups = [s.term_list() for s in Synonym.objects.filter(enabled=True).order_by("pk")]
        cache.set(SYNONYMS_CACHE_KEY, groups, SYNONYMS_CACHE_SECONDS)
    return groups


WORDING_RELOAD_SECONDS = 300
_wording_loaded_at: float | None = None


def load_catalogue_wording() -> None:
    """Add the catalogues' wording (and the synonym terms) to the word
    segmenter's dictionary, so that the word clause keeps 三重一大 or
    民主生活会 whole. Per process, again every few minutes for new catalogues."""
    global _wording_loaded_at
    now = time.monotonic()
    if _wording_loaded_at is not None and now - _wording_loaded_at < WORDING_RELOAD_SECONDS:
        return
    from disclosure_pages.models import CatalogNodePage

    titles = CatalogNodePage.objects.order_by().values_list("title", flat=True).distinct()
    add_words(wording_words(titles) | {term for group in synonym_groups() for term in group})
    _wording_loaded_at = now


def forget_synonyms() -> None:
    """After an edit: now (this request sees it at once) and again after the
    commit (a request in between may have cached the old list)."""
    from cms.middleware import bump_version  # cached search pages would keep the old expansion

    for forget in (lambda: cache.delete(SYNONYMS_CACHE_KEY), bump_version):
        forget()
        transaction.on_commit(forget)


# A result page with entries the database disowns is searched again without
# them; after this many rounds the remaining ones are simply dropped.
MAX_RECHECKS = 3


def visibility_for(user) -> Visibility:
    """What ``user`` may find in the index: the one policy
    (``disclosure_pages.permissions.readable_scopes``) as the backends'
    filter. The anonymous (and ``None``) get the public items only."""
    readable = readable_scopes(user)
    return Visibility(
        everything=readable.everything,
        grants=tuple((frozenset(map(str, grant.scopes)), grant.path) for grant in readable.grants),
    )


def readable_ids(user, item_ids) -> set[int]:
    """Those of ``item_ids`` that the database says ``user`` may read now
    (``disclosure_pages.selectors.visible_items``) and that may be indexed."""
    return indexable_ids(item_ids, among=visible_items(user))


def hidden_ids(user=None) -> frozenset[int]:
    """Index entries the database says ``user`` must not be shown: items
    with a pending update that ``user`` may not read now (a removal not done
    yet, or failed). Written in the same transaction as the change that made
    them so (``search.services.removal_mark``), so the set is exact for every
    change made through the site; small, and read with a few small queries."""
    pending = set(PendingIndexUpdate.objects.values_list("item_id", flat=True))
    if not pending:
        return frozenset()
    return frozenset(pending - readable_ids(user, pending))


def search_for(user, query: SearchQuery) -> SearchResults:
    """The search of ``user`` (None or anonymous: the public's), checked
    against the database.

    The index holds every published item with its scope and page path; the
    backend sees only what ``visibility_for(user)`` allows, inside the index
    query, so hits, total and facet counts are the user's own. The index
    may lag behind: the pending removals are excluded inside the index query
    too, and the hits of the page are checked against what the database says
    ``user`` may read. An entry the database disowns without a pending row
    (changed behind the site's back, by a bulk update) is excluded too, the
    page searched again, and the entry queued for an update. Raises when the
    backend is down."""
    backend = get_backend()
    synonyms = synonym_groups()
    load_catalogue_wording()
    visibility = visibility_for(user)
    hidden = set(hidden_ids(user))
    results = backend.search(query, synonyms=synonyms, exclude=hidden, visibility=visibility)
    for _round in range(MAX_RECHECKS):
        ids = [hit.id for hit in results.hits]
        stale = set(ids) - readable_ids(user, ids)
        if not stale:
            return results
        logger.warning("search index has %d entr(ies) the database disowns: %s", len(stale), sorted(stale))
        _queue_removal(stale)
        hidden |= stale
        results = backend.search(query, synonyms=synonyms, exclude=hidden, visibility=visibility)
    allowed = readable_ids(user, (hit.id for hit in results.hits))
    results.hits = [hit for hit in results.hits if hit.id in allowed]
    return results


def public_search(query: SearchQuery) -> SearchResults:
    """The anonymous public's search: public (社会) items only."""
    return search_for(None, query)


def suggestions_for(user, text: str) -> Suggestions:
    """Suggestions for the search box, of what ``user`` may read (the
    anonymous: public items only): the pending removals are excluded in the
    index and the titles checked against the database (a stale one is
    dropped). Raises when the backend is down."""
    text = " ".join(str(text or "").split())[:MAX_SUGGEST_LENGTH]
    if not text:
        return Suggestions()
    suggestions = get_backend().suggest(
        text, limit=MAX_SUGGESTIONS, exclude=hidden_ids(user), visibility=visibility_for(user)
    )
    allowed = readable_ids(user, (t.id for t in suggestions.titles))
    suggestions.titles = [t for t in suggestions.titles if t.id in allowed]
    return suggestions


def public_suggestions(text: str) -> Suggestions:
    return suggestions_for(None, text)


def _queue_removal(item_ids: set[int]) -> None:
    """Best effort, and rare: the removal of entries found stale while
    searching (the next searches exclude them from then on)."""
    from search.tasks import sync_on_commit

    try:
        with transaction.atomic():
            sync_on_commit(item_ids=item_ids)
    except Exception:  # noqa: BLE001 - the search answers correctly all the same
        logger.exception("could not queue the removal of stale search index entries")


@dataclass
class CheckReport:
    expected: int = 0  # indexable items in the database
    indexed: int = 0  # entries in the index
    missing: list[int] = field(default_factory=list)  # indexable, not in the index
    stale: list[int] = field(default_factory=list)  # in the index with outdated content
    orphaned: list[int] = field(default_factory=list)  # in the index, must not be
    pending: int = 0  # failed updates waiting for a retry

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.orphaned)

    @property
    def ok(self) -> bool:
        return not self.problems


def index_check(*, backend: SearchBackend | None = None) -> CheckReport:
    """Compare the index with the database by fingerprint (a hash of every
    indexed field). Reads only: attachment text is taken as stored."""
    backend = backend or get_backend()
    indexed = backend.indexed_fingerprints()
    expected = {doc.id: doc.fingerprint() for doc in iter_documents(extract=False)}
    return CheckReport(
        expected=len(expected),
        indexed=len(indexed),
        missing=sorted(expected.keys() - indexed.keys()),
        stale=sorted(i for i in expected.keys() & indexed.keys() if expected[i] != indexed[i]),
        orphaned=sorted(indexed.keys() - expected.keys()),
        pending=PendingIndexUpdate.objects.count(),
    )
