"""Wagtail's admin search (pages, documents, snippets, every chooser) with Chinese analysis.

Wagtail's database backend indexes through SQLite FTS5 (unicode61) or PostgreSQL
``to_tsvector``: both make one token of a whole Chinese sentence, so 党费 finds
none of the 303 demo pages with 党费 in their title. This backend is Wagtail's
own database backend for the current database with one change on each side:

- indexing: the text of every column (title, body, autocomplete) is stored as
  the overlapping bigrams of ``search.analysis.index_text`` (党费收缴 -> 党费 费收
  收缴 缴), the analysis the public search uses, so the unchanged FTS5 / tsvector
  machinery sees one token per bigram;
- querying: every whitespace-separated term of the user's text becomes one
  phrase of those tokens (``analysis.phrase_for_chunk``), across punctuation, so
  a catalogue code 1-1-4 or a 文号 龙科字〔2011〕20号 must match as a whole; a
  term ending in a lone character (党, 12号) matches it as a token prefix.

Everything else (filters, order_by, facets, rebuild with ``update_index``,
Wagtail's index updates on save/publish, the importer's ``add_bulk``) is
Wagtail's code, so it behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import types

from django.db import connection
from modelsearch.query import MATCH_ALL, And, Boost, Not, Or, Phrase, PlainText

from .analysis import MAX_CHUNKS, index_text, is_cjk, normalize, phrase_for_chunk


class PrefixPhrase(Phrase):
    """A phrase of bigram tokens whose last token is matched as a prefix."""

    def __repr__(self):
        return f"<PrefixPhrase {self.query_string!r}>"


def _term_query(term: str, *, prefix_last_word: bool) -> Phrase | None:
    phrase = phrase_for_chunk(term)
    if phrase is None:
        return None
    text = " ".join(phrase.tokens)
    # Autocomplete: a last term ending in a Latin word or number is still being typed.
    prefix = phrase.prefix or (prefix_last_word and not is_cjk(phrase.text[-1]))
    return PrefixPhrase(text) if prefix else Phrase(text)


def bigram_query(query, *, prefix_last_word: bool = False):
    """Wagtail's query with each PlainText / Phrase rewritten as phrases of bigram tokens.

    Returns ``Not(MATCH_ALL)`` (nothing) when no term has a letter, digit or
    character left (e.g. the query "——"), which both backends answer without SQL.
    """
    rewritten = _rewrite(query, prefix_last_word=prefix_last_word)
    return Not(MATCH_ALL) if rewritten is None else rewritten


def _rewrite(query, *, prefix_last_word: bool):
    if isinstance(query, PlainText):
        terms = normalize(query.query_string).split()[:MAX_CHUNKS]
        phrases = [
            p
            for i, term in enumerate(terms)
            if (p := _term_query(term, prefix_last_word=prefix_last_word and i == len(terms) - 1)) is not None
        ]
        if not phrases:
            return None
        if len(phrases) == 1:
            return phrases[0]
        return And(phrases) if query.operator == "and" else Or(phrases)
    if isinstance(query, Phrase):
        # A quoted phrase: the whole text as one phrase, nothing still being typed.
        return _term_query(normalize(query.query_string), prefix_last_word=False)
    if isinstance(query, (And, Or)):
        parts = [p for p in (_rewrite(q, prefix_last_word=False) for q in query.subqueries) if p is not None]
        if not parts:
            return None
        return type(query)(parts)
    if isinstance(query, Not):
        inner = _rewrite(query.subquery, prefix_last_word=False)
        return None if inner is None else Not(inner)
    if isinstance(query, Boost):
        inner = _rewrite(query.subquery, prefix_last_word=prefix_last_word)
        return None if inner is None else Boost(inner, query.boost)
    return query  # MatchAll, Fuzzy


def _global_names(code: types.CodeType) -> set[str]:
    """Names a function's code (comprehensions included) looks up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _reading_through(add_items, indexer_class):
    """Upstream ``Index.add_items`` with its module's ``ObjectIndexer`` replaced by ours.

    The upstream method builds ``ObjectIndexer(obj, backend)`` by its global name
    and has no hook for another class; copying its 40–70 lines of SQL per
    database would be the bigger debt. Checked against django-modelsearch 1.3.2
    (tests/search/test_admin_search.py fails if the name is ever gone).
    """
    if "ObjectIndexer" not in _global_names(add_items.__code__):
        raise RuntimeError("modelsearch's add_items no longer builds an ObjectIndexer: review search.admin_backend")
    return types.FunctionType(
        add_items.__code__,
        {**add_items.__globals__, "ObjectIndexer": indexer_class},
        add_items.__name__,
        add_items.__defaults__,
        add_items.__closure__,
    )


