"""The embedded search backend against Wagtail's own database search backend,
on the same synthetic corpus and the same 50 queries.

    .venv/bin/python bench/search.py                        # 100,000 items, Wagtail on SQLite
    .venv/bin/python bench/search.py 10000
    .venv/bin/python bench/search.py 100000 --wagtail-items 20000
    .venv/bin/python bench/search.py 10000 --wagtail-db postgres://postgres@127.0.0.1:5432/search_bench

Reports for each engine: index build time (items/s), p50/p95 latency of the
50 queries of 2-6 characters (bench/search_core.make_queries), and, per
distinct query term, how many items each engine found next to how many
really contain the term (a plain substring count, the "oracle").

What each engine does per query:

- embedded: the text query with its facet filters and synonyms, facet
  counts (region, unit, 一级目录, year, time limit) and highlighted snippets
  for one page: what /search/ does;
- Wagtail (wagtail.search database backend = modelsearch): search + count +
  the first page. It cannot do more: facets only work on index.FilterField
  model fields (none of region, unit, catalogue or time limit is one; they
  live on ancestor pages), filters on other fields raise FilterFieldError,
  and the database backend has no highlighting. So its workload is lighter,
  and the filters of the queries are dropped for it.

Wagtail indexes real DisclosureItemPage rows (title, body, doc_number, its
search_fields) in a throwaway database: the rows are inserted in bulk, all
under the root page (the tree shape does not matter to the search index),
then indexed the way `update_index` does, 1,000 at a time.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.search_core import BackendEngine, BenchResult, make_corpus, make_queries, run_benchmark  # noqa: E402
from search.analysis import normalize  # noqa: E402
from search.documents import IndexDocument  # noqa: E402
from search.query import SearchQuery  # noqa: E402

DEFAULT_SQLITE = "sqlite:////tmp/bench_search_wagtail.sqlite3"
SYNONYMS = [{"纪委", "纪律检查委员会"}, {"三重一大", "重大事项决策"}]
CHUNK = 1000


# --- Wagtail's database search backend ---------------------------------------------------------


def setup_django(database_url: str) -> None:
    """A throwaway database with the project's schema."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url[len("sqlite:///") :])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    elif database_url.startswith("postgres"):
        _recreate_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _recreate_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"need a plain database name at the end of {url}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Found:
    total: int


