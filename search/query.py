"""The search request and response, shared by every backend and the views.

``SearchQuery`` cleans whatever the public sends (any string, any page
number) into something every backend can run without raising;
``SearchResults`` is what the page and the JSON API render.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# Facets offered on the public page; filters on other keys are ignored.
FACETS: tuple[str, ...] = ("region", "unit", "level1", "year", "time_limit")

MAX_QUERY_LENGTH = 100
# Elasticsearch's default index.max_result_window: from + size may not pass
# it. The embedded backend keeps the same limit so both behave alike (and deep
# pages are only ever reached by crawlers).
MAX_RESULT_WINDOW = 10_000
MAX_PER_PAGE = 50
MAX_FILTER_VALUES = 20  # per facet; more than this is not a human
MAX_FILTER_VALUE_LENGTH = 200
FACET_SIZE = 50  # values listed per facet

Sort = Literal["relevance", "date"]


def _to_int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


@dataclass
class SearchQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 10
    # Set by normalisation when q was longer than MAX_QUERY_LENGTH, so the
    # page can say that only the beginning was searched. An init field so that
    # dataclasses.replace(query, page=2) keeps it.
    truncated: bool = False

    def __post_init__(self) -> None:
        q = " ".join(str(self.q or "").split())  # strip, and collapse whitespace/newlines
        if len(q) > MAX_QUERY_LENGTH:
            q = q[:MAX_QUERY_LENGTH].rstrip()
            self.truncated = True
        self.truncated = bool(self.truncated)
        self.q = q
        self.filters = self._clean_filters(self.filters)
        if self.sort not in ("relevance", "date"):
            self.sort = "relevance"
        self.per_page = min(max(_to_int(self.per_page, 10), 1), MAX_PER_PAGE)
        self.page = min(max(_to_int(self.page, 1), 1), self.max_page)

    @staticmethod
    def _clean_filters(raw: Mapping[str, Iterable[str] | str] | None) -> dict[str, list[str]]:
        cleaned: dict[str, list[str]] = {}
        for name in FACETS:
            values = (raw or {}).get(name)
            if values is None:
                continue
            if isinstance(values, str | int):
                values = [str(values)]
            kept: list[str] = []
            for value in values:
                value = str(value).strip()[:MAX_FILTER_VALUE_LENGTH]
                if value and value not in kept:
                    kept.append(value)
            if name == "year":
                # ASCII digits only ("²".isdigit() is true but int() fails) and
                # short enough for an Elasticsearch integer field.
                kept = [v for v in kept if v.isascii() and v.isdigit() and len(v) <= 4]
            if kept:
                cleaned[name] = kept[:MAX_FILTER_VALUES]
        return cleaned

    @classmethod
    def from_params(cls, params: Any) -> SearchQuery:
        """From a Django QueryDict (or any mapping of str to str or list).

        Accepts ``q``, ``sort``, ``page``, ``per_page`` and one parameter per
        facet, repeatable for OR within a facet.
        """

        def getlist(key: str) -> list[str]:
            if hasattr(params, "getlist"):
                return [str(v) for v in params.getlist(key)]
            value = params.get(key)
            if value is None:
                return []
            return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

        def first(key: str) -> str:
            values = getlist(key)
            return values[0] if values else ""

        sort = first("sort")
        return cls(
            q=first("q"),
            filters={name: getlist(name) for name in FACETS},
            sort=sort if sort in ("relevance", "date") else "relevance",  # type: ignore[arg-type]
            page=_to_int(first("page"), 1),
            per_page=_to_int(first("per_page"), 10),
        )

    @property
    def max_page(self) -> int:
        """Last page whose from + size stays within MAX_RESULT_WINDOW."""
        return max(1, MAX_RESULT_WINDOW // self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def is_blank(self) -> bool:
        """No text: list everything (filtered), newest first."""
        return not self.q

    @property
    def effective_sort(self) -> Sort:
        # Without text there is no relevance to sort by.
        return "date" if self.is_blank else self.sort


PUBLIC_SCOPE = "public"  # disclosure_pages.choices.Scope.PUBLIC, without importing Django models here
_SCOPE_RE = re.compile(r"[a-z_]{1,32}")
_TREE_PATH_RE = re.compile(r"[0-9A-Za-z]{0,255}")


@dataclass(frozen=True)
class Visibility:
    """Which index entries one search may see: the public (社会) ones always, plus entries
    of the given scopes in the given subtrees (tree paths of a unit or a supervisor's reach),
    or everything. Built from ``disclosure_pages.permissions.readable_scopes`` by
    ``search.selectors``; the default, ``PUBLIC``, is what the anonymous see.

    Scopes and paths come from our own database, never from the request; they are checked
    here (lowercase names, alphanumeric tree paths) so that a backend may inline them."""

    everything: bool = False
    grants: tuple[tuple[frozenset[str], str], ...] = ()

    def __post_init__(self) -> None:
        cleaned = []
        for scopes, path in self.grants:
            scopes = frozenset(str(s) for s in scopes)
            if not path or not _TREE_PATH_RE.fullmatch(path) or not all(_SCOPE_RE.fullmatch(s) for s in scopes):
                raise ValueError(f"invalid visibility grant {sorted(scopes)!r} at {path!r}")
            cleaned.append((scopes, str(path)))
        object.__setattr__(self, "grants", tuple(cleaned))

    @property
    def public_only(self) -> bool:
        return not self.everything and not any(scopes - {PUBLIC_SCOPE} for scopes, _ in self.grants)

    def allows(self, scope: str, path: str) -> bool:
        if self.everything or scope == PUBLIC_SCOPE:
            return True
        return any(scope in scopes and path.startswith(prefix) for scopes, prefix in self.grants)


PUBLIC = Visibility()


@dataclass
class Hit:
    id: int
    title: str
    url: str
    unit: str
    unit_path: str
    catalog_code: str
    published_at: datetime
    snippet_html: str  # escaped text with <mark>…</mark>; safe to render as-is
    scope: str = PUBLIC_SCOPE  # 党内 / 委员 items are found by those who may read them


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    page: int
    per_page: int
    num_pages: int
    truncated: bool = False

    @classmethod
    def build(
        cls,
        query: SearchQuery,
        total: int,
        hits: list[Hit],
        facets: dict[str, list[tuple[str, int]]],
    ) -> SearchResults:
        num_pages = min(math.ceil(total / query.per_page), query.max_page) if total else 0
        return cls(
            total=total,
            hits=hits,
            facets={name: facets.get(name, []) for name in FACETS},
            page=query.page,
            per_page=query.per_page,
            num_pages=num_pages,
            truncated=query.truncated,
        )

    @classmethod
    def empty(cls, query: SearchQuery) -> SearchResults:
        return cls.build(query, 0, [], {})


MAX_SUGGESTIONS = 8
MAX_SUGGEST_LENGTH = 30  # what one types into a search box before pressing Enter


@dataclass
class TitleSuggestion:
    id: int
    title: str
    url: str


@dataclass
class Suggestions:
    """What the search box offers as one types: items by title, catalogue
    names and units containing the text."""

    titles: list[TitleSuggestion] = field(default_factory=list)
    catalogues: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


def suggestion_matches(prefix: str, values: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Values containing the typed text (normalised: width, case, traditional
    characters), those starting with it first, then shorter ones."""
    from search.analysis import normalize

    wanted = normalize(prefix).strip()
    if not wanted:
        return []
    found = []
    for value in dict.fromkeys(v for v in values if v):
        at = normalize(value).find(wanted)
        if at >= 0:
            found.append((at != 0, len(value), value))
    return [value for *_key, value in sorted(found)[:limit]]


def sort_facet_counts(counts: Iterable[tuple[str, int]], size: int = FACET_SIZE) -> list[tuple[str, int]]:
    """Most frequent first, then by value, so both backends list facets alike.
    Empty values (an item without a time limit) are not a choice to offer."""
    cleaned = ((str(v), int(c)) for v, c in counts if c > 0 and v is not None and str(v) != "")
    return sorted(cleaned, key=lambda vc: (-vc[1], vc[0]))[:size]
