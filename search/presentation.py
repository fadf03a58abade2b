"""What the search page shows around the results: facet options with links
that toggle them, sort links, page links, highlighted titles.

Kept out of the view (which only runs the search) and out of the template
(which only lays things out). Every link is built from the cleaned
``SearchQuery``, never from the raw query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from search.analysis import compile_highlighter, highlight_html, iter_highlight_chunks, parse_query, plan_query
from search.query import FACETS, SearchQuery, SearchResults

FACET_LABELS = {
    "region": "区域",
    "unit": "公开单位",
    "level1": "目录类别",
    "year": "年度",
    "time_limit": "公开时限",
}
FACET_VISIBLE = 8  # options shown before "更多"
PAGE_WINDOW = 2  # page links either side of the current page


def query_params(query: SearchQuery, **changes) -> list[tuple[str, str]]:
    """The query as URL parameters; ``filters=``, ``sort=``, ``page=``
    override. Page 1 and the default sort are left out."""
    filters = changes.get("filters", query.filters)
    sort = changes.get("sort", query.sort)
    page = changes.get("page", 1)
    params: list[tuple[str, str]] = []
    if query.q:
        params.append(("q", query.q))
    for name in FACETS:
        params.extend((name, value) for value in filters.get(name, []))
    if sort != "relevance":
        params.append(("sort", sort))
    if page > 1:
        params.append(("page", str(page)))
    return params


def query_url(path: str, query: SearchQuery, **changes) -> str:
    params = query_params(query, **changes)
    return f"{path}?{urlencode(params)}" if params else path


@dataclass
class FacetOption:
    value: str
    label: str
    detail: str  # e.g. the unit's region path
    count: int
    selected: bool
    url: str


@dataclass
class FacetGroup:
    name: str
    label: str
    options: list[FacetOption]
    clear_url: str | None  # set when a value of this facet is selected

    @property
    def visible(self) -> list[FacetOption]:
        shown = self.options[:FACET_VISIBLE]
        # A selected option always stays in sight, so it can be unselected.
        return shown + [o for o in self.options[FACET_VISIBLE:] if o.selected]

    @property
    def more(self) -> list[FacetOption]:
        return [o for o in self.options[FACET_VISIBLE:] if not o.selected]


def _label(name: str, value: str) -> tuple[str, str]:
    if name == "unit":
        parent, _, unit = value.rpartition("/")
        return unit or value, parent
    if name == "year":
        return f"{value}年", ""
    return value, ""


def facet_groups(path: str, query: SearchQuery, results: SearchResults) -> list[FacetGroup]:
    """Each facet's values with counts; a link selects (or unselects) one
    value. Values within a facet combine with OR, facets with AND."""
    groups = []
    for name in FACETS:
        selected = query.filters.get(name, [])
        counts = list(results.facets.get(name, []))
        listed = {value for value, _ in counts}
        # A selected value with no hits left still needs a way out.
        counts += [(value, 0) for value in selected if value not in listed]
        if name == "year":
            counts.sort(key=lambda vc: vc[0], reverse=True)
        options = []
        for value, count in counts:
            is_selected = value in selected
            values = [v for v in selected if v != value] if is_selected else [*selected, value]
            label, detail = _label(name, value)
            options.append(
                FacetOption(
                    value=value,
                    label=label,
                    detail=detail,
                    count=count,
                    selected=is_selected,
                    url=query_url(path, query, filters={**query.filters, name: values}),
                )
            )
        if options:
            clear = {k: v for k, v in query.filters.items() if k != name}
            groups.append(
                FacetGroup(
                    name=name,
                    label=FACET_LABELS[name],
                    options=options,
                    clear_url=query_url(path, query, filters=clear) if selected else None,
                )
            )
    return groups


@dataclass
class SelectedFilter:
    facet: str
    label: str
    remove_url: str


def selected_filters(path: str, query: SearchQuery) -> list[SelectedFilter]:
    chosen = []
    for name, values in query.filters.items():
        for value in values:
            rest = {**query.filters, name: [v for v in values if v != value]}
            chosen.append(
                SelectedFilter(FACET_LABELS[name], _label(name, value)[0], query_url(path, query, filters=rest))
            )
    return chosen


@dataclass
class PageLink:
    number: int | None  # None: a gap (…)
    url: str = ""
    current: bool = False


@dataclass
class Pagination:
    page: int
    num_pages: int
    previous_url: str | None
    next_url: str | None
    links: list[PageLink] = field(default_factory=list)


def pagination(path: str, query: SearchQuery, results: SearchResults) -> Pagination | None:
    if results.num_pages <= 1:
        return None
    page, last = results.page, results.num_pages
    numbers = sorted({1, last, *range(max(1, page - PAGE_WINDOW), min(last, page + PAGE_WINDOW) + 1)})
    links: list[PageLink] = []
    previous = 0
    for n in numbers:
        if n - previous > 1:
            links.append(PageLink(None))
        links.append(PageLink(n, query_url(path, query, page=n), current=n == page))
        previous = n
    return Pagination(
        page=page,
        num_pages=last,
        previous_url=query_url(path, query, page=page - 1) if page > 1 else None,
        next_url=query_url(path, query, page=page + 1) if page < last else None,
        links=links,
    )


def sort_links(path: str, query: SearchQuery) -> list[tuple[str, str, bool]]:
    """(label, url, current); without text there is only the date order."""
    if query.is_blank:
        return []
    return [
        ("按相关度", query_url(path, query, sort="relevance"), query.sort == "relevance"),
        ("按发布时间", query_url(path, query, sort="date"), query.sort == "date"),
    ]


def title_highlighter(query: SearchQuery, synonyms):
    """Highlights the query (and its synonyms) in result titles; the
    snippets come highlighted from the backend."""
    if query.is_blank:
        return lambda title: title
    pattern = compile_highlighter(iter_highlight_chunks(plan_query(query.q, synonyms).alternatives))

    def highlight(title: str) -> SafeString:
        # highlight_html escapes the title; only <mark> is markup.
        return mark_safe(highlight_html(title, pattern, size=len(title) + 1) or format_html("{}", title))  # noqa: S308

    return highlight


def has_searchable_text(query: SearchQuery) -> bool:
    """False for text with no letters, digits or CJK (only emoji, say)."""
    return query.is_blank or bool(parse_query(query.q))
