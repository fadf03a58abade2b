"""Fixtures for the search core tests. No Django database needed.

``backend`` runs every test of the shared behaviour suite against:

- the embedded backend on a temporary file;
- the Elasticsearch backend against an in-memory osmem server started here
  (skipped locally when the bundled binary cannot start, a failure when the
  CI environment variable is set);
- a real Elasticsearch when ELASTICSEARCH_URL is set.

osmem adaptations (test side only, production code unchanged) live in
``PlainJsonNode``: osmem answers 406 to the client's compatibility media type
(``application/vnd.elasticsearch+json; compatible-with=8``) and knows the
highlight option ``max_analyzed_offset`` by its OpenSearch name.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from elastic_transport import HttpHeaders, Urllib3HttpNode

from search.backends.base import SearchBackend
from search.backends.elastic import ElasticsearchBackend
from search.backends.embedded import EmbeddedBackend


class PlainJsonNode(Urllib3HttpNode):
    """Adapts requests to what osmem accepts; each rewrite is a place where
    osmem (which emulates OpenSearch) differs from Elasticsearch 8:

    1. the compatibility media type gets a 406: send plain JSON / NDJSON;
    2. the highlight option Elasticsearch calls ``max_analyzed_offset`` is
       OpenSearch's ``max_analyzer_offset``: rename it in search bodies.
    """

    def perform_request(self, method: str, target: str, body: bytes | None = None, headers: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        if body and b'"max_analyzed_offset"' in body:
            body = body.replace(b'"max_analyzed_offset"', b'"max_analyzer_offset"')
        if headers:
            headers = HttpHeaders(headers)
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value and "vnd.elasticsearch+" in value:
                    # application/vnd.elasticsearch+x-ndjson; compatible-with=8 -> application/x-ndjson
                    headers[name] = value.split(";")[0].replace("vnd.elasticsearch+", "")
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def osmem_unavailable(exc: BaseException) -> NoReturn:
    """Skip the Elasticsearch variant locally, but fail on CI, where a
    missing server would otherwise silently halve the coverage."""
    if os.environ.get("CI"):
        pytest.fail(f"osmem server could not start on CI: {exc}")
    pytest.skip(f"osmem server could not start: {exc}")


@pytest.fixture(scope="session")
def osmem_url() -> Iterator[str]:
    """One osmem server for the session; tests isolate by index prefix."""
    try:
        from osmem_server import OsmemServer

        server = OsmemServer.start()
    except Exception as exc:  # noqa: BLE001 - any start failure means "no local ES"
        osmem_unavailable(exc)
    try:
        yield server.url
    finally:
        server.close()


def _backend_params() -> list[Any]:
    params: list[Any] = ["embedded", "osmem"]
    if os.environ.get("ELASTICSEARCH_URL"):
        params.append("elasticsearch")
    return params


def make_es_backend(url: str, *, osmem: bool) -> ElasticsearchBackend:
    options: dict[str, Any] = {"node_class": PlainJsonNode} if osmem else {}
    prefix = f"test-search-{uuid.uuid4().hex[:12]}"
    return ElasticsearchBackend(url, prefix, refresh=True, **options)


@pytest.fixture(params=_backend_params())
def empty_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    backend: SearchBackend
    if request.param == "embedded":
        backend = EmbeddedBackend(tmp_path / "index.sqlite3")
    elif request.param == "osmem":
        backend = make_es_backend(request.getfixturevalue("osmem_url"), osmem=True)
    else:
        backend = make_es_backend(os.environ["ELASTICSEARCH_URL"], osmem=False)
    try:
        yield backend
    finally:
        if isinstance(backend, ElasticsearchBackend):
            backend.drop()
        backend.close()


# --- Django-level fixtures -----------------------------------------------------------
#
# The index lives outside Django's database, so the rolled-back transaction
# of a test does not undo what the test indexed: every test gets its own
# empty index (a temp file, or a fresh Elasticsearch alias), configured
# through the settings exactly as a deployment would be.


def _site_backend_params() -> list[Any]:
    return _backend_params()


@pytest.fixture(params=_site_backend_params())
def site_backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path, db: None) -> Iterator[SearchBackend]:
    """The site's search backend (search.backends.get_backend()), empty."""
    from search.backends import get_backend, reset_backend

    es: ElasticsearchBackend | None = None
    if request.param == "embedded":
        settings.ELASTICSEARCH_URL = ""
        settings.SEARCH_EMBEDDED_PATH = tmp_path / "site-index.sqlite3"
    else:
        osmem = request.param == "osmem"
        url = request.getfixturevalue("osmem_url") if osmem else os.environ["ELASTICSEARCH_URL"]
        # The same kind of backend as the site's, kept aside to drop the test's indices at the end
        # (the site's own may have been replaced meanwhile, when a test changes the settings).
        es = make_es_backend(url, osmem=osmem)
        settings.ELASTICSEARCH_URL = url
        settings.SEARCH_INDEX_PREFIX = es.alias
        settings.SEARCH_ELASTICSEARCH_OPTIONS = {"node_class": PlainJsonNode} if osmem else {}
        settings.SEARCH_ELASTICSEARCH_REFRESH = True  # see every change at once
    try:
        yield get_backend()
    finally:
        reset_backend()
        if es is not None:
            es.drop()
            es.close()


@pytest.fixture
def embedded_site_backend(settings: Any, tmp_path: Path, db: None) -> Iterator[SearchBackend]:
    """The embedded backend only: for behaviour that does not depend on the backend."""
    from search.backends import get_backend, reset_backend

    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "site-index.sqlite3"
    try:
        yield get_backend()
    finally:
        reset_backend()


@pytest.fixture
def demo_index(site_backend: SearchBackend) -> SearchBackend:
    """The site backend filled with the demo's public items (search_rebuild's path)."""
    from search.services import index_rebuild

    index_rebuild(backend=site_backend)
    return site_backend


@pytest.fixture(autouse=True)
def _fresh_synonyms() -> Iterator[None]:
    """Synonyms are cached; a test's rolled-back edits must not leak into the next test."""
    from django.core.cache import cache

    from search.selectors import SYNONYMS_CACHE_KEY

    cache.delete(SYNONYMS_CACHE_KEY)
    yield
    cache.delete(SYNONYMS_CACHE_KEY)
