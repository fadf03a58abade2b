"""The one small interface every search backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable

from search.documents import IndexDocument
from search.query import PUBLIC, SearchQuery, SearchResults, Suggestions, Visibility

Progress = Callable[[int], None]
Synonyms = Iterable[Collection[str]]


class SearchBackend(ABC):
    """Index published items, and search them for a reader.

    Backends index exactly what they are given: deciding what is indexed is
    the caller's job (``search.indexing.is_indexable``). Every document
    carries its scope and tree path; ``search`` and ``suggest`` see only the
    documents their ``visibility`` allows, inside the index query, so hits,
    totals and facet counts are the reader's own. The default visibility is
    the anonymous public's: public (社会) documents only. ``search`` never
    raises on user input; it may raise on infrastructure failures (a server
    that is down), which the view turns into an error page.
    """

    name: str = "base"

    @abstractmethod
    def index(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace documents (by id); returns how many were written."""

    @abstractmethod
    def delete(self, ids: Iterable[int], *, wait: float | None = None) -> None:
        """Remove documents; unknown ids are ignored. ``wait`` (seconds)
        bounds how long to wait for the index (a lock held by another writer,
        a slow server) before raising: removals made inside a request must
        not hold the request up; None keeps the backend's own timeout."""

    @abstractmethod
    def rebuild(self, docs: Iterable[IndexDocument], progress: Progress | None = None) -> int:
        """Replace the whole index with ``docs``; searches keep being answered
        from the old index until the new one is complete. ``progress`` is
        called with the number of documents done so far. Returns the count."""

    @abstractmethod
    def search(
        self,
        query: SearchQuery,
        synonyms: Synonyms = (),
        exclude: Collection[int] = (),
        visibility: Visibility = PUBLIC,
    ) -> SearchResults:
        """Run ``query``; ``synonyms`` are groups of interchangeable terms.
        Documents whose id is in ``exclude`` are left out inside the index
        query, so that hits, total and facet counts all go without them
        (entries the database says are no longer public, whose removal is
        still pending: see ``search.selectors.public_search``)."""

    @abstractmethod
    def suggest(
        self, text: str, *, limit: int = 8, exclude: Collection[int] = (), visibility: Visibility = PUBLIC
    ) -> Suggestions:
        """Items whose title contains ``text`` (newest first), catalogue
        names and units of such items containing it, for the search box as
        one types. ``exclude`` and ``visibility`` as in ``search``."""

    @abstractmethod
    def indexed_fingerprints(self) -> dict[int, str]:
        """id -> IndexDocument.fingerprint() of every indexed document, so a
        check command can find missing, stale and orphaned entries."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (the index itself stays usable)."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the backend can answer searches."""

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release connections (tests, process shutdown)."""
