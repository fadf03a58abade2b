"""The public search page /search/ and its JSON twin /api/search/ (issue 4
points 4 and 5), on each backend: highlighted results, facets with counts
that combine, sorting, pagination, synonyms, malformed input, no results,
over-long queries, and an index that is down."""

from __future__ import annotations

import datetime
import html
import re
from urllib.parse import urlencode

import pytest

from disclosure_pages.models import CatalogNodePage
from search.query import MAX_QUERY_LENGTH
from search.services import index_sync
from tests.builders import make_item, node_for
from tests.search.helpers import CITY, LK, WJ, ZJ, api, facet_counts, found_titles

pytestmark = pytest.mark.usefixtures("site_backend")


def day(y: int, m: int, d: int = 1) -> datetime.date:
    return datetime.date(y, m, d)


@pytest.fixture
def corpus(site_backend):
    """Six public items mentioning 鲲鹏 across regions, units, years and time
    limits, one internal item that says 鲲鹏 too, all sent to the index."""
    items = {
        "wj_plan": make_item(
            WJ,
            "1-1-1",
            title="鲲鹏计划班子分工",
            body="<p>鲲鹏计划由书记牵头，鲲鹏小组具体落实。</p>",
            scope="public",
            period={"year": 2025},
            published=day(2025, 3),
        ),
        "wj_dues": make_item(
            WJ,
            "1-1-4",
            title="党费收缴鲲鹏专项",
            body="<p>上半年鲲鹏专项党费按时收缴。</p>",
            scope="public",
            period={"year": 2026, "half": 1},
            published=day(2026, 3),
        ),
        "zj": make_item(
            ZJ,
            "1-1-1",
            title="浈江区鲲鹏工作",
            body="<p>浈江区推进鲲鹏工作。</p>",
            scope="public",
            period={"year": 2026},
            published=day(2026, 2),
        ),
        "city": make_item(
            CITY,
            "1-1-1",
            title="市委办鲲鹏通报",
            body="<p>鲲鹏通报全文。</p>",
            scope="public",
            period={"year": 2024},
            published=day(2024, 5),
        ),
        "lk": make_item(
            LK,
            "1-1-1",
            title="龙口鲲鹏事项",
            body="<p>龙口市鲲鹏事项公开。</p>",
            scope="public",
            period={"year": 2026},
            published=day(2026, 1),
        ),
        # Newest, but the word is only once in the body: last by relevance, first by date.
        "summary": make_item(
            WJ,
            "1-1-3",
            title="年度工作总结",
            body="<p>另见鲲鹏，全年工作平稳。</p>",
            scope="public",
            period={"year": 2026},
            published=day(2026, 6),
        ),
    }
    internal = make_item(WJ, "1-1-1", title="党内鲲鹏名单", scope="party", published=day(2026, 4))
    index_sync(item_ids=[*(i.pk for i in items.values()), internal.pk])
    return items


def link(escape: bool = True, **params) -> str:
    """An href as the page writes it."""
    url = f"/search/?{urlencode(params)}"
    return f'href="{url.replace("&", "&amp;")}"' if escape else url


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- results and highlighting --------------------------------------------------------


def test_results_are_highlighted_in_titles_and_snippets(client, corpus):
    content = page(client, q="鲲鹏")
    assert "找到与“<strong>鲲鹏</strong>”相关的公开信息 6 条" in content
    assert "<mark>鲲鹏</mark>计划班子分工" in content  # the title
    assert "<mark>鲲鹏</mark>计划由书记牵头" in content  # the snippet
    assert "党内鲲鹏名单" not in content  # internal: never indexed
    assert corpus["wj_plan"].url in content
    assert "韶关市/武江区/区委办 · 目录 1-1-1 · 发布于" in content


