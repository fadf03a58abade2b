"""The shared behaviour suite: every backend must pass every test here.

Expected results come from plain-Python oracles over the corpus (substring
search on normalised text, facet counting), not from another backend, so a
test failure points at the backend that deviates.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from search.analysis import normalize, plan_query, query_chunks
from search.backends.base import SearchBackend
from search.backends.elastic import ElasticsearchBackend
from search.documents import IndexDocument
from search.query import FACETS, MAX_RESULT_WINDOW, PUBLIC, SearchQuery, SearchResults, Visibility

CST = timezone(timedelta(hours=8))
SYNONYMS = [{"纪委", "纪律检查委员会"}, {"三重一大", "重大事项集体决策"}]

UNITS = {
    "区委办": ["韶关市", "武江区"],
    "区委组织部": ["韶关市", "武江区"],
    "浈江区委办": ["韶关市", "浈江区"],
    "市委组织部": ["韶关市"],
    "西联镇党委": ["韶关市", "武江区", "西联镇"],
}


def doc(
    id: int,
    title: str,
    body: str = "",
    *,
    unit: str = "区委办",
    level1: str = "党的组织建设",
    year: int | None = 2025,
    time_limit: str = "半年",
    published: datetime | None = None,
    tables_text: str = "",
    attachments_text: str = "",
) -> IndexDocument:
    path = UNITS[unit]
    return IndexDocument(
        id=id,
        title=title,
        body=body,
        tables_text=tables_text,
        attachments_text=attachments_text,
        region=path[-1],
        region_path=list(path),
        unit=unit,
        unit_path="/".join([*path, unit]),
        catalog_code="1-1-1",
        level1=level1,
        level2="日常工作",
        level3="情况公开",
        year=year,
        period=f"{year}年上半年" if year else "",
        time_limit=time_limit,
        doc_number=f"韶武办〔{year}〕{id}号",
        published_at=published or datetime(2025, 1, 1, 9, 0, tzinfo=CST) + timedelta(days=id),
        url=f"/items/{id}/",
    )


def make_corpus() -> list[IndexDocument]:
    return [
        doc(1, "关于2025年上半年党费收缴情况的公示", "本支部按时完成党费收缴工作，收缴党费共计3200元。"),
        # The decoy: 党 and 费 both occur, but apart (党员费用), never as 党费.
        doc(2, "党员活动经费使用情况", "党员费用报销按规定执行，活动经费专款专用。", unit="浈江区委办", year=2024),
        doc(
            3, "第二季度工作情况通报", "各支部认真开展组织生活，并按月缴纳党费。", unit="区委组织部", time_limit="定期"
        ),
        doc(
            4, "区纪律检查委员会2024年工作报告", "区纪律检查委员会坚持全面从严治党。", level1="党风廉政建设", year=2024
        ),
        doc(5, "党费管理规定<b>", "党费使用说明<script>alert('x')</script>请勿转载。", unit="市委组织部"),
        doc(
            6,
            "召开2024年度民主生活会情况",
            "领导班子召开民主生活会，开展批评与自我批评。",
            year=2024,
            time_limit="年度",
        ),
        doc(
            7,
            "三重一大事项决策情况公开",
            "研究三重一大事项两项，均经集体讨论决定。",
            level1="重大决策",
            unit="西联镇党委",
        ),
        doc(
            8,
            "重大事项集体决策制度",
            "凡重大事项集体决策，须会前充分酝酿。",
            level1="重大决策",
            year=2023,
            unit="浈江区委办",
        ),
        doc(
            9, "干部任前公示", "拟任职干部名单，公示期五个工作日。入党", level1="干部工作", unit="市委组织部", year=2023
        ),
        doc(
            10, "发展党员工作情况", "本年度发展党员2名，入党积极分子5名。", unit="西联镇党委", year=None, time_limit=""
        ),
        doc(
            11,
            "2025年党建工作要点",
            "",
            tables_text="序号 项目 党费收缴 金额 1200元",
            attachments_text="附件：ＡＢＣ 党建工作台账 2025年版",
            unit="区委组织部",
        ),
        doc(
            12, "Ｗｅｂ门户 AND OR NOT 测试", "The portal (v2.0) supports * and : characters; 门户网站上线。", year=2022
        ),
        # Matches in the title only; the snippet comes from an unmatched body.
        doc(13, "民主评议党员结果", "<script>steal()</script>评议结果见附表。", time_limit="年度", year=2023),
    ]


CORPUS = make_corpus()
BY_ID = {d.id: d for d in CORPUS}


# --- oracles ---------------------------------------------------------------------------


def searchable(d: IndexDocument) -> str:
    return normalize(" ".join([d.title, d.body, d.tables_text, d.attachments_text, d.meta_text()]))


def expected_ids(q: str, filters: dict[str, list[str]] | None = None, corpus: list[IndexDocument] = CORPUS) -> set[int]:
    """Every chunk of the query occurs in the text (CJK: as a substring), or
    every word of the query's word clause does (the words in another order)."""
    chunks = query_chunks(q)
    word_lists = [[p.text for p in phrases] for phrases in plan_query(q).words]
    return {
        d.id
        for d in corpus
        if (all(c in searchable(d) for c in chunks) or any(all(w in searchable(d) for w in ws) for ws in word_lists))
        and passes(d, filters or {})
    }


