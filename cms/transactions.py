"""Requests that only read take no transaction.

Each request is one transaction (``ATOMIC_REQUESTS``), and on SQLite an IMMEDIATE one: it takes the
database's write lock when it begins, so that concurrent publishers queue instead of failing half-way.
For a page that is only read that lock is pure cost: every public page view took it, so page views
waited for one another and for any publication in progress (3 workers on the demo data: the item page
served 149 requests/s while its CPU time allowed about 190). A read needs no transaction: each query
reads a consistent snapshot of its own, and nothing a GET does is undone by a rollback.
"""

from __future__ import annotations

from functools import wraps

from django.db import transaction

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def atomic_writes_only(view):
    """``view`` without the request's transaction for GET, HEAD and OPTIONS, inside one for any other
    method (a POST to a form page is still all or nothing)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in READ_METHODS:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapper)
