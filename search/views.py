"""The public search page and its JSON twin. Both only turn the request into
a ``SearchQuery``, run it, and render what comes back."""

from __future__ import annotations

import dataclasses
import logging

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from search import presentation
from search.query import MAX_QUERY_LENGTH, SearchQuery, SearchResults
from search.selectors import public_search, public_suggestions, synonym_groups

logger = logging.getLogger(__name__)

UNAVAILABLE = "检索服务暂时无法使用，请稍后再试。您也可以从首页按区域和单位浏览公开信息。"


def _run(query: SearchQuery) -> SearchResults | None:
    """Results, or None when the index cannot answer."""
    try:
        results = public_search(query)
        if not results.hits and results.total and results.page > results.num_pages:
            # A page past the end (an old link, a hand-edited URL): show the last one.
            results = public_search(dataclasses.replace(query, page=results.num_pages))
        return results
    except Exception:  # noqa: BLE001 - the index is down or broken: say so instead of a 500
        logger.exception("public search failed for %r", query)
        return None


# Read-only: outside ATOMIC_REQUESTS, so that on SQLite (IMMEDIATE transactions)
# a search never takes the database write lock nor waits for a publisher.
@transaction.non_atomic_requests
@require_safe
def search_page(request):
    query = SearchQuery.from_params(request.GET)
    results = _run(query)
    unavailable = results is None
    if results is None:
        results = SearchResults.empty(query)
    query = dataclasses.replace(query, page=results.page)
    path = request.path
    highlight = presentation.title_highlighter(query, synonym_groups() if not unavailable else ())
    context = {
        "query": query,
        "results": results,
        "hits": [(hit, highlight(hit.title)) for hit in results.hits],
        "unavailable": unavailable,
        "unavailable_message": UNAVAILABLE,
        "searchable": presentation.has_searchable_text(query),
        "max_query_length": MAX_QUERY_LENGTH,
        "facet_groups": presentation.facet_groups(path, query, results),
        "selected_filters": presentation.selected_filters(path, query),
        "clear_filters_url": presentation.query_url(path, query, filters={}),
        "sort_links": presentation.sort_links(path, query),
        "pagination": presentation.pagination(path, query, results),
        "first_rank": (results.page - 1) * results.per_page + 1,
    }
    return render(request, "search/search.html", context, status=503 if unavailable else 200)


@transaction.non_atomic_requests
@require_safe
def search_api(request):
    """``{"total", "results": [...], "facets": {name: [{"value", "count"}]}}``
    plus the page numbers and whether the query was cut short."""
    query = SearchQuery.from_params(request.GET)
    results = _run(query)
    if results is None:
        return JsonResponse({"error": UNAVAILABLE}, status=503, json_dumps_params={"ensure_ascii": False})
    data = {
        "total": results.total,
        "page": results.page,
        "num_pages": results.num_pages,
        "truncated": results.truncated,
        "results": [
            {
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url) if hit.url else "",
                "unit": hit.unit,
                "unit_path": hit.unit_path,
                "catalog_code": hit.catalog_code,
                "published_at": timezone.localtime(hit.published_at).isoformat(),
                "snippet": hit.snippet_html,
            }
            for hit in results.hits
        ],
        "facets": {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in results.facets.items()
        },
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@transaction.non_atomic_requests
@require_safe
def suggest_api(request):
    """``{"q", "titles": [{"title", "url"}], "catalogues": [...], "units":
    [{"name", "path"}]}``: what the search box offers as one types (public
    items only)."""
    text = str(request.GET.get("q", ""))
    try:
        found = public_suggestions(text)
    except Exception:  # noqa: BLE001 - the index is down: say so instead of a 500
        logger.exception("search suggestions failed for %r", text[:50])
        return JsonResponse({"error": UNAVAILABLE}, status=503, json_dumps_params={"ensure_ascii": False})
    data = {
        "q": text[:MAX_QUERY_LENGTH],
        "titles": [{"title": t.title, "url": request.build_absolute_uri(t.url) if t.url else ""} for t in found.titles],
        "catalogues": found.catalogues,
        "units": [{"name": path.rsplit("/", 1)[-1], "path": path} for path in found.units],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