class WagtailDatabaseEngine:
    """Wagtail's configured search backend (the database one) over real
    DisclosureItemPage rows."""

    def __init__(self) -> None:
        from wagtail.search.backends import get_search_backend

        self.backend = get_search_backend()
        self.name = f"wagtail {type(self.backend).__name__}"

    def create_rows(self, docs: Sequence[IndexDocument]) -> float:
        """Insert the items as live pages under the root, in bulk (no signals,
        so nothing is indexed yet). Returns the seconds it took."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection, transaction
        from wagtail.models import Locale, Page

        from disclosure_pages.models import DisclosureItemPage

        started = time.perf_counter()
        content_type = ContentType.objects.get_for_model(DisclosureItemPage)
        root = Page.get_first_root_node()
        locale = Locale.get_default()
        first_step = root.numchild + 1
        child_fields = [f for f in DisclosureItemPage._meta.local_concrete_fields if f.name != "page_ptr"]
        table = DisclosureItemPage._meta.db_table
        columns = ", ".join(
            [connection.ops.quote_name("page_ptr_id"), *(connection.ops.quote_name(f.column) for f in child_fields)]
        )
        placeholders = ", ".join(["%s"] * (len(child_fields) + 1))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({placeholders})"
        for start in range(0, len(docs), CHUNK):
            batch = docs[start : start + CHUNK]
            with transaction.atomic():
                pages = Page.objects.bulk_create(
                    [
                        Page(
                            content_type=content_type,
                            title=d.title,
                            draft_title=d.title,
                            slug=f"bench-{d.id}",
                            url_path=f"{root.url_path}bench-{d.id}/",
                            path=Page._get_path(root.path, 2, first_step + start + i),
                            depth=2,
                            numchild=0,
                            live=True,
                            has_unpublished_changes=False,
                            first_published_at=d.published_at,
                            last_published_at=d.published_at,
                            locale=locale,
                            translation_key=uuid.uuid4(),
                        )
                        for i, d in enumerate(batch)
                    ]
                )
                rows = []
                for page, d in zip(pages, batch, strict=True):
                    values = {
                        "body": f"<p>{html.escape(d.body)}</p>",
                        "doc_number": d.doc_number,
                        "year": d.year,
                        "scope": "public",
                        "tables": [],
                    }
                    row = [page.pk]
                    for f in child_fields:
                        value = values[f.name] if f.name in values else f.get_default()
                        row.append(f.get_db_prep_save(value, connection))
                    rows.append(row)
                with connection.cursor() as cursor:
                    cursor.executemany(sql, rows)
        Page.objects.filter(pk=root.pk).update(numchild=root.numchild + len(docs))
        return time.perf_counter() - started

    def build(self, docs: Iterable[IndexDocument]) -> int:
        """Index every item, as `update_index` does (chunks of 1,000)."""
        from disclosure_pages.models import DisclosureItemPage

        index = self.backend.get_index_for_model(DisclosureItemPage)
        done, last = 0, 0
        while True:
            chunk = list(DisclosureItemPage.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not chunk:
                return done
            index.add_items(DisclosureItemPage, chunk)
            done += len(chunk)
            last = chunk[-1].pk

    def run(self, query: SearchQuery) -> Found:
        from disclosure_pages.models import DisclosureItemPage

        results = self.backend.search(query.q, DisclosureItemPage.objects.live())
        total = results.count()
        list(results[query.offset : query.offset + query.per_page])
        return Found(total)


class LikeScanEngine:
    """The baseline every full-text index must beat: a plain LIKE scan over
    title and body in SQLite (stdlib sqlite3, a file of its own), the count
    and the first page, newest first."""

    name = "LIKE scan (title, body)"

    def __init__(self, path: Path) -> None:
        import sqlite3

        self.con = sqlite3.connect(path)
        self.con.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, title TEXT, body TEXT, published REAL)")

    def build(self, docs: Iterable[IndexDocument]) -> int:
        rows = [(d.id, d.title, d.body, d.published_at.timestamp()) for d in docs]
        with self.con:
            self.con.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def run(self, query: SearchQuery) -> Found:
        pattern = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = "title LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\'"
        total = self.con.execute(f"SELECT count(*) FROM items WHERE {where}", (pattern,)).fetchone()[0]
        self.con.execute(
            f"SELECT id, title FROM items WHERE {where} ORDER BY published DESC LIMIT ? OFFSET ?",
            (pattern, query.per_page, query.offset),
        ).fetchall()
        return Found(total)

    def close(self) -> None:
        self.con.close()


def suggestion_latencies(backend, terms: Sequence[str]) -> list[float]:
    """ms per suggestion request, for every prefix of 1 to all characters of each term."""
    out = []
    for term in terms:
        for end in range(1, len(term) + 1):
            started = time.perf_counter()
            backend.suggest(term[:end])
            out.append((time.perf_counter() - started) * 1000)
    return out


# --- ground truth ------------------------------------------------------------------------------------


def all_text(d: IndexDocument) -> str:
    return normalize(" ".join([d.title, d.body, d.tables_text, d.attachments_text, d.meta_text()]))


def wagtail_text(d: IndexDocument) -> str:
    """What Wagtail's backend indexes of an item: title, body, doc_number."""
    return normalize(" ".join([d.title, d.body, d.doc_number]))


def oracle(docs: Sequence[IndexDocument], terms: Sequence[str], text=all_text) -> dict[str, int]:
    texts = [text(d) for d in docs]
    return {term: sum(term in t for t in texts) for term in terms}


# --- report --------------------------------------------------------------------------------------------


