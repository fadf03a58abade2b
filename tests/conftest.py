"""Shared fixtures: the demo tree from the source documents, loaded once per test session.

Tests run inside a transaction that is rolled back, so they may add to the demo tree
freely. Avoid `transaction=True` tests: they flush the database, demo data included
(use the `reload_demo` fixture in such a test if it needs the tree afterwards).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from disclosure_pages.demo import load_demo
from disclosure_pages.selectors import find_unit
from tests.builders import make_item


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def reload_demo(django_db_blocker, settings, archive_witness_log):
    def reload():
        with django_db_blocker.unblock():
            load_demo()
        # The demo's chains were signed anew: later tests start from this witness log.
        shutil.copyfile(settings.ARCHIVE_WITNESS_FILE, _session["witness_log"])

    return reload


_session: dict[str, Path] = {}


@pytest.fixture(autouse=True)
def archive_witness_log(request, settings, tmp_path_factory):
    """Each test gets its own copy of the archive's witness log (archive/signing.py): lines are
    written after a commit, so a test that runs on-commit callbacks would otherwise leave lines
    for records its rolled-back transaction never kept."""
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("django_db_setup")  # the demo signs its chains into the session's log first
    session_log = _session.setdefault("witness_log", Path(settings.ARCHIVE_WITNESS_FILE))
    log = tmp_path_factory.mktemp("witness") / "signed-heads.jsonl"  # not tmp_path: that is the test's own
    if session_log.exists():
        shutil.copyfile(session_log, log)
    settings.ARCHIVE_WITNESS_FILE = log
    return log


@pytest.fixture
def user_named(db):
    def get(username: str):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def unit(db):
    """A unit by its path: unit('韶关市/武江区/区委办')."""

    def get(path: str):
        found = find_unit(path)
        assert found is not None, path
        return found

    return get


@pytest.fixture
def item_factory(db):
    return make_item


@pytest.fixture(autouse=True)
def fresh_working_day_calendar():
    """The participation clock caches the holiday calendar for a minute; each test starts afresh."""
    from participation.clock import reset_calendar_cache

    reset_calendar_cache()
    yield
    reset_calendar_cache()


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the
    main thread, and Django refuses database calls from a thread with a running loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