def facet_values(d: IndexDocument, name: str) -> list[str]:
    if name == "region":
        return list(d.region_path)
    if name == "unit":
        return [d.unit_path]
    if name == "year":
        return [str(d.year)] if d.year is not None else []
    value = getattr(d, name)
    return [value] if value else []


def passes(d: IndexDocument, filters: dict[str, list[str]], skip: str | None = None) -> bool:
    return all(set(facet_values(d, n)) & set(v) for n, v in filters.items() if n != skip)


def expected_facets(ids: set[int], filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Counts over the text matches, each facet with the other facets' filters."""
    out: dict[str, dict[str, int]] = {}
    for name in FACETS:
        counts: Counter[str] = Counter()
        for i in ids:
            if passes(BY_ID[i], filters, skip=name):
                counts.update(facet_values(BY_ID[i], name))
        out[name] = dict(counts)
    return out


def run(backend: SearchBackend, q: str = "", synonyms: list[set[str]] | None = None, **kwargs: object) -> SearchResults:
    return backend.search(SearchQuery(q=q, per_page=50, **kwargs), synonyms=synonyms or ())  # type: ignore[arg-type]


def ids_of(results: SearchResults) -> set[int]:
    return {h.id for h in results.hits}


@pytest.fixture
def backend(empty_backend: SearchBackend) -> Iterator[SearchBackend]:
    empty_backend.rebuild(CORPUS)
    yield empty_backend


# --- matching ----------------------------------------------------------------------------


def test_two_character_word_found_inside_longer_words(backend: SearchBackend) -> None:
    results = run(backend, "党费")
    assert ids_of(results) == expected_ids("党费") == {1, 3, 5, 11}
    assert results.total == 4


def test_characters_apart_do_not_match(backend: SearchBackend) -> None:
    # 党员费用 contains 党 and 费 but not 党费.
    assert 2 not in ids_of(run(backend, "党费"))
    assert ids_of(run(backend, "党员费用")) == {2}


@pytest.mark.parametrize(
    "q", ["党费", "党费收", "党费收缴", "民主生活会", "三重一大事", "批评与自我批评", "入党积极分子"]
)
def test_queries_of_two_to_six_characters(backend: SearchBackend, q: str) -> None:
    expected = expected_ids(q)
    assert expected, f"corpus should contain {q}"
    assert ids_of(run(backend, q)) == expected


def test_single_character_query_matches_anywhere(backend: SearchBackend) -> None:
    # 入党 at the very end of doc 9's body: the last character of a run.
    assert ids_of(run(backend, "党")) == expected_ids("党")
    assert 9 in expected_ids("党")


def test_mixed_latin_digits_and_width(backend: SearchBackend) -> None:
    assert ids_of(run(backend, "ＷＥＢ门户")) == {12}  # full-width, upper case
    assert ids_of(run(backend, "web")) == {12}
    assert ids_of(run(backend, "abc")) == {11}  # ＡＢＣ in an attachment
    assert ids_of(run(backend, "2025年")) == expected_ids("2025年")
    assert ids_of(run(backend, "v2.0")) == {12}  # split at the dot on both sides
    assert ids_of(run(backend, "v2")) == {12}
    assert ids_of(run(backend, "v")) == set()  # Latin words match whole


def test_several_chunks_must_all_match(backend: SearchBackend) -> None:
    assert ids_of(run(backend, "党费 公示")) == expected_ids("党费 公示") == {1}


def test_searches_tables_attachments_and_metadata(backend: SearchBackend) -> None:
    assert 11 in ids_of(run(backend, "党建工作台账"))  # attachment text
    assert ids_of(run(backend, "西联镇党委")) == {7, 10}  # unit path, metadata only
    assert ids_of(run(backend, "韶武办〔2023〕9号")) == {9}  # document number


def test_title_match_ranks_first(backend: SearchBackend) -> None:
    hits = run(backend, "民主生活会").hits
    assert hits[0].id == 6
    hits = run(backend, "党费").hits
    title_ids = {d.id for d in CORPUS if "党费" in d.title}
    assert {h.id for h in hits[: len(title_ids)]} == title_ids  # 1 and 5 before 3 and 11


# --- highlighting ------------------------------------------------------------------------


def test_highlight_marks_the_match(backend: SearchBackend) -> None:
    hit = next(h for h in run(backend, "党费").hits if h.id == 1)
    assert "<mark>党费</mark>" in hit.snippet_html
    hit = next(h for h in run(backend, "党费收缴").hits if h.id == 1)
    assert "<mark>党费收缴</mark>" in hit.snippet_html  # overlapping bigrams merged into one mark


def test_highlight_escapes_document_html(backend: SearchBackend) -> None:
    hit = next(h for h in run(backend, "党费").hits if h.id == 5)
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>党费</mark>" in hit.snippet_html
    without_marks = hit.snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks


def test_snippet_when_only_the_title_or_metadata_matches(backend: SearchBackend) -> None:
    (hit,) = run(backend, "民主评议").hits
    assert hit.id == 13
    assert "&lt;script&gt;steal()" in hit.snippet_html and "<script>" not in hit.snippet_html
    assert "<mark>" not in hit.snippet_html
    hits = run(backend, "西联镇党委").hits
    assert {h.id for h in hits} == {7, 10}
    for hit in hits:
        assert hit.snippet_html.startswith(BY_ID[hit.id].body[:10])


def test_hit_fields(backend: SearchBackend) -> None:
    hit = next(h for h in run(backend, "党费收缴").hits if h.id == 1)
    d = BY_ID[1]
    assert (hit.title, hit.url, hit.unit, hit.unit_path, hit.catalog_code) == (
        d.title,
        d.url,
        d.unit,
        d.unit_path,
        d.catalog_code,
    )
    assert hit.published_at == d.published_at
    assert hit.published_at.tzinfo is not None


# --- facets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, filters",
    [
        ("党", {}),
        ("", {}),
        ("党", {"region": ["武江区"]}),
        ("党", {"region": ["武江区"], "year": ["2025"]}),
        ("", {"unit": ["韶关市/浈江区/浈江区委办", "韶关市/市委组织部"], "level1": ["重大决策"]}),
        ("党", {"time_limit": ["半年", "年度"], "year": ["2024", "2025"]}),
    ],
)
def test_facet_counts(backend: SearchBackend, q: str, filters: dict[str, list[str]]) -> None:
    results = run(backend, q, filters=filters)
    text_ids = expected_ids(q) if q else set(BY_ID)
    assert ids_of(results) == {i for i in text_ids if passes(BY_ID[i], filters)}
    assert results.total == len(ids_of(results))
    expected = expected_facets(text_ids, filters)
    for name in FACETS:
        assert dict(results.facets[name]) == expected[name], name
        counts = [c for _, c in results.facets[name]]
        assert counts == sorted(counts, reverse=True)  # most frequent first