def test_document_text_is_escaped_and_only_marks_are_html(client, site_backend):
    item = make_item(
        WJ,
        "1-1-1",
        title="<script>alert(1)</script>鲲鹏",
        body="<p>&lt;img src=x onerror=alert(1)&gt;鲲鹏</p>",
        scope="public",
    )
    index_sync(item_ids=[item.pk])
    content = page(client, q="鲲鹏")
    assert "<script>alert(1)" not in content and "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>鲲鹏</mark>" in content
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>鲲鹏</mark>" in content


def test_two_character_word_is_found_inside_a_longer_one(client, corpus):
    assert "党费收缴鲲鹏专项" in found_titles("党费")
    assert found_titles("费收缴鲲") == ["党费收缴鲲鹏专项"]
    assert found_titles("鲲费") == []  # both characters occur, never together


# --- facets ---------------------------------------------------------------------------


def test_facets_count_each_value(corpus):
    level1 = CatalogNodePage.objects.ancestor_of(node_for(LK, "1-1-1")).get(level=1).title
    assert facet_counts("鲲鹏", "region") == {"韶关市": 5, "武江区": 3, "浈江区": 1, "龙口市": 1}
    assert facet_counts("鲲鹏", "unit") == {
        "韶关市/武江区/区委办": 3,
        "韶关市/浈江区/区委办": 1,
        "韶关市/市委办": 1,
        "龙口市/市科技局党支部": 1,
    }
    assert facet_counts("鲲鹏", "year") == {"2026": 4, "2025": 1, "2024": 1}
    assert facet_counts("鲲鹏", "time_limit") == {"年度公开": 4, "半年公开": 1, "即时": 1}
    assert facet_counts("鲲鹏", "level1")[level1] == 1


def test_values_of_one_facet_combine_with_or_and_facets_with_and(corpus):
    assert api("鲲鹏", region="武江区")["total"] == 3
    assert api("鲲鹏", region=["武江区", "浈江区"])["total"] == 4  # OR
    assert sorted(found_titles("鲲鹏", region="武江区", year="2026")) == ["党费收缴鲲鹏专项", "年度工作总结"]  # AND
    assert found_titles("鲲鹏", region="武江区", year="2026", time_limit="半年公开") == ["党费收缴鲲鹏专项"]
    # Each facet is counted with the other facets' filters only, so its other
    # values stay visible to be added.
    assert facet_counts("鲲鹏", "region", region="武江区") == {"韶关市": 5, "武江区": 3, "浈江区": 1, "龙口市": 1}
    assert facet_counts("鲲鹏", "year", region="武江区") == {"2026": 2, "2025": 1}
    assert facet_counts("鲲鹏", "unit", year="2024") == {"韶关市/市委办": 1}


def test_facet_links_select_and_unselect_values(client, corpus):
    content = page(client, q="鲲鹏")
    assert link(q="鲲鹏", region="武江区") in content  # selects 武江区
    content = page(client, q="鲲鹏", region="武江区", year="2026")
    assert "找到与“<strong>鲲鹏</strong>”相关的公开信息 2 条" in content
    assert "区域：武江区" in content and "年度：2026年" in content  # the chosen filters
    selected = [
        html.unescape(url) for url in re.findall(r'<a class="facet-option is-selected" href="([^"]+)"', content)
    ]
    assert sorted(selected) == sorted(
        [link(q="鲲鹏", year="2026", escape=False), link(q="鲲鹏", region="武江区", escape=False)]
    )
    assert "相关的公开信息 4 条" in client.get(link(q="鲲鹏", year="2026", escape=False)).content.decode()
    assert "清除全部筛选" in content


def test_unit_facet_shows_the_unit_with_its_region(client, corpus):
    content = page(client, q="鲲鹏")
    assert (
        '<span class="facet-label">区委办<span class="facet-detail">韶关市/武江区</span></span><span class="count">3</span>'
        in content
    )


# --- sorting and pagination ------------------------------------------------------------------


