"""The search page and its JSON twin. Both only turn the request into a
``SearchQuery``, run it for the reader, and render what comes back.

The anonymous public finds the public (社会) items; a logged-in party member,
committee member or supervisor also the 党内 and 委员 items they may read
(``search.selectors.search_for``). What a logged-in reader gets is theirs
alone: ``cms.middleware`` never caches nor serves a cached page to a
logged-in user, and the response tells every other cache (browser history
on a shared computer, proxies) not to keep it."""

from __future__ import annotations

import dataclasses
import logging

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from disclosure_pages.choices import Scope
from search import presentation
from search.query import MAX_QUERY_LENGTH, PUBLIC_SCOPE, SearchQuery, SearchResults
from search.selectors import search_for, suggestions_for, synonym_groups, visibility_for

logger = logging.getLogger(__name__)

UNAVAILABLE = "检索服务暂时无法使用，请稍后再试。您也可以从首页按区域和单位浏览公开信息。"


def _run(user, query: SearchQuery) -> SearchResults | None:
    """Results, or None when the index cannot answer."""
    try:
        results = search_for(user, query)
        if not results.hits and results.total and results.page > results.num_pages:
            # A page past the end (an old link, a hand-edited URL): show the last one.
            results = search_for(user, dataclasses.replace(query, page=results.num_pages))
        return results
    except Exception:  # noqa: BLE001 - the index is down or broken: say so instead of a 500
        logger.exception("search failed for %r", query)
        return None


def _personal(request, response):
    """A logged-in reader's results name 党内 / 委员 items: private, never stored."""
    if request.user.is_authenticated:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Cookie",))
    return response


def scope_label(scope: str) -> str:
    return "" if scope == PUBLIC_SCOPE else dict(Scope.choices).get(scope, scope)


# Read-only: outside ATOMIC_REQUESTS, so that on SQLite (IMMEDIATE transactions)
# a search never takes the database write lock nor waits for a publisher.
@transaction.non_atomic_requests
@require_safe
def search_page(request):
    query = SearchQuery.from_params(request.GET)
    results = _run(request.user, query)
    unavailable = results is None
    if results is None:
        results = SearchResults.empty(query)
    query = dataclasses.replace(query, page=results.page)
    path = request.path
    highlight = presentation.title_highlighter(query, synonym_groups() if not unavailable else ())
    context = {
        "query": query,
        "results": results,
        "hits": [(hit, highlight(hit.title), scope_label(hit.scope)) for hit in results.hits],
        "members_search": not visibility_for(request.user).public_only,
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
    return _personal(request, render(request, "search/search.html", context, status=503 if unavailable else 200))


@transaction.non_atomic_requests
@require_safe
def search_api(request):
    """``{"total", "results": [...], "facets": {name: [{"value", "count"}]}}``
    plus the page numbers and whether the query was cut short."""
    query = SearchQuery.from_params(request.GET)
    results = _run(request.user, query)
    if results is None:
        return _personal(
            request, JsonResponse({"error": UNAVAILABLE}, status=503, json_dumps_params={"ensure_ascii": False})
        )
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
                "scope": hit.scope,
            }
            for hit in results.hits
        ],
        "facets": {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in results.facets.items()
        },
    }
    return _personal(request, JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


@transaction.non_atomic_requests
@require_safe
def suggest_api(request):
    """``{"q", "titles": [{"title", "url"}], "catalogues": [...], "units":
    [{"name", "path"}]}``: what the search box offers as one types (for the
    anonymous, public items only; for a member, what they may read)."""
    text = str(request.GET.get("q", ""))
    try:
        found = suggestions_for(request.user, text)
    except Exception:  # noqa: BLE001 - the index is down: say so instead of a 500
        logger.exception("search suggestions failed for %r", text[:50])
        return _personal(
            request, JsonResponse({"error": UNAVAILABLE}, status=503, json_dumps_params={"ensure_ascii": False})
        )
    data = {
        "q": text[:MAX_QUERY_LENGTH],
        "titles": [{"title": t.title, "url": request.build_absolute_uri(t.url) if t.url else ""} for t in found.titles],
        "catalogues": found.catalogues,
        "units": [{"name": path.rsplit("/", 1)[-1], "path": path} for path in found.units],
    }
    return _personal(request, JsonResponse(data, json_dumps_params={"ensure_ascii": False}))
