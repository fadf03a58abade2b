"""Elasticsearch backend specifics: mapping, query shape, index lifecycle."""

from __future__ import annotations

import json
from typing import Any

import pytest

from search.backends.elastic import DisclosureQueryBuilder, ElasticsearchBackend
from search.query import FACETS, MAX_RESULT_WINDOW, SearchQuery
from tests.search.conftest import make_es_backend, osmem_unavailable
from tests.search.test_search_backends import CORPUS, MALFORMED


class FakeCat:
    def __init__(self, plugins: list[dict[str, str]] | Exception) -> None:
        self._plugins = plugins

    def plugins(self, **kwargs: Any) -> list[dict[str, str]]:
        if isinstance(self._plugins, Exception):
            raise self._plugins
        return self._plugins


class FakeClient:
    def __init__(self, plugins: list[dict[str, str]] | Exception) -> None:
        self.cat = FakeCat(plugins)

    def close(self) -> None:
        pass


def offline_backend(plugins: list[dict[str, str]] | Exception = []) -> ElasticsearchBackend:  # noqa: B006
    return ElasticsearchBackend(client=FakeClient(plugins), index_prefix="disclosure")  # type: ignore[arg-type]


def test_builtin_cjk_analysis_without_plugins() -> None:
    backend = offline_backend()
    analysis = backend.detect_analysis()
    assert analysis == {"analysis": "cjk_bigram", "words": None}
    body = backend.index_body(analysis)
    settings = body["settings"]["analysis"]["analyzer"]
    assert settings["zh_bigram"] == {
        "type": "custom",
        "char_filter": ["zh_t2s", "zh_separators"],
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "cjk_bigram"],
    }
    assert body["settings"]["analysis"]["char_filter"]["zh_separators"]["type"] == "pattern_replace"
    t2s = body["settings"]["analysis"]["char_filter"]["zh_t2s"]
    assert t2s["type"] == "mapping" and "黨=>党" in t2s["mappings"] and len(t2s["mappings"]) > 3000
    props = body["mappings"]["properties"]
    for name in ("title", "body", "tables_text", "attachments_text"):
        assert props[name]["index_options"] == "offsets"  # unified highlighter reads offsets
        assert props[name]["fields"]["uni"]["analyzer"] == "zh_unigram"
        assert "words" not in props[name]["fields"]
    assert body["mappings"]["_meta"]["analysis"] == "cjk_bigram"
    assert props["region_path"]["type"] == "keyword"
    assert body["settings"]["number_of_shards"] == 1


@pytest.mark.parametrize(
    "component, index_analyzer, search_analyzer",
    [("analysis-ik", "ik_max_word", "ik_smart"), ("analysis-smartcn", "smartcn", "smartcn")],
)
def test_segmenter_plugin_adds_word_subfields(component: str, index_analyzer: str, search_analyzer: str) -> None:
    backend = offline_backend([{"name": "node-1", "component": component, "version": "8.19.0"}])
    analysis = backend.detect_analysis()
    assert analysis["words"] == component
    body = backend.index_body(analysis)
    words = body["mappings"]["properties"]["body"]["fields"]["words"]
    assert words == {"type": "text", "analyzer": index_analyzer, "search_analyzer": search_analyzer}
    assert body["mappings"]["_meta"]["words_analyzer"] == index_analyzer


def test_plugin_listing_refused_falls_back_to_builtin() -> None:
    assert offline_backend(PermissionError("no _cat for you")).detect_analysis()["words"] is None


def test_prefix_must_be_lowercase() -> None:
    with pytest.raises(ValueError):
        ElasticsearchBackend("http://localhost:9200", "Disclosure")
    with pytest.raises(ValueError):
        ElasticsearchBackend(None, "disclosure")


def test_ping_false_when_unreachable() -> None:
    backend = ElasticsearchBackend("http://127.0.0.1:9", "disclosure", request_timeout=1, max_retries=0)
    assert backend.ping() is False


def _body(query: SearchQuery, words: bool = False) -> dict[str, Any]:
    from search.analysis import plan_query

    builder = DisclosureQueryBuilder(client=None, index="disclosure", words=words)  # type: ignore[arg-type]
    return builder.build(query, plan_query(query.q, [{"纪委", "纪律检查委员会"}])).to_dict()


def test_query_builder_has_one_filter_method_per_facet() -> None:
    for name in FACETS:
        assert callable(getattr(DisclosureQueryBuilder, f"filter_{name}"))


