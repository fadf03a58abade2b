"""Whole-page cache for anonymous readers of the public site.

Public pages are the same for every anonymous visitor, so they can be served from the
cache. Anything personal is never cached: logged-in users, non-GET requests, responses
that set cookies or carry a CSRF token (forms), the admin and anything non-HTML or not
200. A publish, unpublish or move bumps a version number, which retires every cached
page at once (see cms/signal_handlers.py).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBadRequest

VERSION_KEY = "public-page-cache:version"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/accounts/", "/documents/", "/display/")


def publication_version() -> int:
    """The number every publish, unpublish (revocation) and move increments: cached pages and
    cached fragments (cms.context_processors.public_fragments) are keyed on it."""
    return cache.get_or_set(VERSION_KEY, 1, None)


def bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _key(self, request) -> str | None:
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)
        if not seconds or request.method != "GET" or request.path.startswith(EXCLUDED_PREFIXES):
            return None
        if request.user.is_authenticated:
            return None
        version = publication_version()
        mode = request.COOKIES.get("display_mode", "")
        digest = hashlib.sha256(f"{request.get_full_path()}|{mode}".encode()).hexdigest()
        return f"public-page-cache:{version}:{digest}"

    def __call__(self, request):
        key = self._key(request)
        if key is not None:
            cached = cache.get(key)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if (
            key is not None
            and response.status_code == 200
            and response.get("Content-Type", "").startswith(("text/html", "application/json", "application/rss", "application/atom", "application/xml"))
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.META.get("CSRF_COOKIE_USED")
            and not getattr(response, "streaming", False)
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response


class RefuseNulInAdminQueryMiddleware:
    """A NUL character in an admin search or filter value is a 400, once, before any view.

    PostgreSQL text cannot hold a NUL, and the admin's listings (Wagtail's generic ones and ours) hand
    their search box and filters to the database as typed: /admin/participation/requests/?q=%00 was a
    500 there. No real search or filter contains one. The public site's views answer such values on
    their own and are walked with them by the bad-input tests.
    """

    MESSAGE = "检索或筛选条件中含有空字符（NUL），无法处理。请删去后重试。"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
