from __future__ import annotations

import pytest


@pytest.fixture
def site_index(settings, tmp_path, db):
    """The site's embedded search backend, empty (fill it with search.services.index_sync)."""
    from search.backends import get_backend, reset_backend

    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "site-index.sqlite3"
    try:
        yield get_backend()
    finally:
        reset_backend()


@pytest.fixture
def operator(user_named):
    return user_named("cc_operator")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client
