"""Search backends: embedded SQLite FTS5 (default) and Elasticsearch.

``get_backend()`` picks one from the settings:

- ``ELASTICSEARCH_URL`` set: Elasticsearch, indices named after
  ``SEARCH_INDEX_PREFIX``; ``SEARCH_ELASTICSEARCH_OPTIONS`` (optional dict)
  goes to the client (``basic_auth``, ``ca_certs``, ``request_timeout`` …) and
  ``SEARCH_ELASTICSEARCH_REFRESH`` (optional, default False) to index calls;
- otherwise the embedded index in the file ``SEARCH_EMBEDDED_PATH``.

The backend is built once per process and rebuilt when those settings change
(tests override them per test).
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

from search.backends.base import SearchBackend

BACKEND_SETTINGS = frozenset(
    {
        "ELASTICSEARCH_URL",
        "SEARCH_INDEX_PREFIX",
        "SEARCH_EMBEDDED_PATH",
        "SEARCH_ELASTICSEARCH_OPTIONS",
        "SEARCH_ELASTICSEARCH_REFRESH",
    }
)

_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], SearchBackend] | None = None


def _settings_key() -> tuple[Any, ...]:
    return tuple(repr(getattr(settings, name, None)) for name in sorted(BACKEND_SETTINGS))


def _build() -> SearchBackend:
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if url:
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(
            url,
            getattr(settings, "SEARCH_INDEX_PREFIX", "disclosure"),
            refresh=getattr(settings, "SEARCH_ELASTICSEARCH_REFRESH", False),
            **dict(getattr(settings, "SEARCH_ELASTICSEARCH_OPTIONS", None) or {}),
        )
    from search.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.SEARCH_EMBEDDED_PATH)


def get_backend() -> SearchBackend:
    """The configured backend, shared by the whole process (both backends are
    safe to use from several threads)."""
    global _cached
    key = _settings_key()
    with _lock:
        if _cached is None or _cached[0] != key:
            if _cached is not None:
                _cached[1].close()
            _cached = (key, _build())
        return _cached[1]


def reset_backend() -> None:
    """Forget the cached backend (settings changed, tests)."""
    global _cached
    with _lock:
        if _cached is not None:
            _cached[1].close()
        _cached = None