def test_region_filter_includes_regions_below(backend: SearchBackend) -> None:
    # 西联镇 sits under 武江区: filtering on 武江区 includes its items.
    results = run(backend, "", filters={"region": ["武江区"]})
    assert {7, 10} <= ids_of(results)
    assert ids_of(run(backend, "", filters={"region": ["西联镇"]})) == {7, 10}


def test_filters_or_within_and_across_facets(backend: SearchBackend) -> None:
    one = ids_of(run(backend, "", filters={"year": ["2024"]}))
    both = ids_of(run(backend, "", filters={"year": ["2024", "2023"]}))
    assert one < both
    combined = ids_of(run(backend, "", filters={"year": ["2024", "2023"], "region": ["浈江区"]}))
    assert combined == {2, 8}


def test_unknown_filter_values_match_nothing(backend: SearchBackend) -> None:
    results = run(backend, "党费", filters={"region": ["不存在区"]})
    assert results.total == 0 and results.hits == []
    results = run(backend, "", filters={"year": ["1999"], "unit": ["nope"]})
    assert results.total == 0


# --- sorting and paging ----------------------------------------------------------------------------


def test_sort_by_date(backend: SearchBackend) -> None:
    hits = run(backend, "党", sort="date").hits
    dates = [h.published_at for h in hits]
    assert dates == sorted(dates, reverse=True)
    assert {h.id for h in hits} == expected_ids("党")


