"""The default search backend: SQLite FTS5 in a file of its own, no server.

Choices, measured on 10,000 synthetic disclosure items (bench/search_core.py):

- Pre-bigrammed text (``search.analysis.index_text``) in FTS5 columns read by
  the built-in ``unicode61`` tokenizer: 2.8 s to build. A Python FTS5
  tokenizer registered through apsw did the same work in 5.6 s, and it must be
  registered on every connection (any other tool opening the file would fail
  on it). So the text is bigrammed in Python once and SQLite only splits on
  spaces.
- apsw rather than the stdlib ``sqlite3`` module: apsw bundles SQLite 3.54, the
  stdlib one here is 3.40, which lacks ``contentless_delete``. A contentless
  FTS5 table that still supports DELETE stores only the inverted index (19 MB
  against 60 MB when FTS5 keeps its own copy of the bigrammed text); the
  original text for highlighting lives once, in the ``docs`` table.
- The index is its own file, never Django's database: it works the same when
  Django uses PostgreSQL, and rebuilding it never locks the site's tables.

Concurrency: WAL mode, so readers never block the writer nor each other; one
writer at a time (``BEGIN IMMEDIATE`` plus a busy timeout, so a second writer
waits instead of failing at once). Connections are per thread and per process
(a connection must not cross a fork).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import apsw

from search.analysis import (
    Phrase,
    compile_highlighter,
    highlight_html,
    index_text,
    iter_highlight_chunks,
    parse_query,
)
from search.backends.base import Progress, SearchBackend, Synonyms
from search.documents import IndexDocument
from search.query import FACET_SIZE, FACETS, Hit, SearchQuery, SearchResults, sort_facet_counts

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path("var/search/index.sqlite3")
# Bump when the tables or the analysis change: an index written by another
# version is rebuilt empty rather than queried wrongly (search_check/search_rebuild
# then refill it).
SCHEMA_VERSION = "1"

# FTS columns in order, with their bm25 weights: a match in the title counts
# five times a match in the body.
FTS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("title", 5.0),
    ("body", 1.0),
    ("tables_text", 1.0),
    ("attachments_text", 0.5),
    ("meta", 2.0),  # unit path, catalogue names, period, document number
)
SNIPPET_FIELDS = ("body", "tables_text", "attachments_text")
SNIPPET_SIZE = 120
BATCH_SIZE = 500

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tables_text TEXT NOT NULL,
    attachments_text TEXT NOT NULL,
    region TEXT NOT NULL,
    region_path TEXT NOT NULL,  -- JSON list, for round-tripping
    unit TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    catalog_code TEXT NOT NULL,
    level1 TEXT NOT NULL,
    level2 TEXT NOT NULL,
    level3 TEXT NOT NULL,
    year INTEGER,
    period TEXT NOT NULL,
    time_limit TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    published_at TEXT NOT NULL,  -- ISO 8601 with the original offset
    published_ts REAL NOT NULL,  -- epoch seconds, for sorting
    url TEXT NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_published ON docs(published_ts DESC, id DESC);
-- One row per region on the item's path, so that filtering on 韶关市 also
-- finds items of 武江区 under it, and the facet counts agree with that.
CREATE TABLE IF NOT EXISTS doc_regions(
    region TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    PRIMARY KEY(region, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_regions_doc ON doc_regions(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {", ".join(name for name, _ in FTS_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 0',
    content = '',
    contentless_delete = 1
);
"""
_TABLES = ("docs", "doc_regions", "fts")

_DOC_COLUMNS = (
    "id, title, body, tables_text, attachments_text, region, region_path, unit, unit_path, "
    "catalog_code, level1, level2, level3, year, period, time_limit, doc_number, published_at, "
    "published_ts, url, fingerprint"
)
_BM25 = "bm25(fts, {})".format(", ".join(str(weight) for _, weight in FTS_COLUMNS))