def describe(result: BenchResult) -> str:
    return (
        f"{result.n_docs:,} items indexed in {result.build_seconds:.1f} s ({result.docs_per_second:,.0f} items/s); "
        f"50 queries p50 {result.percentile(50):.1f} ms, p95 {result.percentile(95):.1f} ms, "
        f"max {max(result.latencies_ms):.1f} ms; mean hits {statistics.mean(result.totals):,.0f}\n"
        f"    CPU time of this process (steadier on a shared machine): build {result.build_cpu_seconds:.1f} s "
        f"({result.n_docs / max(result.build_cpu_seconds, 1e-9):,.0f} items/CPU-s), queries p50 "
        f"{result.percentile(50, result.cpu_ms):.1f} ms, p95 {result.percentile(95, result.cpu_ms):.1f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="items in the corpus (default 100000)")
    parser.add_argument("--wagtail-items", type=int, help="items for Wagtail's backend (default: all n)")
    parser.add_argument(
        "--wagtail-db", default=DEFAULT_SQLITE, help=f"throwaway database URL (default {DEFAULT_SQLITE})"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-wagtail", action="store_true", help="only the embedded index and the LIKE scan")
    args = parser.parse_args(argv)

    from search.backends.embedded import EmbeddedBackend

    print(f"corpus: {args.n:,} synthetic items (seed {args.seed}); queries: 50 of 2-6 characters", flush=True)
    docs = list(make_corpus(args.n, args.seed))
    queries = make_queries()
    terms = list(dict.fromkeys(q.q for q in queries))

    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedBackend(Path(tmp) / "index.sqlite3")
        try:
            emb = run_benchmark(BackendEngine(embedded, SYNONYMS), docs, queries)
            print(f"embedded (SQLite FTS5, bigrams): {describe(emb)}", flush=True)
            suggest_ms = sorted(suggestion_latencies(embedded, terms)) if hasattr(embedded, "suggest") else [0.0]
            print(
                f"  suggestions ({len(suggest_ms)} prefixes of the terms): p50 {statistics.median(suggest_ms):.1f} ms, "
                f"p95 {suggest_ms[int(len(suggest_ms) * 0.95) - 1]:.1f} ms",
                flush=True,
            )
            like = LikeScanEngine(Path(tmp) / "like.sqlite3")
            # The same texts, without facets or filters: the scan cannot facet.
            plain = [SearchQuery(q=q.q, sort=q.sort) for q in queries]
            lk = run_benchmark(like, docs, plain)
            like.close()
            print(f"{like.name}: {describe(lk)}", flush=True)
            print(
                f"embedded vs LIKE scan, same run: p95 {emb.percentile(95):.1f} ms vs {lk.percentile(95):.1f} ms "
                f"= {lk.percentile(95) / emb.percentile(95):.1f}x faster (p50 "
                f"{lk.percentile(50) / emb.percentile(50):.1f}x); CPU p95 {emb.percentile(95, emb.cpu_ms):.1f} ms vs "
                f"{lk.percentile(95, lk.cpu_ms):.1f} ms = "
                f"{lk.percentile(95, lk.cpu_ms) / max(emb.percentile(95, emb.cpu_ms), 1e-9):.1f}x (p50 "
                f"{lk.percentile(50, lk.cpu_ms) / max(emb.percentile(50, emb.cpu_ms), 1e-9):.1f}x)",
                flush=True,
            )
            wagtail_n = min(args.wagtail_items or args.n, args.n)
            subset = docs[:wagtail_n]
            if wagtail_n < args.n:
                embedded.rebuild(subset)  # counts compared on the same items
            emb_found = {t: embedded.search(SearchQuery(q=t)).total for t in terms}
        finally:
            embedded.close()
    if args.skip_wagtail:
        return 0

    print(f"Wagtail: creating {wagtail_n:,} DisclosureItemPage rows in {args.wagtail_db} …", flush=True)
    setup_django(args.wagtail_db)
    wagtail = WagtailDatabaseEngine()
    rows_seconds = wagtail.create_rows(subset)
    print(f"  rows created in {rows_seconds:.1f} s (not part of the index build)", flush=True)
    # Wagtail cannot filter on region/unit/year/…: the same texts, without filters.
    plain = [SearchQuery(q=q.q, sort=q.sort) for q in queries]
    wag = run_benchmark(wagtail, subset, plain)
    print(f"{wagtail.name}: {describe(wag)}", flush=True)
    wag_found = {t: wagtail.run(SearchQuery(q=t)).total for t in terms}

    truth = oracle(subset, terms)
    truth_wagtail = oracle(subset, terms, wagtail_text)
    print()
    print(f"Items found per term, on the same {wagtail_n:,} items (no filters, no synonyms):")
    print(f"{'term':<8} {'contain it':>11} {'embedded':>9} | {'title/body/文号 contain it':>24} {'Wagtail':>8}")
    for t in terms:
        print(f"{t:<8} {truth[t]:>11,} {emb_found[t]:>9,} | {truth_wagtail[t]:>24,} {wag_found[t]:>8,}")
    # The word clause adds items with the words of a term in another order:
    # more than the substring count is expected, fewer is a miss.
    missed = [t for t in terms if emb_found[t] < truth[t]]
    print()
    print("embedded finds every item containing each term" if not missed else f"embedded misses items for: {missed}")
    print(
        f"Wagtail finds {sum(wag_found.values()):,} of {sum(truth_wagtail.values()):,} term matches in the fields it indexes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