def test_blank_query_lists_everything_newest_first(backend: SearchBackend) -> None:
    results = run(backend, "")
    assert results.total == len(CORPUS)
    assert [h.id for h in results.hits] == [d.id for d in sorted(CORPUS, key=lambda d: d.published_at, reverse=True)]


def test_pagination(backend: SearchBackend) -> None:
    seen: list[int] = []
    first = backend.search(SearchQuery(q="", per_page=5, page=1))
    assert first.num_pages == 3 and first.total == len(CORPUS)
    for page in range(1, first.num_pages + 1):
        results = backend.search(SearchQuery(q="", per_page=5, page=page, sort="date"))
        assert results.page == page
        seen += [h.id for h in results.hits]
    assert sorted(seen) == sorted(BY_ID)  # every item once
    beyond = backend.search(SearchQuery(q="", per_page=5, page=4))
    assert beyond.hits == [] and beyond.total == len(CORPUS)


def test_page_numbers_capped_at_result_window(backend: SearchBackend) -> None:
    query = SearchQuery(q="党", page=10**9, per_page=10)
    assert query.page == MAX_RESULT_WINDOW // 10
    assert query.offset + query.per_page <= MAX_RESULT_WINDOW
    results = backend.search(query)  # Elasticsearch rejects from + size > 10,000
    assert results.hits == [] and results.total == len(expected_ids("党"))
    odd = SearchQuery(q="党", page=10**9, per_page=7)
    assert odd.offset + odd.per_page <= MAX_RESULT_WINDOW
    backend.search(odd)


# --- hostile input --------------------------------------------------------------------------


MALFORMED = [
    '"',
    '"党费',
    "党费\"收缴'",
    "(党费",
    "党费)) OR ((",
    "AND OR NOT",
    "NOT 党费",
    "党费 AND",
    "*",
    "党*",
    "title:党费",
    ":",
    "\\",
    "党费\\",
    '\\\\"',
    "NEAR(党费 收缴)",
    "^党费",
    "党费 -收缴 +公示 | ~ && ||",
    "{!lucene}党费",
    "/[a-z]+/",
    "党" * 5000,
    "😀",
    "😀党费🎉",
    "\x00\x01党费",
    "",
    "   ",
    "\u3000",
    "<script>alert(1)</script>",
    "%' OR 1=1 --",
    "党费" + "\n" * 50 + "收缴",
]


@pytest.mark.parametrize("q", MALFORMED, ids=lambda q: repr(q[:20]))
def test_malformed_queries_never_raise(backend: SearchBackend, q: str) -> None:
    results = backend.search(SearchQuery(q=q), synonyms=SYNONYMS)
    assert isinstance(results, SearchResults)
    assert results.total >= 0
    for hit in results.hits:
        assert "<script>" not in hit.snippet_html


@pytest.mark.parametrize(
    "filters",
    [
        {"year": ["²", "99999999999", "-1", "2025.0"]},
        {"region": ["x" * 10_000], "unit": ['"; DROP TABLE docs; --'], "level1": ["*"], "time_limit": ["\\"]},
        {"region": [str(i) for i in range(500)]},
        {"nonsense": ["x"]},
    ],
)
def test_malformed_filters_never_raise(backend: SearchBackend, filters: dict[str, list[str]]) -> None:
    results = backend.search(SearchQuery(q="党费", filters=filters))
    assert isinstance(results, SearchResults)
    assert backend.search(SearchQuery(q="")).total == len(CORPUS)  # nothing was harmed


