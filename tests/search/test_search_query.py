"""SearchQuery normalisation, SearchResults paging, IndexDocument."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from search.documents import IndexDocument
from search.query import MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW, SearchQuery, SearchResults


def test_query_strip_and_collapse() -> None:
    query = SearchQuery(q="  党费 \n\t 收缴  ")
    assert query.q == "党费 收缴"
    assert not query.truncated and not query.is_blank


def test_long_query_truncated_with_flag() -> None:
    query = SearchQuery(q="党" * 5000)
    assert len(query.q) == MAX_QUERY_LENGTH
    assert query.truncated
    assert dataclasses.replace(query, page=2).truncated  # kept across replace()
    assert not SearchQuery(q="党" * MAX_QUERY_LENGTH).truncated


def test_filters_cleaned() -> None:
    query = SearchQuery(
        filters={
            "region": [" 武江区 ", "武江区", ""],
            "year": ["2025", "abc", "2024"],
            "unknown": ["x"],
            "unit": "韶关市/武江区/区委办",  # type: ignore[dict-item]
            "level1": [],
        }
    )
    assert query.filters == {"region": ["武江区"], "unit": ["韶关市/武江区/区委办"], "year": ["2025", "2024"]}
    assert SearchQuery(filters={"year": ["x"]}).filters == {}


def test_sort_and_paging_bounds() -> None:
    assert SearchQuery(sort="bogus").sort == "relevance"  # type: ignore[arg-type]
    assert SearchQuery(q="").effective_sort == "date"
    assert SearchQuery(q="党费", sort="date").effective_sort == "date"
    assert SearchQuery(page=-3).page == 1
    assert SearchQuery(per_page=0).per_page == 1
    assert SearchQuery(per_page=10_000).per_page == MAX_PER_PAGE
    for per_page in (1, 7, 10, 50):
        query = SearchQuery(page=10**12, per_page=per_page)
        assert query.offset + query.per_page <= MAX_RESULT_WINDOW
        assert query.page == query.max_page


def test_from_params_accepts_anything() -> None:
    query = SearchQuery.from_params(
        {"q": "党费", "page": "3", "per_page": "x", "sort": "date", "region": ["武江区", "浈江区"], "year": "2025"}
    )
    assert (query.q, query.page, query.per_page, query.sort) == ("党费", 3, 10, "date")
    assert query.filters == {"region": ["武江区", "浈江区"], "year": ["2025"]}
    bad = SearchQuery.from_params({"page": "1e9", "sort": "DROP TABLE"})
    assert bad.page == 1 and bad.sort == "relevance"

    class QueryDictLike(dict):
        def getlist(self, key: str) -> list[str]:
            value = self.get(key)
            return value if isinstance(value, list) else ([] if value is None else [value])

    assert SearchQuery.from_params(QueryDictLike(q="纪委", unit=["a", "b"])).filters == {"unit": ["a", "b"]}


def test_results_num_pages_capped() -> None:
    query = SearchQuery(q="党", per_page=10)
    results = SearchResults.build(query, 123_456, [], {})
    assert results.num_pages == MAX_RESULT_WINDOW // 10
    assert SearchResults.build(query, 0, [], {}).num_pages == 0
    assert SearchResults.build(query, 11, [], {}).num_pages == 2
    assert set(results.facets) == {"region", "unit", "level1", "year", "time_limit"}


def _doc(**overrides: object) -> IndexDocument:
    fields: dict[str, object] = {
        "id": 1,
        "title": "党费收缴情况",
        "body": "正文",
        "region": "武江区",
        "region_path": ["韶关市", "武江区"],
        "unit": "区委办",
        "unit_path": "韶关市/武江区/区委办",
        "year": 2025,
        "published_at": datetime(2025, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))),
        "url": "/a/",
    }
    fields.update(overrides)
    return IndexDocument(**fields)  # type: ignore[arg-type]


def test_document_requires_aware_datetime() -> None:
    with pytest.raises(ValueError):
        _doc(published_at=datetime(2025, 7, 1))


def test_fingerprint_tracks_content_not_time_zone() -> None:
    a = _doc()
    same_instant = _doc(published_at=a.published_at.astimezone(UTC))
    assert a.fingerprint() == same_instant.fingerprint()
    assert a.fingerprint() != _doc(body="正文（修改）").fingerprint()
    assert a.fingerprint() != _doc(url="/b/").fingerprint()
    assert a.fingerprint() != _doc(region_path=["韶关市"]).fingerprint()


def test_document_round_trip() -> None:
    a = _doc(tables_text="表", doc_number="韶武办〔2025〕1号")
    assert IndexDocument.from_dict(a.to_dict()) == a
    assert "区委办" in a.meta_text() and "韶武办〔2025〕1号" in a.meta_text()
