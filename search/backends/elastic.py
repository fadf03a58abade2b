"""Elasticsearch backend, for when the site outgrows one machine.

Layout:

- ``DisclosureDocument``: the index mapping (elasticsearch-dsl ``Document``),
  with no query logic in it.
- ``DisclosureQueryBuilder``: turns a ``SearchQuery`` into a dsl ``Search``;
  one ``filter_<facet>`` method per facet.
- ``ElasticsearchBackend``: index lifecycle. Documents live in versioned
  indices ``<prefix>-<UTC timestamp>`` behind the alias ``<prefix>``; a rebuild
  fills a new index with ``helpers.streaming_bulk`` while searches keep
  hitting the old one, then swaps the alias in one atomic ``update_aliases``
  call and deletes the old index (the pattern of elasticsearch-py's
  ``examples/dsl/alias_migration.py``).

Chinese analysis: every text field is analysed by the built-in CJK chain
(standard tokenizer + cjk_width + lowercase + cjk_bigram, after a char filter
that turns punctuation into spaces), the same overlapping
bigrams as the embedded backend, and carries a ``.uni`` sub-field of single
characters for queries with a lone CJK character (党, 2025年), which bigrams
cannot express. When ``_cat/plugins`` shows IK or smartcn, a ``.words``
sub-field with that segmenter is added and used only to boost ranking (IK's
offsets are unreliable for highlighting, and segmentation misses words at
ambiguous boundaries, so it never decides what matches). The choice is
recorded in the index ``_meta``.

User text never reaches a query syntax: it is cut into chunks of letters,
digits and CJK (``search.analysis``) and each chunk goes into a
``multi_match`` of type ``phrase``; ``query_string`` is never used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Date, Document, Integer, Keyword, Long, Q, Search, Text, analyzer, char_filter
from elasticsearch.dsl.query import Query

from search.analysis import (
    Phrase,
    QueryPlan,
    highlight_html,
    merge_adjacent_marks,
    plan_query,
    t2s_table,
    to_simplified,
)
from search.backends.base import Progress, SearchBackend, Synonyms
from search.documents import IndexDocument
from search.query import (
    FACET_SIZE,
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

SCHEMA_VERSION = 3  # 3: every published item, with scope and tree_path (members search)
SNIPPET_SIZE = 120
BULK_CHUNK = 500
MAX_ANALYZED_OFFSET = 999_999

# Every character that is not a letter or digit becomes a space before the
# standard tokenizer sees it, so words split where search.analysis splits them
# (the standard tokenizer alone keeps "v2.0" or "a_b" as one token, and the
# query "v2.0", cut into v2 + 0, would then miss it). One character for one,
# so highlight offsets stay right.
zh_separators = char_filter("zh_separators", type="pattern_replace", pattern=r"[^\p{L}\p{N}]", replacement=" ")
# Traditional -> simplified, one character for one: the table the embedded
# backend uses (search.analysis.t2s_table, from OpenCC), so both agree and
# highlight offsets stay right. Servers that ignore a mapping char filter
# (osmem) still match through ``simplified_text``, a converted copy of the
# text sent only for items written in traditional characters.
zh_t2s = char_filter("zh_t2s", type="mapping", mappings=[f"{chr(a)}=>{chr(b)}" for a, b in sorted(t2s_table().items())])
zh_bigram = analyzer(
    "zh_bigram",
    char_filter=[zh_t2s, zh_separators],
    tokenizer="standard",
    filter=["cjk_width", "lowercase", "cjk_bigram"],
)
# The standard tokenizer already emits every CJK character as its own token.
zh_unigram = analyzer(
    "zh_unigram", char_filter=[zh_t2s, zh_separators], tokenizer="standard", filter=["cjk_width", "lowercase"]
)
# Ranking tiers (search.analysis.QueryPlan): constant scores far above any
# bm25 score, so exact code / 文号 matches come first, then phrase matches,
# then matches of the words in another order.
EXACT_TIER_BOOST = 1_000_000.0
PHRASE_TIER_BOOST = 10_000.0

# Searched fields and their boosts. Within a tier Elasticsearch orders by bm25 with these weights; the
# embedded backend puts title matches first, then the others, each newest first (no bm25 there).
TEXT_FIELDS: dict[str, float] = {
    "title": 5.0,
    "body": 1.0,
    "tables_text": 1.0,
    "attachments_text": 0.5,
    "meta_text": 2.0,
    "simplified_text": 1.0,
}
SNIPPET_FIELDS = ("body", "tables_text", "attachments_text")

# Segmenting plugins, best first: plugin component name -> (index analyzer,
# search analyzer).
WORD_ANALYZERS: dict[str, tuple[str, str]] = {
    "analysis-ik": ("ik_max_word", "ik_smart"),
    "analysis-smartcn": ("smartcn", "smartcn"),
}


def _text(highlighted: bool = True) -> Text:
    # offsets in the postings let the unified highlighter work without
    # re-analysing the text.
    options: dict[str, Any] = {"index_options": "offsets"} if highlighted else {}
    return Text(analyzer=zh_bigram, fields={"uni": Text(analyzer=zh_unigram)}, **options)


class DisclosureDocument(Document):
    """The mapping of one indexed disclosure item (``IndexDocument``)."""

    item_id = Long()  # _id cannot be sorted on; ties in sorting need a key
    title = _text()
    body = _text()
    tables_text = _text()
    attachments_text = _text()
    meta_text = _text(highlighted=False)  # IndexDocument.meta_text()
    simplified_text = _text(highlighted=False)  # all of the above in simplified characters, if different
    simplified_title = _text(highlighted=False)  # the title alone, likewise (suggestions)
    region = Keyword()
    region_path = Keyword()  # filtering on 韶关市 finds 武江区 items too
    unit = Keyword()
    unit_path = Keyword()
    catalog_code = Keyword()
    level1 = Keyword()
    level2 = Keyword()
    level3 = Keyword()
    year = Integer()
    period = Keyword()
    time_limit = Keyword()
    doc_number = Keyword()
    exact_keys = Keyword()  # IndexDocument.exact_tokens(): catalogue code and 文号, normalised
    published_at = Date()
    # Who may find it (search.query.Visibility): every search filters on these.
    scope = Keyword()
    tree_path = Keyword()
    url = Keyword(index=False)
    fingerprint = Keyword(index=False)

    class Index:
        name = "disclosure"  # placeholder: the backend always names the index
        settings = {"number_of_shards": 1}  # small corpus; one shard keeps facet counts exact

    @classmethod
    def from_index_document(cls, doc: IndexDocument) -> DisclosureDocument:
        return cls(
            meta={"id": str(doc.id)},
            item_id=doc.id,
            title=doc.title,
            body=doc.body,
            tables_text=doc.tables_text,
            attachments_text=doc.attachments_text,
            meta_text=doc.meta_text(),
            simplified_text=_simplified_copy(doc),
            simplified_title=st if (st := to_simplified(doc.title)) != doc.title else "",
            region=doc.region,
            region_path=list(doc.region_path),
            unit=doc.unit,
            unit_path=doc.unit_path,
            catalog_code=doc.catalog_code,
            level1=doc.level1,
            level2=doc.level2,
            level3=doc.level3,
            year=doc.year,
            period=doc.period,
            time_limit=doc.time_limit,
            doc_number=doc.doc_number,
            exact_keys=doc.exact_tokens(),
            published_at=doc.published_at,
            scope=doc.scope,
            tree_path=doc.tree_path,
            url=doc.url,
            fingerprint=doc.fingerprint(),
        )


def _simplified_copy(doc: IndexDocument) -> str:
    text = "\n".join([doc.title, doc.body, doc.tables_text, doc.attachments_text, doc.meta_text()])
    simplified = to_simplified(text)
    return simplified if simplified != text else ""


def _source(doc: IndexDocument) -> dict[str, Any]:
    body = DisclosureDocument.from_index_document(doc).to_dict(skip_empty=False)
    body["published_at"] = doc.published_at.isoformat()  # keep the original UTC offset
    return body


class DisclosureQueryBuilder:
    """Builds the dsl ``Search`` for a ``SearchQuery``; knows nothing about
    index lifecycles."""

    def __init__(self, client: Elasticsearch, index: str, *, words: bool = False) -> None:
        self.client = client
        self.index = index
        self.words = words

    # One method per facet; each returns the filter for OR-ed values.
    def filter_region(self, values: list[str]) -> Query:
        return Q("terms", region_path=values)

    def filter_unit(self, values: list[str]) -> Query:
        return Q("terms", unit_path=values)

    def filter_level1(self, values: list[str]) -> Query:
        return Q("terms", level1=values)

    def filter_year(self, values: list[str]) -> Query:
        return Q("terms", year=[int(v) for v in values])

    def filter_time_limit(self, values: list[str]) -> Query:
        return Q("terms", time_limit=values)

    FACET_FIELDS = {
        "region": "region_path",
        "unit": "unit_path",
        "level1": "level1",
        "year": "year",
        "time_limit": "time_limit",
    }

    @staticmethod
    def filter_visibility(visibility: Visibility) -> Query | None:
        """What the reader may see: public documents, and those of the
        granted scopes under the granted tree paths; None for everything.
        A document without a scope (an index of an older schema) is never
        shown: search_rebuild fills a new one."""
        if visibility.everything:
            return None
        should = [Q("term", scope=PUBLIC_SCOPE)]
        for scopes, path in visibility.grants:
            should.append(Q("bool", filter=[Q("terms", scope=sorted(scopes)), Q("prefix", tree_path=path)]))
        return should[0] if len(should) == 1 else Q("bool", should=should, minimum_should_match=1)

    def filters(self, filters: dict[str, list[str]], skip: str | None = None) -> list[Query]:
        return [getattr(self, f"filter_{name}")(values) for name, values in filters.items() if name != skip]

    @staticmethod
    def phrase(phrase: Phrase) -> Query:
        """One chunk, as a phrase over every text field.

        Chunks with a lone CJK character go to the single-character
        sub-fields: there a phrase is an exact substring match too.
        """
        suffix = ".uni" if phrase.unigram else ""
        fields = [f"{name}{suffix}^{boost:g}" for name, boost in TEXT_FIELDS.items()]
        return Q("multi_match", query=phrase.text, type="phrase", fields=fields)

    def alternatives_query(self, alternatives: list[list[Phrase]]) -> Query:
        """OR of alternatives (synonyms), each an AND of chunk phrases."""
        options = [Q("bool", must=[self.phrase(p) for p in phrases]) for phrases in alternatives]
        return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)

    def text_query(self, plan: QueryPlan) -> Query:
        """The tiers of the plan: exact code / 文号, phrases, words."""
        phrases = self.alternatives_query(plan.phrases)
        if not plan.words and not plan.exact:
            query = phrases
        else:
            should = [Q("constant_score", filter=phrases, boost=PHRASE_TIER_BOOST), phrases]
            if plan.words:
                should.append(self.alternatives_query(plan.words))
            if plan.exact:
                should.append(
                    Q("constant_score", filter=Q("terms", exact_keys=list(plan.exact)), boost=EXACT_TIER_BOOST)
                )
            query = Q("bool", should=should, minimum_should_match=1)
        if self.words:
            # Ranking only: a word-segmented match (收缴党费 ~ 党费收缴) scores
            # higher, but never decides what matches.
            text = " ".join(p.text for p in plan.phrases[0])
            boost = Q("multi_match", query=text, fields=[f"{name}.words^{b:g}" for name, b in TEXT_FIELDS.items()])
            query = Q("bool", must=[query], should=[boost])
        return query

    def build(
        self, query: SearchQuery, plan: QueryPlan, exclude: Collection[int] = (), visibility: Visibility = PUBLIC
    ) -> Search:
        s = Search(using=self.client, index=self.index)
        s = s.query(self.text_query(plan)) if plan else s.query("match_all")
        seen = self.filter_visibility(visibility)
        if seen is not None:
            # In the query: hits, total and every facet count are the reader's own.
            s = s.filter(seen)
        if exclude:
            # In the query, not the post_filter: the aggregations (facet
            # counts) and the total go without these documents too.
            s = s.exclude("terms", item_id=sorted(int(i) for i in exclude))
        if query.filters:
            # post_filter narrows the hits but not the aggregations, which get
            # the other facets' filters below.
            s = s.post_filter("bool", filter=self.filters(query.filters))
        for name in FACETS:
            others = self.filters(query.filters, skip=name)
            bucket = s.aggs.bucket(
                f"facet_{name}", "filter", filter=Q("bool", filter=others) if others else Q("match_all")
            )
            bucket.bucket(
                "values",
                "terms",
                field=self.FACET_FIELDS[name],
                size=FACET_SIZE,
                order=[{"_count": "desc"}, {"_key": "asc"}],
            )
        if query.effective_sort == "date":
            s = s.sort({"published_at": "desc"}, {"item_id": "desc"})
        else:
            s = s.sort("_score", {"published_at": "desc"}, {"item_id": "desc"})
        if plan:
            s = s.highlight_options(
                type="unified",
                encoder="html",  # escapes the document text; only the tags are HTML
                pre_tags=["<mark>"],
                post_tags=["</mark>"],
                fragment_size=SNIPPET_SIZE,
                number_of_fragments=1,
                # The .uni sub-fields have no stored offsets and are re-analysed;
                # past index.highlight.max_analyzed_offset (1,000,000) ES would
                # fail the whole search on one long attachment instead of
                # highlighting only its beginning.
                max_analyzed_offset=MAX_ANALYZED_OFFSET,
            )
            for name in SNIPPET_FIELDS:
                s = s.highlight(name, f"{name}.uni")
            # When only the title or metadata matched, show the start of the
            # body (escaped by the same encoder) rather than nothing.
            s = s.highlight("body", no_match_size=SNIPPET_SIZE)
        source = ["item_id", "title", "url", "unit", "unit_path", "catalog_code", "published_at", "scope"]
        # Without text there is nothing to highlight: the snippet is cut from
        # the body in Python. With text, the (possibly long) body stays on
        # the server.
        s = s.source(source if plan else [*source, "body"])
        s = s.extra(track_total_hits=True)
        # Slice once: slicing a dsl Search again would stack the offsets.
        return s[query.offset : query.offset + query.per_page]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        url: str | None = None,
        index_prefix: str = "disclosure",
        *,
        client: Elasticsearch | None = None,
        refresh: bool | str = False,
        **client_options: Any,
    ) -> None:
        """``refresh`` is passed to index/delete calls: False (the default)
        lets Elasticsearch make changes visible within its refresh interval;
        tests pass "wait_for" or True to see them at once."""
        if client is None:
            if not url:
                raise ValueError("ElasticsearchBackend needs a URL (settings.ELASTICSEARCH_URL) or a client")
            client_options.setdefault("request_timeout", 10)
            client = Elasticsearch(url, **client_options)
        if index_prefix != index_prefix.lower() or not index_prefix:
            raise ValueError(f"index prefix must be non-empty lowercase, got {index_prefix!r}")
        self.client = client
        self.alias = index_prefix
        self.refresh = refresh
        self._words_cache: tuple[float, bool] | None = None

    # --- index lifecycle ---------------------------------------------------------

    def _new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"

    def detect_analysis(self) -> dict[str, Any]:
        """Which Chinese analysis this cluster can do; recorded in _meta."""
        try:
            plugins = {p.get("component") for p in self.client.cat.plugins(format="json")}
        except Exception:  # noqa: BLE001 - a locked-down cluster may refuse _cat: use the built-ins
            logger.warning("could not list Elasticsearch plugins; using built-in CJK analysis", exc_info=True)
            plugins = set()
        for plugin, (index_analyzer, search_analyzer) in WORD_ANALYZERS.items():
            if plugin in plugins:
                return {
                    "analysis": "cjk_bigram",
                    "words": plugin,
                    "words_analyzer": index_analyzer,
                    "words_search_analyzer": search_analyzer,
                }
        return {"analysis": "cjk_bigram", "words": None}

    def index_body(self, analysis: dict[str, Any]) -> dict[str, Any]:
        """Settings and mappings of a new index, from DisclosureDocument."""
        # clone() carries the Document's Index settings (shards) along with
        # its mapping and analyzers.
        body = DisclosureDocument._index.clone(name="template").to_dict()
        mappings = body.setdefault("mappings", {})
        if analysis.get("words"):
            words = {
                "type": "text",
                "analyzer": analysis["words_analyzer"],
                "search_analyzer": analysis["words_search_analyzer"],
            }
            for name in TEXT_FIELDS:
                mappings["properties"][name].setdefault("fields", {})["words"] = words
        mappings["_meta"] = {**analysis, "schema_version": SCHEMA_VERSION, "created": datetime.now(UTC).isoformat()}
        return body

    def create_index(self, name: str | None = None) -> str:
        name = name or self._new_index_name()
        self.client.indices.create(index=name, **self.index_body(self.detect_analysis()))
        return name

    def aliased_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        """Create a first versioned index behind the alias if there is none."""
        if self.aliased_indices():
            return
        name = self.create_index()
        self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        # Two workers may have raced here: keep the oldest index, drop the rest,
        # so the alias stays writable (it must point at exactly one index).
        extra = self.aliased_indices()[1:]
        if extra:
            self.client.indices.update_aliases(actions=[{"remove": {"index": n, "alias": self.alias}} for n in extra])
            for n in extra:
                self.client.indices.delete(index=n, ignore_unavailable=True)

    def _bulk(
        self,
        actions: Iterable[dict[str, Any]],
        progress: Progress | None = None,
        client: Elasticsearch | None = None,
        **kwargs: Any,
    ) -> int:
        done = 0
        for ok, item in helpers.streaming_bulk(
            client or self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, max_retries=3, **kwargs
        ):
            op, result = next(iter(item.items()))
            if not ok and not (op == "delete" and result.get("status") == 404):
                raise RuntimeError(f"Elasticsearch bulk {op} failed: {result}")
            done += 1
            if progress and done % BULK_CHUNK == 0:
                progress(done)
        if progress:
            progress(done)
        return done

    def index(self, docs: Iterable[IndexDocument]) -> int:
        self.ensure_index()
        actions = ({"_op_type": "index", "_index": self.alias, "_id": str(d.id), "_source": _source(d)} for d in docs)
        return self._bulk(actions, refresh=self.refresh)

    def delete(self, ids: Iterable[int], *, wait: float | None = None) -> None:
        client = self.client if wait is None else self.client.options(request_timeout=wait)
        try:
            indices = sorted(client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            return
        if not indices:
            return
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": str(int(i))} for i in ids)
        self._bulk(actions, refresh=self.refresh, client=client)

    def rebuild(self, docs: Iterable[IndexDocument], progress: Progress | None = None) -> int:
        """Fill a new index, swap the alias atomically, delete the old index.

        Searches go to the old index until the swap. Updates indexed through
        the alias meanwhile land in the old index and are lost with it: the
        caller should run the check command afterwards (search_check).
        """
        old = self.aliased_indices()
        new = self.create_index()
        try:
            actions = ({"_op_type": "index", "_index": new, "_id": str(d.id), "_source": _source(d)} for d in docs)
            count = self._bulk(actions, progress)
            self.client.indices.refresh(index=new)
            self.client.indices.update_aliases(
                actions=[
                    *({"remove": {"index": name, "alias": self.alias}} for name in old),
                    {"add": {"index": new, "alias": self.alias}},
                ]
            )
        except BaseException:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._words_cache = None
        return count

    def clear(self) -> None:
        self.rebuild(())

    def drop(self) -> None:
        """Delete the alias's indices altogether (tests, uninstall)."""
        for name in self.aliased_indices():
            self.client.indices.delete(index=name, ignore_unavailable=True)

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - ping must answer, not raise
            return False

    def close(self) -> None:
        self.client.close()

    # --- reading -------------------------------------------------------------------

    def _has_words(self) -> bool:
        """Whether the live index has ``.words`` sub-fields (cached a minute;
        a stale answer only costs or adds a ranking boost, never a result)."""
        now = time.monotonic()
        if self._words_cache and now - self._words_cache[0] < 60:
            return self._words_cache[1]
        words = False
        try:
            for mapping in self.client.indices.get_mapping(index=self.alias).values():
                words = bool(mapping["mappings"].get("_meta", {}).get("words"))
        except NotFoundError:
            pass
        self._words_cache = (now, words)
        return words

    def indexed_fingerprints(self) -> dict[int, str]:
        """Every id and fingerprint, paged with search_after (no scroll
        context to leak, and it works the same on OpenSearch)."""
        out: dict[int, str] = {}
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": 1000,
                "sort": [{"item_id": "asc"}],
                "_source": ["item_id", "fingerprint"],
                "query": {"match_all": {}},
            }
            if after:
                body["search_after"] = after
            try:
                hits = self.client.search(index=self.alias, **body)["hits"]["hits"]
            except NotFoundError:
                return out
            if not hits:
                return out
            for hit in hits:
                out[int(hit["_source"]["item_id"])] = hit["_source"].get("fingerprint", "")
            after = hits[-1]["sort"]

    def search(
        self,
        query: SearchQuery,
        synonyms: Synonyms = (),
        exclude: Collection[int] = (),
        visibility: Visibility = PUBLIC,
    ) -> SearchResults:
        plan = plan_query(query.q, synonyms) if not query.is_blank else QueryPlan()
        if not query.is_blank and not plan:
            return SearchResults.empty(query)  # only emoji or punctuation: nothing to look for
        builder = DisclosureQueryBuilder(self.client, self.alias, words=self._has_words())
        try:
            response = builder.build(query, plan, exclude, visibility).execute()
        except NotFoundError:
            logger.warning("search index %s does not exist yet; run search_rebuild", self.alias)
            return SearchResults.empty(query)

        facets: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            buckets = response.aggregations[f"facet_{name}"]["values"]["buckets"]
            facets[name] = sort_facet_counts((str(b["key"]), int(b["doc_count"])) for b in buckets)
        hits = [self._hit(h) for h in response.hits]
        return SearchResults.build(query, int(response.hits.total.value), hits, facets)

    def suggest(
        self, text: str, *, limit: int = 8, exclude: Collection[int] = (), visibility: Visibility = PUBLIC
    ) -> Suggestions:
        """One request: titles containing the text (newest first), and the
        catalogue names and units of the items whose title or metadata
        contains it (terms aggregations), narrowed to those containing it."""
        plan = plan_query(text)
        if not plan.phrases:
            return Suggestions()
        phrases = plan.phrases[0]

        def on(field: str) -> Query:
            return Q(
                "bool", must=[Q("match_phrase", **{f"{field}{'.uni' if p.unigram else ''}": p.text}) for p in phrases]
            )

        s = Search(using=self.client, index=self.alias).query(
            Q("bool", should=[on("title"), on("simplified_title"), on("meta_text")], minimum_should_match=1)
        )
        seen = DisclosureQueryBuilder.filter_visibility(visibility)
        if seen is not None:
            s = s.filter(seen)  # the aggregations too: units and catalogues of what the reader may see
        if exclude:
            s = s.exclude("terms", item_id=sorted(int(i) for i in exclude))
        # Hits: titles only; the aggregations see the metadata matches too.
        s = s.post_filter(Q("bool", should=[on("title"), on("simplified_title")], minimum_should_match=1))
        for name, field in (("level1", "level1"), ("level2", "level2"), ("level3", "level3"), ("unit", "unit_path")):
            s.aggs.bucket(f"s_{name}", "terms", field=field, size=FACET_SIZE)
        s = s.sort({"published_at": "desc"}, {"item_id": "desc"}).source(["item_id", "title", "url"])
        try:
            response = s[:limit].execute()
        except NotFoundError:
            return Suggestions()

        def keys(name: str) -> list[str]:
            return [str(b["key"]) for b in response.aggregations[f"s_{name}"]["buckets"]]

        return Suggestions(
            titles=[TitleSuggestion(int(h.item_id), h.title, getattr(h, "url", "")) for h in response.hits],
            catalogues=suggestion_matches(text, [*keys("level1"), *keys("level3"), *keys("level2")], limit),
            units=suggestion_matches(text, keys("unit"), limit),
        )

    @staticmethod
    def _hit(hit: Any) -> Hit:
        src = hit.to_dict()
        highlight = hit.meta.highlight.to_dict() if "highlight" in hit.meta else {}
        fragments = [
            fragment
            for name in SNIPPET_FIELDS
            for fragment in (*highlight.get(name, ()), *highlight.get(f"{name}.uni", ()))
        ]
        marked = [f for f in fragments if "<mark>" in f]
        if marked:
            snippet = merge_adjacent_marks(marked[0])
        elif fragments:  # body start (no_match_size): only the title or metadata matched
            snippet = fragments[0]
        else:  # no text query
            snippet = highlight_html(src.get("body") or "", None, SNIPPET_SIZE) or ""
        published = src["published_at"]
        return Hit(
            id=int(src["item_id"]),
            title=src.get("title", ""),
            url=src.get("url", ""),
            unit=src.get("unit", ""),
            unit_path=src.get("unit_path", ""),
            catalog_code=src.get("catalog_code", ""),
            published_at=published if isinstance(published, datetime) else datetime.fromisoformat(published),
            snippet_html=snippet,
            scope=src.get("scope", PUBLIC_SCOPE),
        )