def test_relevance_ranks_title_matches_first_and_date_sort_newest_first(client, corpus):
    relevance = found_titles("鲲鹏")
    assert relevance[-1] == "年度工作总结"
    by_date = found_titles("鲲鹏", sort="date")
    assert by_date == [
        "年度工作总结",
        "党费收缴鲲鹏专项",
        "浈江区鲲鹏工作",
        "龙口鲲鹏事项",
        "鲲鹏计划班子分工",
        "市委办鲲鹏通报",
    ]
    content = page(client, q="鲲鹏", sort="date")
    assert '<strong aria-current="true">按发布时间</strong>' in content
    assert content.index("年度工作总结") < content.index("市委办<mark>鲲鹏</mark>通报")


def test_blank_query_lists_everything_newest_first(client, corpus):
    data = api("")
    assert data["total"] == 6
    assert [r["title"] for r in data["results"]][0] == "年度工作总结"
    content = page(client)
    assert "共有公开信息 6 条，按发布时间从新到旧排列" in content
    assert "按相关度" not in content


@pytest.fixture
def many(site_backend):
    items = [
        make_item(
            ZJ,
            "1-1-1",
            title=f"蓝鲸第{i:02d}号通报",
            scope="public",
            published=day(2025, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(23)
    ]
    index_sync(item_ids=[i.pk for i in items])
    return items


def test_pagination_walks_through_all_results(client, many):
    first = page(client, q="蓝鲸", sort="date")
    assert "第 1 / 3 页" in first
    assert f'{link(q="蓝鲸", sort="date", page=2)} rel="next"' in first
    third = page(client, q="蓝鲸", sort="date", page=3)
    assert third.count("<h3><a href=") == 3
    assert '<ol class="search-results" start="21">' in third
    titles = [t for p in (1, 2, 3) for t in found_titles("蓝鲸", sort="date", page=p, per_page=10)]
    assert len(titles) == len(set(titles)) == 23


@pytest.mark.parametrize("number", ["99", "abc", "-4", "0", "1e9", "99999999999999999999999999", "２"])
def test_any_page_number_is_answered(client, many, number):
    content = page(client, q="蓝鲸", page=number)
    assert "号通报" in content
    data = api("蓝鲸", page=number)
    assert data["total"] == 23 and data["results"]
    assert 1 <= data["page"] <= 3


# --- input that would break a naive search ----------------------------------------------

MALFORMED = [
    '"',
    '"鲲鹏',
    "\\",
    "鲲鹏\\",
    "AND",
    "OR NOT",
    ")(",
    "((鲲鹏",
    "鲲鹏 AND",
    "*",
    "鲲鹏*",
    "title:鲲鹏",
    "NEAR(鲲鹏 计划)",
    "^鲲鹏",
    "-鲲鹏",
    "鲲鹏~2",
    "{{ 鲲鹏 }}",
    "{% now %}",
    "' OR '1'='1",
    "鲲鹏'; DROP TABLE wagtailcore_page; --",
    "%",
    "<script>alert(1)</script>",
    "\x00鲲鹏",
    "😀",
    "鲲鹏😀🙂",
    "ＡＮＤ",
    "\u3000",
    "鲲" * 5000,
    "a" * 5000,
]


@pytest.mark.parametrize("q", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_queries_never_cause_an_error(client, corpus, q):
    response = client.get("/search/", {"q": q, "region": q, "year": q, "sort": q})
    assert response.status_code == 200
    response = client.get("/api/search/", {"q": q, "unit": q, "page": q})
    assert response.status_code == 200
    assert response.json()["total"] >= 0


def test_operator_words_are_searched_as_words(corpus, site_backend):
    item = make_item(WJ, "1-1-1", title="AND 与 NOT 的用法", scope="public")
    index_sync(item_ids=[item.pk])
    assert found_titles("NOT") == ["AND 与 NOT 的用法"]


def test_query_of_only_symbols_asks_for_text(client, corpus):
    content = page(client, q="😀！？")
    assert "请输入要检索的文字" in content
    assert "没有可检索的汉字、字母或数字" in content


def test_no_results_page_offers_help(client, corpus):
    content = page(client, q="完全不存在的词语", region="武江区")
    assert "没有找到与“完全不存在的词语”相关的公开信息" in content
    assert "检查是否有错别字" in content
    assert "换用更少、更常用的词语" in content
    assert f"{link(q='完全不存在的词语')}>去掉筛选条件</a>" in content
    assert '从<a href="/">首页</a>按区域和单位浏览' in content


def test_long_query_is_cut_with_a_notice(client, corpus):
    long = "鲲鹏" + "计划" * 2500
    content = page(client, q=long)
    assert f"检索词超过 {MAX_QUERY_LENGTH} 个字，只按前 {MAX_QUERY_LENGTH} 个字检索" in content
    assert f'value="{long[:MAX_QUERY_LENGTH]}"' in content
    data = api(long)
    assert data["truncated"] is True
    assert api("鲲鹏")["truncated"] is False
    assert "只按前" not in page(client, q="鲲鹏")


# --- synonyms ------------------------------------------------------------------------------


def test_seeded_synonyms_find_the_full_name_and_the_abbreviation(corpus, site_backend):
    full = make_item(WJ, "1-1-1", title="区纪律检查委员会鲲鹏工作报告", scope="public")
    short = make_item(ZJ, "1-1-1", title="区纪委鲲鹏通报", scope="public")
    decision = make_item(CITY, "1-1-1", title="三重一大鲲鹏事项决策情况", scope="public")
    index_sync(item_ids=[full.pk, short.pk, decision.pk])
    assert sorted(found_titles("纪委 鲲鹏")) == ["区纪委鲲鹏通报", "区纪律检查委员会鲲鹏工作报告"]
    assert sorted(found_titles("纪律检查委员会鲲鹏")) == ["区纪委鲲鹏通报", "区纪律检查委员会鲲鹏工作报告"]
    assert found_titles("重大事项决策、重要干部任免、重大项目安排和大额度资金使用 鲲鹏") == ["三重一大鲲鹏事项决策情况"]


# --- the JSON API -------------------------------------------------------------------------------


def test_api_answers_with_results_and_facets(corpus):
    data = api("鲲鹏", region="武江区", sort="date")
    assert data["total"] == 3
    first = data["results"][0]
    assert set(first) >= {"title", "url", "unit", "catalog_code", "published_at", "snippet"}
    assert first["title"] == "年度工作总结"
    assert first["url"].startswith("http://testserver/")
    assert first["unit"] == "区委办" and first["catalog_code"] == "1-1-3"
    assert datetime.datetime.fromisoformat(first["published_at"]).date() == day(2026, 6)
    assert "<mark>鲲鹏</mark>" in first["snippet"]
    assert set(data["facets"]) == {"region", "unit", "level1", "year", "time_limit"}
    assert {"value": "武江区", "count": 3} in data["facets"]["region"]


# --- the index is down -----------------------------------------------------------------------------


def test_unreachable_index_gives_a_friendly_page_and_a_503(client, settings, corpus):
    if settings.ELASTICSEARCH_URL:
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
        settings.SEARCH_ELASTICSEARCH_OPTIONS = {
            **settings.SEARCH_ELASTICSEARCH_OPTIONS,
            "request_timeout": 2,
            "max_retries": 0,
        }
    else:
        settings.SEARCH_EMBEDDED_PATH = "/dev/null/index.sqlite3"
    response = client.get("/search/", {"q": "鲲鹏"})
    assert response.status_code == 503
    assert "检索服务暂时无法使用，请稍后再试" in response.content.decode()
    response = client.get("/api/search/", {"q": "鲲鹏"})
    assert response.status_code == 503
    assert response.json() == {"error": "检索服务暂时无法使用，请稍后再试。您也可以从首页按区域和单位浏览公开信息。"}
