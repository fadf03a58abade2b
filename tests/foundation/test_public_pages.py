import pytest

from disclosure_pages.models import DisclosureItemPage
from tests.builders import node_for

pytestmark = pytest.mark.django_db


def test_home_lists_latest_items_and_regions(client):
    html = client.get("/").content.decode()
    assert "最新公开" in html and "韶关市" in html and "龙口市" in html and "武江区" in html


def test_region_page_lists_units_with_counts(client):
    html = client.get("/韶关市/武江区/").content.decode()
    assert "区委办" in html and "区纪委（监察局）" in html and "条</span>" in html


def test_unit_page_shows_catalogue_tree_with_counts(client):
    html = client.get("/龙口市/市科技局党支部/").content.decode()
    assert "公开目录" in html and "1-1-1" in html and "中央和上级党组织要求公开的事项" in html and "8-7-3" in html


def test_catalogue_node_page_shows_requirements_and_paginates(client, item_factory):
    node = node_for("韶关市/武江区/区委办", "1-1-3")
    for n in range(25):
        item_factory("韶关市/武江区/区委办", "1-1-3", title=f"分页测试{n:02d}")
    first = client.get(node.url).content.decode()
    assert "公开时限" in first and "年度公开" in first
    assert "第 1 / 2 页" in first and "下一页" in first
    second = client.get(node.url + "?page=2").content.decode()
    assert "第 2 / 2 页" in second


def test_item_page_has_breadcrumbs_and_meta(client):
    item = DisclosureItemPage.objects.live().filter(scope="public").first()
    html = client.get(item.url).content.decode()
    assert 'aria-label="当前位置"' in html and "发布日期" in html and item.title in html


def test_empty_node_says_so(client):
    node = node_for("龙口市/市科技局党支部", "8-7-3")
    assert "本目录下暂无您可查看的公开事项" in client.get(node.url).content.decode()


def test_pages_are_mobile_ready(client):
    assert 'name="viewport"' in client.get("/").content.decode()


def test_home_page_example_queries_find_something(client, settings, tmp_path):
    """Each example under the home page's search box finds public items (not 民主生活会, which finds nothing)."""
    import io
    import json

    from django.core.management import call_command

    from disclosure_pages.models import PortalHomePage
    from search.backends import reset_backend

    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "home-examples.sqlite3"
    reset_backend()
    try:
        call_command("search_rebuild", stdout=io.StringIO(), stderr=io.StringIO())
        html = client.get("/").content.decode()
        examples = PortalHomePage.example_queries
        assert "民主生活会" not in html
        for query in examples:
            assert f">{query}</a>" in html
            answer = json.loads(client.get("/api/search/", {"q": query}).content)
            assert answer["total"] > 0, query
            assert any(query in hit["title"] for hit in answer["results"]), query
    finally:
        reset_backend()