def test_many_words_and_synonyms_stay_bounded(backend: SearchBackend) -> None:
    many = [{f"词{i}", f"语{i}", f"字{i}"} for i in range(30)]
    q = " ".join(f"词{i}" for i in range(30))
    assert backend.search(SearchQuery(q=q), synonyms=many).total == 0
    assert backend.search(SearchQuery(q="党 " * 40), synonyms=many).total == len(expected_ids("党"))


def test_operators_are_plain_text(backend: SearchBackend) -> None:
    # AND/OR/NOT are words to look for, not operators: only doc 12 has them.
    assert ids_of(run(backend, "AND OR NOT")) == {12}
    assert ids_of(run(backend, "NOT 党费")) == set()
    assert ids_of(run(backend, "党费)) OR ((")) == set()  # "or" must occur too
    assert ids_of(run(backend, '"党费"')) == expected_ids("党费")
    assert ids_of(run(backend, "党*")) == expected_ids("党")


def test_long_query_truncated_with_flag(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery(q="党" * 5000))
    assert results.truncated is True
    assert run(backend, "党费").truncated is False


def test_nothing_searchable_finds_nothing(backend: SearchBackend) -> None:
    assert run(backend, "😀").total == 0
    assert run(backend, "!!!").total == 0


# --- synonyms ---------------------------------------------------------------------------


def test_synonyms(backend: SearchBackend) -> None:
    assert 4 not in ids_of(run(backend, "纪委"))
    results = backend.search(SearchQuery(q="纪委"), synonyms=SYNONYMS)
    assert 4 in ids_of(results)
    hit = next(h for h in results.hits if h.id == 4)
    assert "<mark>纪律检查委员会</mark>" in hit.snippet_html
    both = ids_of(backend.search(SearchQuery(q="三重一大", per_page=50), synonyms=SYNONYMS))
    assert both == {7, 8}
    # Reverse direction and combination with another chunk.
    assert 4 in ids_of(backend.search(SearchQuery(q="纪律检查委员会 报告"), synonyms=SYNONYMS))


# --- writing -------------------------------------------------------------------------------


def test_delete_removes_a_document(backend: SearchBackend) -> None:
    backend.delete([1, 999_999])  # unknown ids are ignored
    assert 1 not in ids_of(run(backend, "党费"))
    assert 1 not in backend.indexed_fingerprints()
    assert run(backend, "").total == len(CORPUS) - 1


def test_index_replaces_a_document(backend: SearchBackend) -> None:
    changed = doc(3, "第二季度工作情况通报（更正）", "本次更正删除了有关内容。", unit="区委组织部")
    backend.index([changed])
    assert 3 not in ids_of(run(backend, "党费"))
    assert ids_of(run(backend, "更正")) == {3}
    assert backend.indexed_fingerprints()[3] == changed.fingerprint() != BY_ID[3].fingerprint()
    assert run(backend, "").total == len(CORPUS)


def test_index_into_an_empty_backend(empty_backend: SearchBackend) -> None:
    assert empty_backend.search(SearchQuery(q="党费")).total == 0  # never built: no error
    empty_backend.index([BY_ID[1]])
    assert ids_of(empty_backend.search(SearchQuery(q="党费"))) == {1}


def test_indexed_fingerprints(backend: SearchBackend) -> None:
    assert backend.indexed_fingerprints() == {d.id: d.fingerprint() for d in CORPUS}


def test_clear(backend: SearchBackend) -> None:
    backend.clear()
    assert backend.search(SearchQuery(q="")).total == 0
    assert backend.indexed_fingerprints() == {}
    backend.index([BY_ID[6]])
    assert ids_of(run(backend, "民主生活会")) == {6}


def test_ping(backend: SearchBackend) -> None:
    assert backend.ping() is True


