"""The default search backend: SQLite FTS5 in a file of its own, no server.

Choices, measured on synthetic disclosure items (bench/search_core.py):

- Pre-bigrammed text (``search.analysis.index_text``) in FTS5 columns read by
  the built-in ``unicode61`` tokenizer: 2.8 s to fill the FTS table with
  10,000 items, bigramming included. A Python FTS5 tokenizer registered
  through apsw did the same in 5.6 s, and it must be registered on every
  connection (any other tool opening the file would fail on it). So the text
  is bigrammed in Python once and SQLite only splits on spaces.
- apsw rather than the stdlib ``sqlite3`` module: apsw bundles SQLite 3.54, the
  stdlib one here is 3.40, which lacks ``contentless_delete``. A contentless
  FTS5 table that still supports DELETE stores only the inverted index (19 MB
  against 60 MB when FTS5 keeps its own copy of the bigrammed text); the
  original text for highlighting lives once, in ``doc_texts``.
- Facet values are dictionary-encoded (``terms``) into integers in the narrow
  ``doc_keys`` table; titles and bodies live in ``docs`` and ``doc_texts``.
- A search never reads a row per matching item into Python. Each tier's
  matching ids come out of FTS5 as one string into a roaring bitmap
  (pyroaring); the ids of each facet value and of what each kind of reader
  may see are bitmaps too, made once per index generation (a token in
  ``meta`` that every write replaces, so every process notices). Filters and
  facet counts are intersections. Reading (id, bm25, date, keys) of every
  match and counting with Counter cost about 3 µs per matching item.
- No bm25. Within a tier (exact code / 文号, phrase, words) items whose
  title matches come first, then the rest, each newest first. The title
  matches come from a second FTS5 table of titles alone, whose lists are
  short. bm25 over the tier that filled the page was two thirds of a
  query at 100,000 items (FTS5 reads each phrase again, and each row's
  size), worst with a facet filter: at 100,000 items the 50 bench
  queries' p95 went from 30.7 to 16.3 ms (bench/search.py).
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
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import apsw
from pyroaring import BitMap

from search.analysis import (
    Phrase,
    QueryPlan,
    compile_highlighter,
    highlight_html,
    index_text,
    iter_highlight_chunks,
    plan_query,
)
from search.backends.base import Progress, SearchBackend, Synonyms
from search.documents import IndexDocument
from search.query import (
    FACETS,
    PUBLIC,
    PUBLIC_SCOPE,
    Hit,
    SearchQuery,
    SearchResults,
    Suggestions,
    TitleSuggestion,
    Visibility,
    sort_facet_counts,
    suggestion_matches,
)

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path("var/search/index.sqlite3")
# Bump when the tables or the analysis change: an index written by another
# version is recreated empty rather than queried wrongly (search_check then
# reports everything missing and search_rebuild refills it).
SCHEMA_VERSION = "7"  # 6: every published item with its scope and tree path; 7: fts_title

# FTS columns in order. Titles are also in fts_title, alone: a match there
# ranks first within its tier.
FTS_COLUMNS: tuple[str, ...] = (
    "title",
    "body",
    "tables_text",
    "attachments_text",
    "meta",  # IndexDocument.meta_text(): unit path, catalogue names, 文号
)
SNIPPET_FIELDS = ("body", "tables_text", "attachments_text")
SNIPPET_SIZE = 120
BATCH_SIZE = 500
CACHE_KIB = 16_000  # page cache per connection (SQLite's default is 2 MB)
REBUILD_CACHE_KIB = 1024 * 1024  # while a rebuild writes the whole index in one transaction

# Facet name -> its integer column in doc_keys. "region" is the key of the whole
# region path (["韶关市", "武江区"]): filtering on 韶关市 selects every path
# containing it, and counts are summed up the path, so 韶关市 counts the
# items of 武江区 too. "unit" is the unit path, as unit names (区委办) repeat.
_KEY_COLUMNS = {
    "region": "region_key",
    "unit": "unit_key",
    "level1": "level1_key",
    "year": "year",  # an integer already
    "time_limit": "time_limit_key",
}
_KEY_LIST = ", ".join(_KEY_COLUMNS[name] for name in FACETS)
_KEY_LIST_K = ", ".join(f"k.{_KEY_COLUMNS[name]}" for name in FACETS)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Dictionary of facet values; the value of a "region" term is the JSON path.
CREATE TABLE IF NOT EXISTS terms(
    id INTEGER PRIMARY KEY,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE(facet, value)
);
-- What a hit shows. Facet keys and bodies live in their own tables, so that
-- going through a large matching set reads only narrow rows.
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    catalog_code TEXT NOT NULL,
    published_at TEXT NOT NULL,  -- ISO 8601 with the original offset
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL  -- the remaining IndexDocument fields as JSON, for inspection
);
CREATE TABLE IF NOT EXISTS doc_keys(
    id INTEGER PRIMARY KEY,
    published_ts REAL NOT NULL,  -- epoch seconds, for sorting
    region_key INTEGER,
    unit_key INTEGER,
    level1_key INTEGER,
    year INTEGER,
    time_limit_key INTEGER,
    scope TEXT NOT NULL,  -- 公开范围: only 'public' rows are seen by everyone (search.query.Visibility)
    tree_path TEXT NOT NULL,  -- the item's page path: members and supervisors see subtrees
    level2_key INTEGER,  -- catalogue names offered as suggestions, of the items one may see
    level3_key INTEGER
);
CREATE INDEX IF NOT EXISTS doc_keys_published ON doc_keys(published_ts DESC, id DESC);
-- For listing without text (browse by facet): counts read these indexes.
CREATE INDEX IF NOT EXISTS doc_keys_region ON doc_keys(region_key);
CREATE INDEX IF NOT EXISTS doc_keys_unit ON doc_keys(unit_key);
CREATE INDEX IF NOT EXISTS doc_keys_level1 ON doc_keys(level1_key);
CREATE INDEX IF NOT EXISTS doc_keys_year ON doc_keys(year);
CREATE INDEX IF NOT EXISTS doc_keys_time_limit ON doc_keys(time_limit_key);
CREATE INDEX IF NOT EXISTS doc_keys_level2 ON doc_keys(level2_key);
CREATE INDEX IF NOT EXISTS doc_keys_level3 ON doc_keys(level3_key);
CREATE TABLE IF NOT EXISTS doc_texts(
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    tables_text TEXT NOT NULL,
    attachments_text TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {", ".join(FTS_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 0',
    content = '',
    contentless_delete = 1
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_title USING fts5(
    title,
    tokenize = 'unicode61 remove_diacritics 0',
    content = '',
    contentless_delete = 1
);
"""
_TABLES = ("terms", "docs", "doc_keys", "doc_texts", "fts", "fts_title")
# Stored for inspection only (sqlite3 CLI); searches read the columns above.
_EXTRA_FIELDS = ("region", "region_path", "level1", "level2", "level3", "year", "period", "time_limit", "doc_number")


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


