"""The first API's addresses (/api/items/, /api/openapi.json) moved to /api/v2/.

They answer 301 with the query translated (page/per_page become offset/limit; unit and year
keep their names), so an old link lands on the same items, in the new shape. What cannot be
translated is passed on as it is, and /api/v2/ says what is wrong with it.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from .pagination import NUMBER

OLD_PER_PAGE = 20


def _translated(query) -> str:
    query = query.copy()
    per_page, page = query.get("per_page"), query.get("page")
    limit = OLD_PER_PAGE
    if per_page is not None and NUMBER.fullmatch(per_page):
        limit = int(per_page)
        query["limit"] = query.pop("per_page")[-1]
    if page is not None and NUMBER.fullmatch(page) and int(page) >= 1:
        query.pop("page")
        if int(page) > 1:
            query["offset"] = str((int(page) - 1) * limit)
    return query.urlencode()


def _redirect(url: str, query: str) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_GET
def item_list(request):
    return _redirect(reverse("publicapi:items:listing"), _translated(request.GET))


@require_GET
def item_detail(request, item_id: int):
    return _redirect(reverse("publicapi:items:detail", args=(item_id,)), request.GET.urlencode())


@require_GET
def openapi(request):
    return _redirect(reverse("publicapi_schema"), "format=json")