def test_rebuild_keeps_searches_answered(backend: SearchBackend) -> None:
    """A search during the rebuild sees the old index, after it the new one."""
    new_corpus = [d for d in CORPUS if d.id != 1] + [doc(100, "新增的党费公示", "党费收缴补充说明。")]
    during: list[set[int]] = []
    errors: list[BaseException] = []
    progress: list[int] = []

    def search_elsewhere() -> None:
        # Another thread, as another web worker would be: the embedded
        # backend's writer holds its own connection in a transaction.
        try:
            during.append(ids_of(backend.search(SearchQuery(q="党费", per_page=50))))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def docs() -> Iterator[IndexDocument]:
        for i, d in enumerate(new_corpus):
            if i == len(new_corpus) // 2:
                thread = threading.Thread(target=search_elsewhere)
                thread.start()
                thread.join(30)
            yield d

    old_indices = backend.aliased_indices() if isinstance(backend, ElasticsearchBackend) else []
    count = backend.rebuild(docs(), progress=progress.append)

    assert not errors, errors
    assert during == [{1, 3, 5, 11}]  # the old index, complete
    assert count == len(new_corpus) and progress and progress[-1] == len(new_corpus)
    assert ids_of(run(backend, "党费")) == {3, 5, 11, 100}
    assert backend.indexed_fingerprints() == {d.id: d.fingerprint() for d in new_corpus}
    if isinstance(backend, ElasticsearchBackend):
        new_indices = backend.aliased_indices()
        assert len(new_indices) == 1 and new_indices != old_indices
        assert not backend.client.indices.exists(index=old_indices[0])  # old index deleted
        assert new_indices[0].startswith(backend.alias + "-")


def test_failed_rebuild_keeps_the_old_index(backend: SearchBackend) -> None:
    def broken() -> Iterator[IndexDocument]:
        yield doc(200, "半途而废", "党费")
        raise RuntimeError("database went away")

    before = backend.indexed_fingerprints()
    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.indexed_fingerprints() == before
    assert ids_of(run(backend, "党费")) == {1, 3, 5, 11}
    if isinstance(backend, ElasticsearchBackend):
        assert len(backend.client.indices.get(index=f"{backend.alias}-*")) == 1  # the new one removed


# --- as people type it: word order, traditional characters, codes ------------------------

TYPED = [
    doc(101, "收缴党费情况说明", "按月收缴党费。"),  # the query 收缴党费 as typed
    doc(102, "党费收缴工作", "党费收缴按时完成。"),  # the same words, the other order
    doc(103, "党费使用", "党费使用规范，收缴方式另行通知。"),  # the words apart
    doc(104, "党员费用收缴", "党员费用按月收缴。"),  # decoy: 收缴, but no 党费
    doc(105, "黨費收繳情況", "本支部黨費收繳工作。"),  # traditional characters
    dataclasses.replace(doc(106, "年度目录事项", "内容见附件。"), catalog_code="5-2-1"),
    dataclasses.replace(doc(107, "其他目录事项", "会议于2015-2-1召开，5-2-1号文件。"), catalog_code="1-3-5"),
    dataclasses.replace(doc(108, "发文事项", "正文。"), doc_number="武区办〔2026〕7号"),
    doc(109, "转发通知", "根据武区办〔2026〕7号文件精神。"),
]


@pytest.fixture
def typed(empty_backend: SearchBackend) -> Iterator[SearchBackend]:
    empty_backend.rebuild([*CORPUS, *TYPED])
    yield empty_backend


def ranked(backend: SearchBackend, q: str) -> list[int]:
    return [h.id for h in run(backend, q).hits]


def test_words_in_another_order_are_found_after_the_phrase(typed: SearchBackend) -> None:
    hits = ranked(typed, "收缴党费")
    exact = {1, 101}  # contain 收缴党费 as typed
    assert set(hits[: len(exact)]) == exact
    assert {102, 103, 105} <= set(hits)  # 党费收缴, apart, and in traditional characters
    assert 104 not in hits  # no 党费 at all
    assert set(hits) == expected_ids("收缴党费", corpus=[*CORPUS, *TYPED]) | {105}
    # And the other way round.
    hits = ranked(typed, "党费收缴")
    assert {101, 102, 1, 11} <= set(hits) and 104 not in hits
    assert 101 not in hits[:3]  # 102, 1 and 11 contain 党费收缴 itself


def test_words_need_every_word(typed: SearchBackend) -> None:
    assert 104 not in ranked(typed, "收缴党费")
    assert ranked(typed, "收缴经费") == []  # 经费 and 收缴 never occur together


def test_traditional_finds_simplified_and_back(typed: SearchBackend) -> None:
    simplified = set(ranked(typed, "党费收缴"))
    assert 105 in simplified
    assert set(ranked(typed, "黨費收繳")) == simplified
    assert set(ranked(typed, "黨費")) == set(ranked(typed, "党费"))


def test_full_width_and_half_width_match(typed: SearchBackend) -> None:
    assert ranked(typed, "５－２－１") == ranked(typed, "5-2-1")
    assert ranked(typed, "ＷＥＢ") == ranked(typed, "web") == [12]


