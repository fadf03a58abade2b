"""Reads of the search app: run a public search, compare index and database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from search.backends import get_backend
from search.backends.base import SearchBackend
from search.indexing import iter_documents
from search.models import PendingIndexUpdate, Synonym
from search.query import SearchQuery, SearchResults

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


def forget_synonyms() -> None:
    """After an edit: now (this request sees it at once) and again after the
    commit (a request in between may have cached the old list)."""
    from cms.middleware import bump_version  # cached search pages would keep the old expansion

    for forget in (lambda: cache.delete(SYNONYMS_CACHE_KEY), bump_version):
        forget()
        transaction.on_commit(forget)


def public_search(query: SearchQuery) -> SearchResults:
    """The public search. The index only ever holds public items, so the
    results need no per-user filtering. Raises when the backend is down."""
    return get_backend().search(query, synonyms=synonym_groups())


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
