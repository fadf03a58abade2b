"""Embedded (SQLite FTS5) backend specifics: files, concurrency, schema."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import apsw
import pytest

from bench.search_core import make_corpus
from search.analysis import Phrase
from search.backends.embedded import DEFAULT_PATH, SCHEMA_VERSION, EmbeddedBackend, fts_match_expression
from search.query import SearchQuery


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "search" / "index.sqlite3"


def test_default_path_is_its_own_file() -> None:
    assert DEFAULT_PATH == Path("var/search/index.sqlite3")


def test_match_expression_quotes_every_phrase() -> None:
    phrases = [
        [Phrase("党费", ("党费",), prefix=False, unigram=False), Phrase('a"b', ('a"b',), prefix=False, unigram=False)],
        [Phrase("党", ("党",), prefix=True, unigram=True)],
    ]
    assert fts_match_expression(phrases) == '("党费" AND "a""b") OR ("党" *)'


def test_instances_share_one_file(index_path: Path) -> None:
    """Two backends on one file behave like two processes (web + worker)."""
    docs = list(make_corpus(50))
    writer, reader = EmbeddedBackend(index_path), EmbeddedBackend(index_path)
    try:
        writer.rebuild(docs)
        assert reader.search(SearchQuery(q="")).total == 50
        writer.delete([docs[0].id])
        assert reader.search(SearchQuery(q="")).total == 49
        assert docs[0].id not in reader.indexed_fingerprints()
    finally:
        writer.close()
        reader.close()


def test_concurrent_readers_and_one_writer(index_path: Path) -> None:
    docs = list(make_corpus(400))
    backend = EmbeddedBackend(index_path)
    backend.rebuild(docs[:200])
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                results = backend.search(SearchQuery(q="党费", filters={"year": ["2024"]}))
                assert results.total >= 0
                backend.search(SearchQuery(q=""))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def write() -> None:
        try:
            for start in range(200, 400, 20):
                backend.index(docs[start : start + 20])
                backend.delete([d.id for d in docs[start - 200 : start - 180]])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(4)]
    writer = threading.Thread(target=write)
    for t in readers:
        t.start()
    writer.start()
    writer.join(120)
    stop.set()
    for t in readers:
        t.join(30)
    backend.close()
    assert not errors, errors
    check = EmbeddedBackend(index_path)
    assert set(check.indexed_fingerprints()) == {d.id for d in docs[200:]}
    check.close()


def test_second_writer_waits_instead_of_failing(index_path: Path) -> None:
    """A task indexing during a rebuild waits on the busy timeout, then lands
    after the rebuild (not inside the index being replaced)."""
    docs = list(make_corpus(60))
    rebuilding, other = EmbeddedBackend(index_path), EmbeddedBackend(index_path, busy_timeout_ms=20_000)
    rebuilding.rebuild(docs[:10])
    started = threading.Event()

    def slow_docs():  # type: ignore[no-untyped-def]
        for i, d in enumerate(docs[:50]):
            if i == 5:
                started.set()
                time.sleep(0.5)
            yield d

    t = threading.Thread(target=rebuilding.rebuild, args=(slow_docs(),))
    t.start()
    started.wait(10)
    other.index([docs[55]])  # blocks until the rebuild commits
    t.join(30)
    assert set(other.indexed_fingerprints()) == {d.id for d in docs[:50]} | {docs[55].id}
    rebuilding.close()
    other.close()


def test_other_schema_version_is_recreated_empty(index_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    backend = EmbeddedBackend(index_path)
    backend.rebuild(make_corpus(5))
    backend.close()
    con = apsw.Connection(str(index_path))
    con.execute("UPDATE meta SET value = 'old' WHERE key = 'schema_version'")
    con.close()
    with caplog.at_level(logging.WARNING, logger="search.backends.embedded"):
        reopened = EmbeddedBackend(index_path)
        assert reopened.indexed_fingerprints() == {}
    assert "run search_rebuild" in caplog.text
    con = apsw.Connection(str(index_path))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    con.close()
    reopened.close()


def test_file_needs_no_custom_tokenizer(index_path: Path) -> None:
    """Any SQLite >= 3.43 can query the file: the bigrams are in the text."""
    backend = EmbeddedBackend(index_path)
    backend.rebuild(make_corpus(30))
    backend.close()
    con = apsw.Connection(str(index_path))
    (count,) = con.execute("""SELECT count(*) FROM fts WHERE fts MATCH '"党费 费收 收缴"'""").fetchone()
    assert count > 0
    con.close()


def test_bench_runs_on_a_small_corpus(tmp_path: Path) -> None:
    from bench.search_core import main

    assert main(["200", "--keep", str(tmp_path / "bench.sqlite3")]) == 0


def test_within_a_tier_title_matches_come_first_then_the_rest_each_newest_first(index_path: Path) -> None:
    """No bm25 (it was two thirds of a query at 100,000 items): the order within a tier is title
    matches, then the others, each newest first, however often the words occur in a body."""
    from tests.search.test_search_backends import doc

    backend = EmbeddedBackend(index_path)
    try:
        backend.rebuild(
            [
                doc(1, "党费收缴情况", "正文"),
                doc(2, "其他事项", "党费收缴 党费收缴 党费收缴 党费收缴"),  # often in the body, oldest
                doc(3, "党费收缴公示", "正文"),
                doc(4, "会议纪要", "提到一次党费收缴"),
                doc(5, "收缴的党费", "words apart: the word tier"),
                doc(6, "无关", "与此无关"),
            ]
        )
        hits = [h.id for h in backend.search(SearchQuery(q="党费收缴")).hits]
        assert hits == [3, 1, 4, 2, 5]
        assert [h.id for h in backend.search(SearchQuery(q="党费收缴", per_page=2, page=2)).hits] == [4, 2]
    finally:
        backend.close()
