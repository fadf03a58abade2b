"""Search as people type it, on the demo data and each backend: words in
another order, traditional characters, catalogue codes and 文号 (issue
“Search as people type it”, points 1–3)."""

from __future__ import annotations

import pytest

from search.analysis import add_words, normalize, plan_query, segment, wording_words
from search.indexing import iter_documents
from search.selectors import load_catalogue_wording
from tests.search.helpers import api

pytestmark = pytest.mark.usefixtures("demo_index")


def searchable(doc) -> str:
    return normalize(" ".join([doc.title, doc.body, doc.tables_text, doc.attachments_text, doc.meta_text()]))


@pytest.fixture(scope="module")
def demo_docs(django_db_blocker):
    with django_db_blocker.unblock():  # what the anonymous public may find (the index holds internal items too)
        return [doc for doc in iter_documents() if doc.scope == "public"]


def all_ids(q: str, **params) -> list[int]:
    """Every hit of a query, page by page, as ranked (urls end in the slug, so ids come from the titles' order)."""
    first = api(q, per_page=50, **params)
    urls = [hit["url"] for hit in first["results"]]
    for page in range(2, first["num_pages"] + 1):
        urls += [hit["url"] for hit in api(q, per_page=50, page=page, **params)["results"]]
    return urls


def test_reordered_words_find_the_demo_items_about_dues_collection(demo_docs):
    about = [d for d in demo_docs if "党费收缴" in searchable(d)]
    assert len(about) > 250  # the public ones among the demo items about 党费收缴
    found = api("收缴党费")
    both = [d for d in demo_docs if "收缴" in searchable(d) and "党费" in searchable(d)]
    assert found["total"] == len(both) >= len(about)


def test_phrase_matches_come_before_reordered_ones(demo_docs):
    exact = {d.url for d in demo_docs if "党费收缴" in searchable(d)}
    urls = all_ids("党费收缴")
    assert set(urls[: len(exact)]) == {f"http://testserver{u}" for u in exact}


def test_traditional_query_finds_the_same_items():
    assert api("黨費收繳")["total"] == api("党费收缴")["total"] > 0


@pytest.mark.parametrize("code", ["1-1-4", "５－２－１", "3-3-1"])
def test_catalogue_code_finds_that_codes_items_first(demo_docs, code):
    canonical = normalize(code).replace("－", "-")
    with_code = [d for d in demo_docs if d.catalog_code == canonical]
    assert with_code, canonical
    results = api(code, per_page=50)["results"]
    head = results[: min(len(with_code), 50)]
    assert all(hit["catalog_code"] == canonical for hit in head)


def test_catalogue_wording_goes_into_the_word_dictionary():
    load_catalogue_wording()
    assert "三重一大" in wording_words(["“三重一大”事项研究决策情况"])
    add_words(["三重一大"])
    assert "三重一大" in segment("三重一大事项")
    assert plan_query("事项三重一大").words  # 三重一大 + 事项, in any order


def test_a_dictionary_word_is_still_found_in_another_order():
    # Catalogue wording such as 党费收缴 goes into the dictionary whole; the
    # any-order tier must still look for 党费 and 收缴 apart.
    add_words(["党费收缴"])
    assert segment("党费收缴") == ["党费收缴"]
    plan = plan_query("党费收缴")
    assert plan.words and {p.text for p in plan.words[0]} >= {"党费", "收缴"}