def tier_parts(plan: QueryPlan) -> list[str]:
    """One MATCH expression per ranking tier (exact code / 文号, phrases,
    words), best first. An item belongs to the first tier it matches."""
    parts = []
    if plan.exact:
        parts.append(" OR ".join(f'"{token}"' for token in plan.exact))  # letters and digits only
    parts.append(fts_match_expression(plan.phrases))
    if plan.words:
        parts.append(fts_match_expression(plan.words))
    return parts


def tier_expressions(plan: QueryPlan) -> list[str]:
    """The tiers as MATCH expressions each excluding what an earlier tier
    matched (for reading the index with other tools; searches take the
    difference of the tiers' bitmaps instead)."""
    parts = tier_parts(plan)
    tiers = []
    for i, part in enumerate(parts):
        earlier = " OR ".join(f"({p})" for p in parts[:i])
        tiers.append(f"({part}) NOT ({earlier})" if earlier else part)
    return tiers




# Suggested facet values -> their doc_keys column.
_SUGGESTED = {"unit": "unit_key", "level1": "level1_key", "level2": "level2_key", "level3": "level3_key"}


def visibility_sql(visibility: Visibility, alias: str = "k") -> str:
    """The condition on doc_keys (as ``alias``) for what ``visibility`` lets the
    reader see; "" for everything. Scopes and tree paths are checked by
    ``Visibility`` (lowercase names, alphanumeric paths, never user text),
    so they are inlined: one statement serves the count and the page."""
    if visibility.everything:
        return ""
    clauses = [f"{alias}.scope = '{PUBLIC_SCOPE}'"]
    for scopes, path in visibility.grants:
        names = ", ".join(f"'{scope}'" for scope in sorted(scopes))
        clauses.append(f"({alias}.scope IN ({names}) AND substr({alias}.tree_path, 1, {len(path)}) = '{path}')")
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_PATH, *, busy_timeout_ms: int = 30_000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._connections: list[apsw.Connection] = []
        self._connections_lock = threading.Lock()
        self._snap: _Snapshot | None = None

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
        con.pragma("cache_size", -CACHE_KIB)
        return con

    @property
    def _con(self) -> apsw.Connection:
        con = getattr(self._local, "con", None)
        if con is None or self._local.pid != os.getpid():
            con = self._connect()
            self._local.con = con
            self._local.pid = os.getpid()
            with self._connections_lock:
                self._connections.append(con)
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
                        "search index %s has schema %s, expected %s: recreated empty; run search_rebuild",
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
        # A new generation: every process drops the bitmaps of the old one.
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)", (os.urandom(8).hex(),))
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
        with self._connections_lock:
            for con in self._connections:
                try:
                    con.close()
                except apsw.Error:  # still busy in another thread
                    logger.debug("could not close a search index connection", exc_info=True)
            self._connections.clear()
        self._local = threading.local()

    # --- writing ---------------------------------------------------------------

    @staticmethod
    def _term(con: apsw.Connection, facet: str, value: str, cache: dict[tuple[str, str], int]) -> int | None:
        """The key of a facet value, added to the dictionary when new. The
        cache lives for one write transaction, where keys cannot change."""
        if not value:
            return None
        key = cache.get((facet, value))
        if key is None:
            con.execute("INSERT OR IGNORE INTO terms(facet, value) VALUES (?, ?)", (facet, value))
            row = con.execute("SELECT id FROM terms WHERE facet = ? AND value = ?", (facet, value)).fetchone()
            key = cache[(facet, value)] = int(row[0])
        return key

    def _insert(self, con: apsw.Connection, doc: IndexDocument, cache: dict[tuple[str, str], int]) -> None:
        path = doc.region_path or ([doc.region] if doc.region else [])
        con.execute(
            "INSERT INTO docs(id, title, url, unit, unit_path, catalog_code, published_at, fingerprint, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.title,
                doc.url,
                doc.unit,
                doc.unit_path,
                doc.catalog_code,
                doc.published_at.isoformat(),
                doc.fingerprint(),
                json.dumps({name: getattr(doc, name) for name in _EXTRA_FIELDS}, ensure_ascii=False),
            ),
        )
        con.execute(
            f"INSERT INTO doc_keys(id, published_ts, {_KEY_LIST}, scope, tree_path, level2_key, level3_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.published_at.timestamp(),
                self._term(con, "region", json.dumps(path, ensure_ascii=False), cache) if path else None,
                self._term(con, "unit", doc.unit_path, cache),
                self._term(con, "level1", doc.level1, cache),
                doc.year,
                self._term(con, "time_limit", doc.time_limit, cache),
                doc.scope,
                doc.tree_path,
                self._term(con, "level2", doc.level2, cache),
                self._term(con, "level3", doc.level3, cache),
            ),
        )
        con.execute(
            "INSERT INTO doc_texts(id, body, tables_text, attachments_text) VALUES (?, ?, ?, ?)",
            (doc.id, doc.body, doc.tables_text, doc.attachments_text),
        )
        title = index_text(doc.title)
        con.execute("INSERT INTO fts_title(rowid, title) VALUES (?, ?)", (doc.id, title))
        con.execute(
            f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                title,
                index_text(doc.body),
                index_text(doc.tables_text),
                index_text(doc.attachments_text),
                " ".join([index_text(doc.meta_text()), *doc.exact_tokens()]),
            ),
        )

    @staticmethod
    def _remove(con: apsw.Connection, doc_id: int) -> None:
        # Orphaned terms are harmless (a facet shows only values with hits)
        # and go away at the next rebuild.
        con.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        con.execute("DELETE FROM doc_keys WHERE id = ?", (doc_id,))
        con.execute("DELETE FROM doc_texts WHERE id = ?", (doc_id,))
        con.execute("DELETE FROM fts WHERE rowid = ?", (doc_id,))
        con.execute("DELETE FROM fts_title WHERE rowid = ?", (doc_id,))

    def index(self, docs: Iterable[IndexDocument]) -> int:
        count = 0
        for batch in _batches(docs, BATCH_SIZE):
            cache: dict[tuple[str, str], int] = {}
            with self._write() as con:
                for doc in batch:
                    self._remove(con, doc.id)
                    self._insert(con, doc, cache)
            count += len(batch)
        return count

    def delete(self, ids: Iterable[int], *, wait: float | None = None) -> None:
        con = self._con
        if wait is not None:
            con.set_busy_timeout(max(int(wait * 1000), 0))
        try:
            with self._write(con):
                for doc_id in ids:
                    self._remove(con, int(doc_id))
        finally:
            if wait is not None:
                con.set_busy_timeout(self.busy_timeout_ms)

    def rebuild(self, docs: Iterable[IndexDocument], progress: Progress | None = None) -> int:
        """Recreate the tables and fill them in ONE write transaction.

        Readers keep their WAL snapshot of the old index until the commit, so
        searches are answered throughout and never see a half-built index.
        Index updates that arrive meanwhile wait on the busy timeout (and the
        background task retries), so they land after the rebuild instead of
        in an index about to be replaced.
        """
        cache: dict[tuple[str, str], int] = {}
        con = self._con
        # The whole index is written in one transaction: with the usual cache,
        # changed pages are spilled to the WAL and read back as the b-trees
        # outgrow it. Pages are allocated only when used.
        con.pragma("cache_size", -REBUILD_CACHE_KIB)
        try:
            count = self._rebuild(con, docs, progress, cache)
        finally:
            con.pragma("cache_size", -CACHE_KIB)
        self._checkpoint()
        return count

    def _rebuild(
        self,
        con: apsw.Connection,
        docs: Iterable[IndexDocument],
        progress: Progress | None,
        cache: dict[tuple[str, str], int],
    ) -> int:
        count = 0
        with self._write(con):
            self._drop_tables(con)
            self._create_tables(con)
            for batch in _batches(docs, BATCH_SIZE):
                for doc in batch:
                    self._insert(con, doc, cache)
                count += len(batch)
                if progress:
                    progress(count)
            # Merge the FTS b-trees into one: fewer segments to read per query.
            con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            con.execute("INSERT INTO fts_title(fts_title) VALUES ('optimize')")
        return count

    def clear(self) -> None:
        with self._write() as con:
            self._drop_tables(con)
            self._create_tables(con)
        self._checkpoint()

    def _checkpoint(self) -> None:
        # A rebuild leaves a WAL as large as the index; fold it back so the
        # disk use does not stay doubled. Best effort: readers may prevent it.
        try:
            self._con.pragma("wal_checkpoint", "TRUNCATE")
        except apsw.BusyError:
            logger.debug("search index checkpoint postponed: readers active")

    # --- reading ---------------------------------------------------------------

    def ping(self) -> bool:
        try:
            self._con.execute("SELECT count(*) FROM docs").fetchone()
        except (apsw.Error, OSError):  # OSError: the index directory cannot be created
            logger.exception("embedded search index %s unusable", self.path)
            return False
        return True

    def indexed_fingerprints(self) -> dict[int, str]:
        with self._read() as con:
            return {int(i): str(f) for i, f in con.execute("SELECT id, fingerprint FROM docs")}

    def count(self) -> int:
        with self._read() as con:
            return int(con.execute("SELECT count(*) FROM docs").fetchone()[0])

    def search(
        self,
        query: SearchQuery,
        synonyms: Synonyms = (),
        exclude: Collection[int] = (),
        visibility: Visibility = PUBLIC,
    ) -> SearchResults:
        plan = plan_query(query.q, synonyms) if not query.is_blank else QueryPlan()
        alternatives = plan.alternatives
        if not query.is_blank and not plan:
            # Text with nothing searchable in it (only emoji or punctuation):
            # no results, rather than everything.
            return SearchResults.empty(query)

        with self._read() as con:
            allowed = self._allowed_keys(con, query.filters)
            excluded = frozenset(map(int, exclude))
            if plan:
                total, counts, ids = self._search_text(con, query, plan, allowed, excluded, visibility)
            else:
                total, counts, ids = self._list_all(con, query, allowed, excluded, visibility)
            facets = self._facet_values(con, counts)
            rows = self._rows(con, ids)

        pattern = compile_highlighter(iter_highlight_chunks(alternatives))
        hits = [self._hit(rows[doc_id], pattern) for doc_id in ids if doc_id in rows]
        return SearchResults.build(query, total, hits, facets)

    def suggest(
        self, text: str, *, limit: int = 8, exclude: Collection[int] = (), visibility: Visibility = PUBLIC
    ) -> Suggestions:
        """Titles through FTS5 on the table of titles, newest first (by
        rowid: no bm25, so the cost does not grow with the matches);
        catalogue names and units from the dictionary of facet values, those
        of an item the reader may see."""
        plan = plan_query(text)
        if not plan.phrases:
            return Suggestions()
        excluded = frozenset(map(int, exclude))
        expression = fts_match_expression(plan.phrases[:1])
        seen = visibility_sql(visibility)
        with self._read() as con:
            ids = [
                int(row[0])
                for row in con.execute(
                    "SELECT f.rowid FROM fts_title f JOIN doc_keys k ON k.id = f.rowid"
                    f" WHERE fts_title MATCH ?{' AND ' + seen if seen else ''} ORDER BY f.rowid DESC LIMIT ?",
                    (expression, limit + len(excluded)),
                )
                if int(row[0]) not in excluded
            ][:limit]
            titles = {}
            if ids:
                placeholders = ", ".join("?" * len(ids))
                titles = {
                    int(i): (t, u)
                    for i, t, u in con.execute(f"SELECT id, title, url FROM docs WHERE id IN ({placeholders})", ids)
                }
            # The dictionary's values containing the text first (a few), then
            # only those an indexed item the reader may see still has (the
            # dictionary keeps values of removed items until a rebuild).
            terms: dict[str, dict[str, int]] = {name: {} for name in _SUGGESTED}
            for key, facet, value in con.execute(
                f"SELECT id, facet, value FROM terms WHERE facet IN ({', '.join(repr(f) for f in _SUGGESTED)})"
                " ORDER BY id"
            ):
                terms[facet].setdefault(value, int(key))
            values: dict[str, list[str]] = {}
            for facet, column in _SUGGESTED.items():
                candidates = suggestion_matches(text, terms[facet], len(terms[facet]))
                values[facet] = [
                    value
                    for value in candidates
                    if con.execute(
                        f"SELECT 1 FROM doc_keys k WHERE k.{column} = ?{' AND ' + seen if seen else ''} LIMIT 1",
                        (terms[facet][value],),
                    ).fetchone()
                ][:limit]
        return Suggestions(
            titles=[TitleSuggestion(i, *titles[i]) for i in ids if i in titles],
            catalogues=suggestion_matches(text, [*values["level1"], *values["level3"], *values["level2"]], limit),
            units=values["unit"],
        )

    def _search_text(
        self,
        con: apsw.Connection,
        query: SearchQuery,
        plan: QueryPlan,
        allowed: dict[str, set[int]],
        excluded: frozenset[int] = frozenset(),
        visibility: Visibility = PUBLIC,
    ) -> tuple[int, dict[str, Counter[int]], list[int]]:
        """Match and rank with bitmaps.

        Each tier's matching ids come out of FTS5 as one string (no row per
        item) into a roaring bitmap; visibility, facet filters and facet
        counts are intersections with the bitmaps of the index snapshot (one
        per facet value, per visibility), so nothing counts per matching item
        in Python. The page: tier by tier, the hits whose title matches, then
        the others, each newest first.
        """
        snap = self._snapshot(con)
        parts = tier_parts(plan)
        tiers: list[BitMap] = []
        matched = BitMap()
        for part in parts:
            ids = snap.match(con, part)
            tiers.append(ids - matched)
            matched |= ids
        candidates = matched & snap.visible(con, visibility)
        if excluded:
            candidates -= BitMap(excluded)
        filters = {
            name: BitMap.union(*(snap.facets[name].get(key, _EMPTY) for key in keys)) if keys else BitMap()
            for name, keys in allowed.items()
        }

        def passing(skip: str | None = None) -> BitMap:
            out = candidates
            for name, ids in filters.items():
                if name != skip:
                    out = out & ids
            return out

        hits = passing()
        counts: dict[str, Counter[int]] = {}
        for name in FACETS:
            # Each facet counts the items passing every OTHER facet's filter
            # (see _count_sql).
            base = passing(skip=name) if name in filters else hits
            counts[name] = Counter(
                {key: n for key, ids in snap.facets[name].items() if (n := base.intersection_cardinality(ids))}
            )

        wanted = query.offset + query.per_page
        if query.effective_sort == "relevance":
            page: list[int] = []
            for part, tier in zip(parts, tiers, strict=True):
                if len(page) >= wanted:
                    break
                tier_hits = tier & hits
                if not tier_hits:
                    continue
                in_title = tier_hits & snap.match(con, part, table="fts_title")
                page += snap.newest(in_title, wanted - len(page))
                page += snap.newest(tier_hits - in_title, wanted - len(page))
        else:
            page = snap.newest(hits, wanted)
        return len(hits), counts, page[query.offset : wanted]

    def _snapshot(self, con: apsw.Connection) -> _Snapshot:
        """The bitmaps of the index as this read transaction sees it, made
        once per write (any process's: the generation token in meta)."""
        row = con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        generation = row[0] if row else ""
        snap = self._snap
        if snap is None or snap.generation != generation:
            snap = self._snap = _Snapshot(con, generation)
        return snap

    def _list_all(
        self,
        con: apsw.Connection,
        query: SearchQuery,
        allowed: dict[str, set[int]],
        excluded: frozenset[int] = frozenset(),
        visibility: Visibility = PUBLIC,
    ) -> tuple[int, dict[str, Counter[int]], list[int]]:
        """No text: everything (filtered), newest first. SQL here, since the
        indexes on doc_keys give counts and pages without reading every row."""
        seen = visibility_sql(visibility, "m")
        where = _where(allowed, excluded, seen)
        total = int(con.execute(f"SELECT count(*) FROM doc_keys m{where}").fetchone()[0])
        ids = [
            int(row[0])
            for row in con.execute(
                f"SELECT m.id FROM doc_keys m{where} ORDER BY m.published_ts DESC, m.id DESC LIMIT ? OFFSET ?",
                (query.per_page, query.offset),
            )
        ]
        return total, self._count_sql(con, allowed, excluded, seen=seen), ids

    @staticmethod
    def _count_sql(
        con: apsw.Connection, allowed: dict[str, set[int]], excluded: frozenset[int] = frozenset(), *, seen: str
    ) -> dict[str, Counter[int]]:
        """Counts per facet, each with every OTHER facet's filter applied:
        selecting 武江区 still lists 浈江区 with its count, so values within a
        facet can be OR-ed, and facets AND-ed. One statement, UNION ALL of
        five GROUP BYs."""
        parts = []
        for i, name in enumerate(FACETS):
            column = f"m.{_KEY_COLUMNS[name]}"
            where = _where({k: v for k, v in allowed.items() if k != name}, excluded, seen)
            where = f"{where} AND {column} IS NOT NULL" if where else f" WHERE {column} IS NOT NULL"
            parts.append(f"SELECT {i}, {column}, count(*) FROM doc_keys m{where} GROUP BY {column}")
        counts: dict[str, Counter[int]] = {name: Counter() for name in FACETS}
        for i, key, n in con.execute(" UNION ALL ".join(parts)):
            counts[FACETS[i]][int(key)] = int(n)
        return counts

    @staticmethod
    def _allowed_keys(con: apsw.Connection, filters: dict[str, list[str]]) -> dict[str, set[int]]:
        """Facet filters as sets of allowed keys (an empty set matches nothing)."""
        allowed: dict[str, set[int]] = {}
        for name, values in filters.items():
            if name == "year":
                allowed[name] = {int(v) for v in values}
            elif name == "region":
                wanted = set(values)
                allowed[name] = {
                    int(key)
                    for key, path in con.execute("SELECT id, value FROM terms WHERE facet = 'region'")
                    if wanted.intersection(json.loads(path))
                }
            elif name in _KEY_COLUMNS:
                placeholders = ", ".join("?" * len(values))
                allowed[name] = {
                    int(key)
                    for (key,) in con.execute(
                        f"SELECT id FROM terms WHERE facet = ? AND value IN ({placeholders})", (name, *values)
                    )
                }
        return allowed

    @staticmethod
    def _facet_values(con: apsw.Connection, counts: dict[str, Counter[int]]) -> dict[str, list[tuple[str, int]]]:
        """Facet keys back to values. Years are their own values; a region
        path adds its count to every region on it."""
        facets = {"year": sort_facet_counts((str(k), n) for k, n in counts.get("year", {}).items())}
        needed = [key for name in FACETS if name != "year" for key in counts.get(name, {})]
        values: dict[int, str] = {}
        for start in range(0, len(needed), 500):  # stay under SQLite's variable limit
            part = needed[start : start + 500]
            values.update(con.execute(f"SELECT id, value FROM terms WHERE id IN ({', '.join('?' * len(part))})", part))
        for name in FACETS:
            if name == "year":
                continue
            if name == "region":
                by_region: Counter[str] = Counter()
                for key, n in counts.get(name, {}).items():
                    for region in dict.fromkeys(json.loads(values[key])):
                        by_region[region] += n
                facets[name] = sort_facet_counts(by_region.items())
            else:
                facets[name] = sort_facet_counts((values[key], n) for key, n in counts.get(name, {}).items())
        return facets

    @staticmethod
    def _rows(con: apsw.Connection, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        """What a hit shows, for one page of ids."""
        if not ids:
            return {}
        placeholders = ", ".join("?" * len(ids))
        rows = con.execute(
            f"SELECT d.id, d.title, d.url, d.unit, d.unit_path, d.catalog_code, d.published_at, k.scope,"
            f" {', '.join('t.' + f for f in SNIPPET_FIELDS)}"
            f" FROM docs d JOIN doc_texts t ON t.id = d.id JOIN doc_keys k ON k.id = d.id WHERE d.id IN ({placeholders})",
            ids,
        )
        return {int(row[0]): tuple(row) for row in rows}

    @staticmethod
    def _hit(row: tuple[Any, ...], pattern: re.Pattern[str] | None) -> Hit:
        doc_id, title, url, unit, unit_path, catalog_code, published_at, scope, *texts = row
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
            scope=scope,
        )