# --- SQLite (FTS5) ---------------------------------------------------------------


@functools.cache
def _sqlite_backend_class():
    # Imported only on SQLite: the module looks up the FTS5 model, which exists only there.
    from modelsearch.backends.database.sqlite import sqlite
    from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression

    class SQLiteBigramIndexer(sqlite.ObjectIndexer):
        # Each column is the upstream text (its fields joined by spaces) in bigrams.
        @property
        def title(self) -> str:
            return index_text(sqlite.ObjectIndexer.title.func(self))

        @property
        def body(self) -> str:
            return index_text(sqlite.ObjectIndexer.body.func(self))

        @property
        def autocomplete(self) -> str:
            return index_text(sqlite.ObjectIndexer.autocomplete.func(self))

    class SQLiteBigramIndex(sqlite.SQLiteIndex):
        add_items = _reading_through(sqlite.SQLiteIndex.add_items, SQLiteBigramIndexer)

    class _Phrases:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.query = bigram_query(self.query, prefix_last_word=self.LAST_TERM_IS_PREFIX)

        def build_search_query_content(self, query, config=None):
            if isinstance(query, Phrase):
                # Tokens are letters, digits and CJK only (the analysis splits off everything
                # else), so nothing in them is FTS5 syntax; Lexeme quotes the phrase.
                return SearchQueryExpression(Lexeme(query.query_string, prefix=isinstance(query, PrefixPhrase)))
            return super().build_search_query_content(query, config=config)

    class SQLiteBigramQueryCompiler(_Phrases, sqlite.SQLiteSearchQueryCompiler):
        pass

    class SQLiteBigramAutocompleteQueryCompiler(_Phrases, sqlite.SQLiteAutocompleteQueryCompiler):
        pass

    class SQLiteBigramSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = SQLiteBigramQueryCompiler
        autocomplete_query_compiler_class = SQLiteBigramAutocompleteQueryCompiler
        index_class = SQLiteBigramIndex

    return SQLiteBigramSearchBackend


# --- PostgreSQL (tsvector) ------------------------------------------------------


@functools.cache
def _postgres_backend_class():
    # Imported only on PostgreSQL: the module needs django.contrib.postgres and psycopg.
    from django.contrib.postgres.search import SearchQuery
    from modelsearch.backends.database.postgres import postgres as pg

    class PostgresBigramIndexer(pg.ObjectIndexer):
        def as_vector(self, texts, for_autocomplete=False):
            return super().as_vector([(index_text(text), weight) for text, weight in texts], for_autocomplete)

    class PostgresBigramIndex(pg.PostgresIndex):
        add_items = _reading_through(pg.PostgresIndex.add_items, PostgresBigramIndexer)

    class _Phrases:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.query = bigram_query(self.query, prefix_last_word=self.LAST_TERM_IS_PREFIX)

        def build_tsquery_content(self, query, config=None, invert=False):
            if isinstance(query, Phrase):
                # to_tsquery syntax built from tokens of letters, digits and CJK only.
                tokens = [f"'{t}'" for t in query.query_string.split()]
                if isinstance(query, PrefixPhrase):
                    tokens[-1] += ":*"
                raw = " <-> ".join(tokens)
                return SearchQuery(f"!({raw})" if invert else raw, search_type="raw", config=config)
            return super().build_tsquery_content(query, config=config, invert=invert)

    class PostgresBigramQueryCompiler(_Phrases, pg.PostgresSearchQueryCompiler):
        pass

    class PostgresBigramAutocompleteQueryCompiler(_Phrases, pg.PostgresAutocompleteQueryCompiler):
        pass

    class PostgresBigramSearchBackend(pg.PostgresSearchBackend):
        query_compiler_class = PostgresBigramQueryCompiler
        autocomplete_query_compiler_class = PostgresBigramAutocompleteQueryCompiler
        index_class = PostgresBigramIndex

        def __init__(self, params):
            # Tokens are already analysed: no stemming or stop words on top ('english' would drop "a").
            super().__init__({"SEARCH_CONFIG": "simple", **params})

    return PostgresBigramSearchBackend


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    """The backend for the default database, as ``wagtail.search.backends.database`` chooses."""
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    if connection.vendor == "sqlite":
        return _sqlite_backend_class()(params)
    raise NotImplementedError(f"search.admin_backend supports SQLite and PostgreSQL, not {connection.vendor}")
