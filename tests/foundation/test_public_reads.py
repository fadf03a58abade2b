"""Reading a public page takes no database transaction (on SQLite an IMMEDIATE one is the write lock:
page views queued behind one another and behind any publication); writing still does. Since readers
no longer wait for a publisher's commit, the cached pages are retired again once it commits."""

import pytest
from django.db import connection
from wagtail import hooks

from cms.middleware import publication_version
from review.filings_services import catalogue_file, filing_decide
from tests.participation.conftest import grant_admin

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


def test_reading_a_page_takes_no_transaction_and_writing_one_does(client):
    seen = []

    def record(page, request, args, kwargs):
        seen.append((request.method, len(connection.atomic_blocks)))

    outside = len(connection.atomic_blocks)  # the test's own transaction
    with hooks.register_temporarily("before_serve_page", record):
        for method in (client.get, client.head, client.post):
            assert method("/").status_code == 200
    assert seen == [("GET", outside), ("HEAD", outside), ("POST", outside + 1)]


def test_a_decided_catalogue_change_retires_the_cached_pages_again_after_its_commit(
    django_capture_on_commit_callbacks, unit, user_named
):
    """The approved 目录变更 shows on the unit's page (a cached fragment): a page rendered while the
    decision was being committed must not stay cached."""
    reviewer, supervisor = (grant_admin(user_named(name)) for name in ("wj_reviewer", "wj_supervisor"))
    filing = catalogue_file(unit=unit(WJ), actor=reviewer, statement="本单位2026年度党务公开目录")
    before = publication_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        filing_decide(filing=filing, actor=supervisor, decision="acknowledge")
    at_decision = publication_version()
    assert at_decision > before
    for callback in callbacks:
        callback()
    assert publication_version() > at_decision