@pytest.mark.parametrize("q", MALFORMED, ids=lambda q: repr(q[:20]))
def test_user_text_never_reaches_query_string(q: str) -> None:
    text = json.dumps(_body(SearchQuery(q=q)), ensure_ascii=False)
    assert "query_string" not in text  # neither query_string nor simple_query_string: multi_match only


def test_query_shape() -> None:
    body = _body(SearchQuery(q="纪委 报告", filters={"region": ["武江区"], "year": ["2025"]}, page=3))
    # Synonyms: OR of alternatives, each an AND of phrases.
    alternatives = body["query"]["bool"]["should"]
    assert len(alternatives) == 2
    assert alternatives[1]["bool"]["must"][0]["multi_match"] == {
        "query": "纪律检查委员会",
        "type": "phrase",
        "fields": ["title^5", "body^1", "tables_text^1", "attachments_text^0.5", "meta_text^2", "simplified_text^1"],
    }
    # Hits filtered by post_filter; each facet aggregates with the other facets' filters.
    assert body["post_filter"]["bool"]["filter"] == [
        {"terms": {"region_path": ["武江区"]}},
        {"terms": {"year": [2025]}},
    ]
    assert body["aggs"]["facet_region"]["filter"]["bool"]["filter"] == [{"terms": {"year": [2025]}}]
    assert body["aggs"]["facet_year"]["filter"]["bool"]["filter"] == [{"terms": {"region_path": ["武江区"]}}]
    assert body["aggs"]["facet_unit"]["aggs"]["values"]["terms"]["field"] == "unit_path"
    assert body["highlight"]["type"] == "unified" and body["highlight"]["encoder"] == "html"
    assert body["highlight"]["max_analyzed_offset"] == 999_999  # the Elasticsearch name (osmem: see conftest)
    assert (body["from"], body["size"]) == (20, 10)
    assert body["track_total_hits"] is True


def test_single_character_chunks_use_unigram_fields() -> None:
    body = _body(SearchQuery(q="党"))
    assert body["query"]["bool"]["must"][0]["multi_match"]["fields"][0] == "title.uni^5"


def test_word_subfields_only_boost() -> None:
    body = _body(SearchQuery(q="党费收缴"), words=True)
    assert body["query"]["bool"]["should"][0]["multi_match"]["fields"][0] == "title.words^5"
    tiers = body["query"]["bool"]["must"][0]["bool"]
    assert tiers["minimum_should_match"] == 1
    phrase_tier, phrases, words = tiers["should"]
    assert phrase_tier["constant_score"]["boost"] > 1000
    assert phrases["bool"]["must"][0]["multi_match"] == {
        **phrases["bool"]["must"][0]["multi_match"],
        "query": "党费收缴",
        "type": "phrase",
    }
    assert [m["multi_match"]["query"] for m in words["bool"]["must"]] == ["党费", "收缴"]


def test_exact_code_tier() -> None:
    body = _body(SearchQuery(q="5-2-1"))
    exact = body["query"]["bool"]["should"][-1]["constant_score"]
    assert list(exact["filter"]["terms"]) == ["exact_keys"] and exact["boost"] >= 1_000_000


def test_deepest_page_within_result_window() -> None:
    body = _body(SearchQuery(q="党", page=10**6, per_page=10))
    assert body["from"] + body["size"] <= MAX_RESULT_WINDOW


def test_live_index_layout(osmem_url: str) -> None:
    backend = make_es_backend(osmem_url, osmem=True)
    try:
        backend.rebuild(CORPUS[:3])
        (name,) = backend.aliased_indices()
        assert name.startswith(backend.alias + "-") and name[len(backend.alias) + 1 :].isdigit()
        mapping = backend.client.indices.get_mapping(index=backend.alias)[name]["mappings"]
        assert mapping["_meta"]["analysis"] == "cjk_bigram"
        assert mapping["properties"]["body"]["index_options"] == "offsets"
        backend.rebuild(CORPUS[:2])
        (newer,) = backend.aliased_indices()
        assert newer != name and not backend.client.indices.exists(index=name)
        assert len(backend.indexed_fingerprints()) == 2
    finally:
        backend.drop()
        backend.close()


def test_osmem_missing_skips_locally_but_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        osmem_unavailable(RuntimeError("no binary"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        osmem_unavailable(RuntimeError("no binary"))