@pytest.mark.parametrize("q", ["5-2-1", "５－２－１", "5.2.1", "5—2—1"])
def test_catalogue_code_finds_that_codes_items_first(typed: SearchBackend, q: str) -> None:
    hits = ranked(typed, q)
    assert hits[0] == 106


def test_catalogue_code_of_the_corpus(typed: SearchBackend) -> None:
    hits = ranked(typed, "1-1-1")
    with_code = {d.id for d in [*CORPUS, *TYPED] if d.catalog_code == "1-1-1"}
    assert set(hits[: len(with_code)]) == with_code


@pytest.mark.parametrize("q", ["武区办〔2026〕7号", "武区办[2026]7号", "武区办（2026）7号", "武区办2026 7号"])
def test_document_number_finds_its_item_first(typed: SearchBackend, q: str) -> None:
    hits = ranked(typed, q)
    assert hits[0] == 108
    assert 109 in hits  # mentioned in the text: found, after


# --- suggestions ---------------------------------------------------------------------------


def test_suggest_titles_newest_first(typed: SearchBackend) -> None:
    with_dues = sorted((d.id for d in [*CORPUS, *TYPED] if "党费" in normalize(d.title)), reverse=True)
    assert [t.id for t in typed.suggest("党费").titles] == with_dues[:8]
    assert [t.id for t in typed.suggest("黨費").titles] == with_dues[:8]  # traditional typed, or written
    assert typed.suggest("党费").titles[0].url == "/items/105/"


def test_suggest_catalogues_and_units(typed: SearchBackend) -> None:
    assert typed.suggest("区委").units == [
        "韶关市/武江区/区委办",
        "韶关市/武江区/区委组织部",
        "韶关市/浈江区/浈江区委办",
    ]
    assert "重大决策" in typed.suggest("重大").catalogues
    assert typed.suggest("情况公开").catalogues == ["情况公开"]


def test_suggest_leaves_out_excluded_items(typed: SearchBackend) -> None:
    assert 105 not in [t.id for t in typed.suggest("党费", exclude=[105]).titles]


@pytest.mark.parametrize("text", ["", "   ", "🙂", "*", '"', "OR", "a" * 200])
def test_suggest_never_raises(typed: SearchBackend, text: str) -> None:
    typed.suggest(text)


# --- who may find what: the visibility filter inside the index query -------------------------------
#
# Tree paths as Wagtail's: four characters per level. Unit A (区委办) at 000100010001, unit B
# (浈江区委办) at 000100010002; a reach over both at 00010001. The needles occur in no other document.

UNIT_A, UNIT_B, REACH = "000100010001", "000100010002", "00010001"
PARTY, COMMITTEE = frozenset({"party"}), frozenset({"party", "committee"})
EVERY_SCOPE = frozenset({"public", "party", "committee"})


def scoped(id: int, title: str, scope: str, unit_path: str, **kwargs: object) -> IndexDocument:
    unit = "区委办" if unit_path == UNIT_A else "浈江区委办"
    return dataclasses.replace(
        doc(id, title, f"{title}的正文。", unit=unit, **kwargs),  # type: ignore[arg-type]
        scope=scope,
        tree_path=f"{unit_path}0001000100010{id:03d}",
        level3=f"{title}目录",
    )


SCOPED = [
    scoped(201, "针甲公开事项", "public", UNIT_A),
    scoped(202, "针甲党内事项", "party", UNIT_A, level1="党内组织生活"),
    scoped(203, "针甲委员事项", "committee", UNIT_A, year=2023),
    scoped(204, "针甲乙单位党内事项", "party", UNIT_B, level1="乙单位组织生活"),
]


@pytest.fixture
def with_internal(empty_backend: SearchBackend) -> Iterator[SearchBackend]:
    empty_backend.rebuild([*CORPUS, *SCOPED])
    yield empty_backend


def seen(backend: SearchBackend, q: str = "针甲", visibility: Visibility = PUBLIC, **kwargs: object) -> SearchResults:
    return backend.search(SearchQuery(q=q, per_page=50, **kwargs), visibility=visibility)  # type: ignore[arg-type]