_EMPTY = BitMap()
_MATCH_CACHE_SIZE = 256


def _ids(text: str | None) -> BitMap:
    """A bitmap from SQLite's group_concat of integer ids (the JSON parser
    reads them three times faster than int() on each)."""
    return BitMap(json.loads(f"[{text}]")) if text else BitMap()


class _Snapshot:
    """Bitmaps of one generation of the index: the ids of each facet value,
    of what each kind of reader may see, of each text expression matched
    (most recent first), and the order of the items newest first. Made
    anew after any write, so it is never stale."""

    def __init__(self, con: apsw.Connection, generation: str) -> None:
        self.generation = generation
        self.facets: dict[str, dict[int, BitMap]] = {}
        for name in FACETS:
            column = _KEY_COLUMNS[name]
            self.facets[name] = {
                int(key): _ids(ids)
                for key, ids in con.execute(
                    f"SELECT {column}, group_concat(id) FROM doc_keys WHERE {column} IS NOT NULL GROUP BY {column}"
                )
            }
        (newest,) = con.execute(
            "SELECT group_concat(id) FROM (SELECT id FROM doc_keys ORDER BY published_ts DESC, id DESC)"
        ).fetchone()
        self.newest_first: list[int] = json.loads(f"[{newest}]") if newest else []
        self.date_rank: dict[int, int] = {doc_id: i for i, doc_id in enumerate(self.newest_first)}
        self._visible: dict[str, BitMap] = {}
        self._matches: OrderedDict[str, BitMap] = OrderedDict()
        self._lock = threading.Lock()

    def visible(self, con: apsw.Connection, visibility: Visibility) -> BitMap:
        seen = visibility_sql(visibility)
        ids = self._visible.get(seen)
        if ids is None:
            where = f" WHERE {seen}" if seen else ""
            (text,) = con.execute(f"SELECT group_concat(k.id) FROM doc_keys k{where}").fetchone()
            ids = self._visible[seen] = _ids(text)
        return ids

    def match(self, con: apsw.Connection, expression: str, table: str = "fts") -> BitMap:
        """The ids matching ``expression`` in ``table`` (fts, or fts_title: titles alone)."""
        key = f"{table}:{expression}"
        with self._lock:
            ids = self._matches.get(key)
            if ids is not None:
                self._matches.move_to_end(key)
                return ids
        (text,) = con.execute(f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ?", (expression,)).fetchone()
        ids = _ids(text)
        with self._lock:
            self._matches[key] = ids
            while len(self._matches) > _MATCH_CACHE_SIZE:
                self._matches.popitem(last=False)
        return ids

    def newest(self, hits: BitMap, n: int) -> list[int]:
        """The n newest of ``hits``: sorted by date rank when they are few,
        else the first of the items newest first that are hits."""
        if not hits or n <= 0:
            return []
        if len(hits) * len(hits) <= n * len(self.newest_first):
            return sorted(hits, key=self.date_rank.__getitem__)[:n]
        return list(islice(filter(hits.__contains__, self.newest_first), n))


def _where(allowed: dict[str, set[int]], excluded: Collection[int] = (), seen: str = "") -> str:
    """WHERE for facet filters, excluded ids and visibility. Keys and ids
    are integers from our own tables or int(), never user text, so they are
    inlined (one statement can then be reused for the count and the page)."""
    clauses = [seen] if seen else []
    if excluded:
        clauses.append(f"m.id NOT IN ({', '.join(str(int(i)) for i in sorted(excluded))})")
    for name, keys in allowed.items():
        if not keys:
            clauses.append("0")  # a filter value that exists nowhere matches nothing
        else:
            clauses.append(f"m.{_KEY_COLUMNS[name]} IN ({', '.join(str(int(k)) for k in sorted(keys))})")
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def _batches(items: Iterable[IndexDocument], size: int) -> Iterator[list[IndexDocument]]:
    batch: list[IndexDocument] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