# Facet name -> the SQL that filters on it ({ph} = placeholders) and the
# column it counts. "region" goes through doc_regions (see above); "unit" is
# the full unit path because unit names (区委办) repeat across regions.
_FILTER_SQL = {
    "region": "d.id IN (SELECT doc_id FROM doc_regions WHERE region IN ({ph}))",
    "unit": "d.unit_path IN ({ph})",
    "level1": "d.level1 IN ({ph})",
    "year": "d.year IN ({ph})",
    "time_limit": "d.time_limit IN ({ph})",
}
_FACET_COLUMN = {"unit": "d.unit_path", "level1": "d.level1", "year": "d.year", "time_limit": "d.time_limit"}


def meta_text(doc: IndexDocument) -> str:
    """Descriptive fields searched with the text (unit, catalogue, 文号)."""
    return " ".join(
        part
        for part in (doc.unit_path, doc.level1, doc.level2, doc.level3, doc.period, doc.doc_number, doc.time_limit)
        if part
    )


def fts_match_expression(alternatives: list[list[Phrase]]) -> str:
    """FTS5 MATCH text: OR of alternatives, each an AND of quoted phrases.

    Tokens only ever contain letters, digits and CJK (analysis strips the
    rest), and each phrase is double-quoted with inner quotes doubled anyway,
    so user text can never become FTS5 syntax (AND/OR/NOT, *, :, ^, NEAR).
    """

    def phrase(p: Phrase) -> str:
        quoted = '"' + " ".join(p.tokens).replace('"', '""') + '"'
        return quoted + " *" if p.prefix else quoted

    return " OR ".join("(" + " AND ".join(phrase(p) for p in phrases) + ")" for phrases in alternatives)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_PATH, *, busy_timeout_ms: int = 30_000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._all_connections: list[apsw.Connection] = []

    # --- connections -----------------------------------------------------------

    def _connect(self) -> apsw.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = apsw.Connection(str(self.path))
        # Wait for the writer rather than failing with "database is locked".
        con.set_busy_timeout(self.busy_timeout_ms)
        con.pragma("journal_mode", "wal")
        # NORMAL is durable across application crashes in WAL mode; losing the
        # last commits on power loss is fine for an index we can rebuild.
        con.pragma("synchronous", "normal")
        con.pragma("temp_store", "memory")
        # The matching set of one search, reused by the hit, total and facet
        # queries within the same read transaction.
        con.execute("CREATE TEMP TABLE IF NOT EXISTS matched(id INTEGER PRIMARY KEY, score REAL NOT NULL)")
        return con

    @property
    def _con(self) -> apsw.Connection:
        con = getattr(self._local, "con", None)
        if con is None or self._local.pid != os.getpid():
            con = self._connect()
            self._local.con = con
            self._local.pid = os.getpid()
            self._all_connections.append(con)
        if not self._schema_ready:
            self._ensure_schema(con)
        return con

    def _ensure_schema(self, con: apsw.Connection) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return
            with self._write(con):
                found = None
                if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                    found = row[0] if row else None
                if found not in (None, SCHEMA_VERSION):
                    logger.warning(
                        "search index %s has schema %s, expected %s: recreating it empty; run search_rebuild",
                        self.path,
                        found,
                        SCHEMA_VERSION,
                    )
                    self._drop_tables(con)
                self._create_tables(con)
            self._schema_ready = True

    @staticmethod
    def _drop_tables(con: apsw.Connection) -> None:
        for table in _TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")

    @staticmethod
    def _create_tables(con: apsw.Connection) -> None:
        con.execute(_SCHEMA)
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    @contextmanager
    def _write(self, con: apsw.Connection | None = None) -> Iterator[apsw.Connection]:
        """One write transaction. IMMEDIATE takes the write lock up front, so
        two writers queue on the busy timeout instead of one failing with
        SQLITE_BUSY when it upgrades a read lock."""
        con = con or self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[apsw.Connection]:
        """One read transaction: every query of a search sees one snapshot."""
        con = self._con
        con.execute("BEGIN")
        try:
            yield con
        finally:
            con.execute("COMMIT")

    def close(self) -> None:
        for con in self._all_connections:
            try:
                con.close()
            except apsw.Error:  # a connection of another thread still busy
                logger.debug("could not close a search index connection", exc_info=True)
        self._all_connections.clear()
        self._local = threading.local()

    # --- writing ---------------------------------------------------------------

    @staticmethod
    def _insert(con: apsw.Connection, doc: IndexDocument) -> None:
        con.execute(
            f"INSERT INTO docs({_DOC_COLUMNS}) VALUES ({', '.join('?' * 21)})",
            (
                doc.id,
                doc.title,
                doc.body,
                doc.tables_text,
                doc.attachments_text,
                doc.region,
                json.dumps(doc.region_path, ensure_ascii=False),
                doc.unit,
                doc.unit_path,
                doc.catalog_code,
                doc.level1,
                doc.level2,
                doc.level3,
                doc.year,
                doc.period,
                doc.time_limit,
                doc.doc_number,
                doc.published_at.isoformat(),
                doc.published_at.timestamp(),
                doc.url,
                doc.fingerprint(),
            ),
        )
        con.executemany(
            "INSERT OR IGNORE INTO doc_regions(region, doc_id) VALUES (?, ?)",
            [(region, doc.id) for region in doc.region_path or ([doc.region] if doc.region else [])],
        )
        con.execute(
            f"INSERT INTO fts(rowid, {', '.join(name for name, _ in FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                index_text(doc.title),
                index_text(doc.body),
                index_text(doc.tables_text),
                index_text(doc.attachments_text),
                index_text(meta_text(doc)),
            ),
        )

    @staticmethod
    def _remove(con: apsw.Connection, doc_id: int) -> None:
        con.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        con.execute("DELETE FROM doc_regions WHERE doc_id = ?", (doc_id,))
        con.execute("DELETE FROM fts WHERE rowid = ?", (doc_id,))

    def index(self, docs: Iterable[IndexDocument]) -> int:
        count = 0
        for batch in _batches(docs, BATCH_SIZE):
            with self._write() as con:
                for doc in batch:
                    self._remove(con, doc.id)
                    self._insert(con, doc)
            count += len(batch)
        return count

    def delete(self, ids: Iterable[int]) -> None:
        with self._write() as con:
            for doc_id in ids:
                self._remove(con, int(doc_id))

    def rebuild(self, docs: Iterable[IndexDocument], progress: Progress | None = None) -> int:
        """Recreate the tables and fill them in ONE write transaction.

        Readers keep their WAL snapshot of the old index until the commit, so
        searches are answered throughout and never see a half-built index.
        Index updates that arrive meanwhile wait on the busy timeout (and the
        background task retries), so they land after the rebuild, not inside
        an index that is about to be replaced.
        """
        count = 0
        with self._write() as con:
            self._drop_tables(con)
            self._create_tables(con)
            for batch in _batches(docs, BATCH_SIZE):
                for doc in batch:
                    self._insert(con, doc)
                count += len(batch)
                if progress:
                    progress(count)
            # Merge the FTS b-trees into one: fewer segments to read per query.
            con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        self._checkpoint()
        return count

    def clear(self) -> None:
        with self._write() as con:
            self._drop_tables(con)
            self._create_tables(con)
        self._checkpoint()

    def _checkpoint(self) -> None:
        # A rebuild leaves a WAL as large as the index; fold it back so the
        # file does not stay doubled. Best effort: busy readers may prevent it.
        try:
            self._con.pragma("wal_checkpoint", "TRUNCATE")
        except apsw.BusyError:
            logger.debug("search index checkpoint postponed: readers active")

    # --- reading ---------------------------------------------------------------

    def ping(self) -> bool:
        try:
            self._con.execute("SELECT count(*) FROM docs").fetchone()
        except apsw.Error:
            logger.exception("embedded search index %s unusable", self.path)
            return False
        return True

    def indexed_fingerprints(self) -> dict[int, str]:
        with self._read() as con:
            return {int(i): str(f) for i, f in con.execute("SELECT id, fingerprint FROM docs")}

    def count(self) -> int:
        with self._read() as con:
            return int(con.execute("SELECT count(*) FROM docs").fetchone()[0])

    def search(self, query: SearchQuery, synonyms: Synonyms = ()) -> SearchResults:
        alternatives = parse_query(query.q, synonyms) if not query.is_blank else []
        if not query.is_blank and not alternatives:
            # Text with nothing searchable in it (only emoji or punctuation):
            # no results, rather than everything.
            return SearchResults.empty(query)

        with self._read() as con:
            if alternatives:
                con.execute("DELETE FROM temp.matched")
                con.execute(
                    f"INSERT INTO temp.matched(id, score) SELECT rowid, {_BM25} FROM fts WHERE fts MATCH ?",
                    (fts_match_expression(alternatives),),
                )
                source = "temp.matched m JOIN docs d ON d.id = m.id"
            else:
                source = "docs d"

            where, params = self._where(query.filters)
            total = int(con.execute(f"SELECT count(*) FROM {source}{where}", params).fetchone()[0])

            order = (
                "d.published_ts DESC, d.id DESC"
                if query.effective_sort == "date"
                else "m.score, d.published_ts DESC, d.id DESC"  # bm25: lower is better
            )
            rows = con.execute(
                f"SELECT d.id, d.title, d.url, d.unit, d.unit_path, d.catalog_code, d.published_at, "
                f"d.body, d.tables_text, d.attachments_text FROM {source}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                (*params, query.per_page, query.offset),
            ).fetchall()

            facets = {name: self._facet(con, source, name, query.filters) for name in FACETS}

        pattern = compile_highlighter(iter_highlight_chunks(alternatives))
        hits = [self._hit(row, pattern) for row in rows]
        return SearchResults.build(query, total, hits, facets)

    @staticmethod
    def _where(filters: dict[str, list[str]], skip: str | None = None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for name, values in filters.items():
            if name == skip or name not in _FILTER_SQL:
                continue
            clauses.append(_FILTER_SQL[name].format(ph=", ".join("?" * len(values))))
            params += [int(v) for v in values] if name == "year" else values
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _facet(self, con: apsw.Connection, source: str, name: str, filters: dict[str, list[str]]) -> list[tuple[str, int]]:
        """Counts over the whole matching set with every OTHER facet's filter
        applied: selecting 武江区 still lists 浈江区 with its count, so values
        within a facet can be OR-ed."""
        where, params = self._where(filters, skip=name)
        if name == "region":
            sql = (
                f"SELECT r.region, count(*) AS n FROM {source} JOIN doc_regions r ON r.doc_id = d.id{where} "
                f"GROUP BY r.region ORDER BY n DESC, r.region LIMIT ?"
            )
        else:
            column = _FACET_COLUMN[name]
            not_empty = f"{column} IS NOT NULL AND {column} != ''"
            where = f"{where} AND {not_empty}" if where else f" WHERE {not_empty}"
            sql = f"SELECT {column}, count(*) AS n FROM {source}{where} GROUP BY {column} ORDER BY n DESC, {column} LIMIT ?"
        return sort_facet_counts(con.execute(sql, (*params, FACET_SIZE)).fetchall())

    @staticmethod
    def _hit(row: tuple[Any, ...], pattern: Any) -> Hit:
        doc_id, title, url, unit, unit_path, catalog_code, published_at, *texts = row
        snippet = None
        for text in texts:
            if text:
                snippet = highlight_html(text, pattern, SNIPPET_SIZE, require_match=True)
                if snippet is not None:
                    break
        if snippet is None:  # matched in the title or metadata only: show the start of the body
            snippet = highlight_html(next((t for t in texts if t), ""), pattern, SNIPPET_SIZE) or ""
        return Hit(
            id=int(doc_id),
            title=title,
            url=url,
            unit=unit,
            unit_path=unit_path,
            catalog_code=catalog_code,
            published_at=datetime.fromisoformat(published_at),
            snippet_html=snippet,
        )


def _batches(items: Iterable[IndexDocument], size: int) -> Iterator[list[IndexDocument]]:
    batch: list[IndexDocument] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