MEMBER_OF_A = Visibility(grants=((PARTY, UNIT_A),))
COMMITTEE_OF_A = Visibility(grants=((COMMITTEE, UNIT_A),))
SUPERVISOR = Visibility(grants=((EVERY_SCOPE, REACH),))


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        (PUBLIC, {201}),
        (MEMBER_OF_A, {201, 202}),
        (COMMITTEE_OF_A, {201, 202, 203}),
        (Visibility(grants=((PARTY, UNIT_B),)), {201, 204}),
        (Visibility(grants=((PARTY, UNIT_A), (PARTY, UNIT_B))), {201, 202, 204}),
        (SUPERVISOR, {201, 202, 203, 204}),
        (Visibility(grants=((EVERY_SCOPE, "00010002"),)), {201}),  # a reach elsewhere
        (Visibility(everything=True), {201, 202, 203, 204}),
    ],
    ids=["anonymous", "member_a", "committee_a", "member_b", "member_a_and_b", "supervisor", "elsewhere", "all"],
)
def test_visibility_decides_hits_total_and_facets(
    with_internal: SearchBackend, visibility: Visibility, expected: set[int]
) -> None:
    for sort in ("relevance", "date"):
        results = seen(with_internal, visibility=visibility, sort=sort)
        assert ids_of(results) == expected and results.total == len(expected), sort
        found = [d for d in SCOPED if d.id in expected]
        assert dict(results.facets["unit"]) == dict(Counter(d.unit_path for d in found))
        assert dict(results.facets["level1"]) == dict(Counter(d.level1 for d in found))
        assert dict(results.facets["year"]) == dict(Counter(str(d.year) for d in found))
    assert {h.id: h.scope for h in seen(with_internal, visibility=visibility).hits} == {
        d.id: d.scope for d in SCOPED if d.id in expected
    }
    # Browsing without text and filtering by facet go through the same filter.
    listed = with_internal.search(SearchQuery(per_page=50), visibility=visibility)
    assert {h.id for h in listed.hits} & {d.id for d in SCOPED} == expected
    assert listed.total == len(CORPUS) + len(expected)
    assert dict(listed.facets["level1"]).get("党内组织生活", 0) == (202 in expected)
    filtered = seen(with_internal, visibility=visibility, filters={"unit": ["韶关市/浈江区/浈江区委办"]})
    assert ids_of(filtered) == expected & {204}


def test_a_needle_of_another_unit_is_found_by_no_member_of_this_one(with_internal: SearchBackend) -> None:
    for visibility in (PUBLIC, MEMBER_OF_A, COMMITTEE_OF_A):
        for q in ("针甲乙单位", "乙单位党内", "乙单位组织生活"):
            results = seen(with_internal, q, visibility)
            assert results.total == 0 and results.hits == [], (visibility, q)
            assert all(not values for values in results.facets.values()), (visibility, q)
        assert with_internal.suggest("针甲乙", visibility=visibility).titles == []
        assert with_internal.suggest("乙单位", visibility=visibility).catalogues == []


def test_exclude_and_visibility_together(with_internal: SearchBackend) -> None:
    results = with_internal.search(SearchQuery(q="针甲", per_page=50), exclude=[202], visibility=COMMITTEE_OF_A)
    assert ids_of(results) == {201, 203}


def test_suggestions_follow_visibility(with_internal: SearchBackend) -> None:
    def titles(visibility: Visibility) -> set[int]:
        return {t.id for t in with_internal.suggest("针甲", visibility=visibility).titles}

    assert titles(PUBLIC) == {201}
    assert titles(MEMBER_OF_A) == {201, 202}
    assert titles(SUPERVISOR) == {201, 202, 203, 204}
    # Catalogue names of internal items only for those who may read one of them.
    assert with_internal.suggest("针甲党内", visibility=PUBLIC).catalogues == []
    assert with_internal.suggest("针甲党内", visibility=MEMBER_OF_A).catalogues == ["针甲党内事项目录"]
    assert "党内组织生活" not in with_internal.suggest("组织生活").catalogues
    assert "党内组织生活" in with_internal.suggest("组织生活", visibility=MEMBER_OF_A).catalogues


@pytest.mark.parametrize("grant", [(PARTY, "0001'; --"), (frozenset({"Party"}), UNIT_A), (PARTY, "")])
def test_visibility_refuses_grants_that_are_not_tree_paths(grant: tuple[frozenset[str], str]) -> None:
    with pytest.raises(ValueError):
        Visibility(grants=(grant,))
