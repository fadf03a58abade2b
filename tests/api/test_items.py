"""/api/v2/items/: public (社会), live items only, in the shape the displays read."""

from __future__ import annotations

import datetime

import pytest

from disclosure_pages.models import ItemAttachment, RegionPage
from disclosure_pages.selectors import find_unit
from tests.builders import make_document, make_item, pdf_bytes

from .conftest import LK, NEEDLES, WJ, json_text

pytestmark = pytest.mark.django_db

LISTING_KEYS = ["id", "meta", "title", "unit", "region", "catalog_code", "catalog_name", "period", "published_at",
                "doc_number", "is_zero_report"]
DETAIL_KEYS = LISTING_KEYS + ["body_text", "body_html", "tables", "attachments"]


def listing(client, query: str = "") -> dict:
    response = client.get(f"/api/v2/items/?limit=100&{query}")
    assert response.status_code == 200, response.content
    return response.json()


def titles(data: dict) -> list[str]:
    return [row["title"] for row in data["items"]]


def test_listing_rows_have_the_agreed_fields(client, planted):
    item = planted["public"]
    data = listing(client, f"unit={find_unit(LK).pk}")
    [row] = [row for row in data["items"] if row["id"] == item.pk]
    assert list(row) == LISTING_KEYS
    assert row["meta"] == {
        "type": "disclosure_pages.DisclosureItemPage",
        "detail_url": f"{item.get_site().root_url}/api/v2/items/{item.pk}/",  # Wagtail: the Site's address
        "html_url": item.get_full_url(),
        "first_published_at": "2026-11-20T10:00:00+08:00",
    }
    unit = find_unit(LK)
    assert row["unit"] == {"id": unit.pk, "title": "市科技局党支部", "name": "龙口市·市科技局党支部"}
    assert row["region"] == {"id": unit.get_parent().pk, "title": "龙口市"}
    assert row["catalog_code"] == "1-1-1" and row["catalog_name"] == item.get_parent().title
    assert row["period"] == item.period_label and row["period"]
    assert row["published_at"] == "2026-11-20T10:00:00+08:00"
    assert row["doc_number"] == "龙科字〔2026〕9号" and row["is_zero_report"] is False
    assert data["meta"]["total_count"] == len(data["items"])


def test_detail_adds_text_tables_and_downloadable_attachments(client):
    item = make_item(LK, "1-1-1", title="接口表格事项", scope="public", body="<p>正文<b>加粗</b></p>", tables=[{
        "type": "leadership",
        "value": {"fill_date": "2026-03-01", "leader": "李书记", "tabulator": "王制表", "supervision": "监督组",
                  "rows": [{"name": "张三", "position": "书记", "gender": "男", "phone": "13812345678", "duties": "全面工作"}]},
    }])
    shown = make_document(LK, title="接口主动公开附件", content=pdf_bytes("a"), name="api-a.pdf")
    withheld = make_document(LK, title="接口不予公开附件", content=pdf_bytes("b"), name="api-b.pdf")
    ItemAttachment.objects.create(page=item, document=shown, attribute="active", doc_number="龙科字〔2026〕1号")
    ItemAttachment.objects.create(page=item, document=withheld, attribute="withheld", reason="涉密")

    response = client.get(f"/api/v2/items/{item.pk}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert list(data) == DETAIL_KEYS
    assert data["body_text"] == "正文加粗" and "<b>加粗</b>" in data["body_html"]
    [table] = data["tables"]
    assert table["type"] == "leadership" and table["title"] == "党（总）支部班子成员情况及分工"
    assert table["value"]["fill_date"] == "2026-03-01" and table["value"]["leader"] == "李书记"
    [row] = table["value"]["rows"]
    assert row["name"] == "张三" and row["position"] == "书记"
    assert row["phone"] == "138****5678"  # masked as on the public page
    assert "13812345678" not in json_text(response)
    assert data["attachments"] == [
        {"title": "接口主动公开附件", "url": f"http://testserver{shown.url}", "doc_number": "龙科字〔2026〕1号"}
    ]
    assert "接口不予公开附件" not in json_text(response)


def test_no_hidden_item_appears_in_any_listing_or_filter(client, planted):
    unit, wj = find_unit(LK), find_unit(WJ)
    urls = [
        "/api/v2/items/?limit=100",
        f"/api/v2/items/?unit={unit.pk}&limit=100",
        f"/api/v2/items/?region={unit.get_parent().pk}&limit=100",
        f"/api/v2/items/?region={wj.get_parent().get_parent().pk}&limit=100",
        "/api/v2/items/?catalog=3-3-1&limit=100",
        "/api/v2/items/?catalog=1-2-2&limit=100",
        "/api/v2/items/?catalog=1-1-2&limit=100",
        "/api/v2/items/?catalog=1&limit=100",
        "/api/v2/items/?published_after=2026-11-20&limit=100",
        "/api/v2/items/?published_after=2026-11-21&published_before=2026-11-24&limit=100",
        "/api/v2/items/?year=2026&limit=100",
        "/api/v2/units/?limit=100",
        "/api/v2/regions/?limit=100",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for needle in NEEDLES.values():
            assert needle not in json_text(response), (needle, url)
    # The newest public items are still listed first: the filters hid only the needles.
    assert titles(listing(client, f"unit={unit.pk}"))[0] == "接口公开的决策部署"


def test_a_hidden_items_detail_is_the_same_404_as_an_id_that_never_existed(client, planted):
    missing = client.get("/api/v2/items/999999999/")
    assert missing.status_code == 404
    for key, item in planted["hidden"].items():
        response = client.get(f"/api/v2/items/{item.pk}/")
        assert response.status_code == 404, key
        assert response.content == missing.content, key
    assert missing.json() == {"message": "没有这个公开事项（或它未向社会公开）。"}


def test_unit_filter_lists_that_units_items_only(client, planted):
    unit = find_unit(LK)
    data = listing(client, f"unit={unit.pk}")
    assert "接口公开的决策部署" in titles(data) and "接口武江区委办公开事项" not in titles(data)
    assert {row["unit"]["id"] for row in data["items"]} == {unit.pk}


def test_region_filter_includes_sub_regions(client, planted):
    shaoguan = RegionPage.objects.get(title="韶关市", depth=3)
    wujiang = find_unit(WJ).get_parent()
    city = listing(client, f"region={shaoguan.pk}")
    district = listing(client, f"region={wujiang.pk}")
    assert "接口武江区委办公开事项" in titles(city) and "接口武江区委办公开事项" in titles(district)
    assert "接口公开的决策部署" not in titles(city)
    assert city["meta"]["total_count"] > district["meta"]["total_count"]
    assert {row["region"]["title"] for row in district["items"]} == {"武江区"}


def test_catalog_filter_takes_a_three_level_code_or_a_whole_branch(client, planted):
    exact = listing(client, "catalog=1-1-1")
    assert exact["items"] and {row["catalog_code"] for row in exact["items"]} == {"1-1-1"}
    branch = listing(client, "catalog=1-1")
    assert {row["catalog_code"].rsplit("-", 1)[0] for row in branch["items"]} == {"1-1"}
    assert branch["meta"]["total_count"] >= exact["meta"]["total_count"]
    assert listing(client, "catalog=9-9-9")["meta"]["total_count"] == 0


def test_published_after_and_before_include_the_day(client, planted):
    one_day = listing(client, "published_after=2026-11-20&published_before=2026-11-20")
    assert "接口公开的决策部署" in titles(one_day)
    assert all(row["published_at"].startswith("2026-11-20") for row in one_day["items"])
    assert "接口公开的决策部署" not in titles(listing(client, "published_after=2026-11-21"))
    assert "接口公开的决策部署" not in titles(listing(client, "published_before=2026-11-19"))


def test_default_order_is_newest_first_and_limit_offset_page_through(client, planted):
    data = listing(client)
    stamps = [row["published_at"] for row in data["items"]]
    assert stamps == sorted(stamps, reverse=True)
    first_two = client.get("/api/v2/items/?limit=2").json()["items"]
    second = client.get("/api/v2/items/?limit=1&offset=1").json()["items"]
    assert [row["id"] for row in first_two] == [data["items"][0]["id"], data["items"][1]["id"]]
    assert second[0]["id"] == first_two[1]["id"]
    assert len(client.get("/api/v2/items/").json()["items"]) == 20  # Wagtail's default page


def test_a_listing_of_twenty_items_costs_the_same_queries_as_one(client, planted, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Items from many units, regions and catalogue nodes, each with an attachment.
    for path in (WJ, LK, "韶关市/新丰县/县编办"):
        make_item(path, "1-1-1", title=f"接口计数 {path}", scope="public", published=datetime.date(2026, 12, 1))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v2/items/?limit=1").json()["items"]) == 1
    with django_assert_max_num_queries(len(one.captured_queries)):
        data = client.get("/api/v2/items/?limit=20").json()
    assert len(data["items"]) == 20
    assert len({row["unit"]["id"] for row in data["items"]}) > 1
    assert len(one.captured_queries) <= 8


def test_a_detail_costs_a_bounded_number_of_queries(client, planted, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert client.get(f"/api/v2/items/{planted['public'].pk}/").status_code == 200


def test_json_passes_the_middleware_unharmed(client, planted, user_named):
    response = client.get("/api/v2/items/?limit=1")
    assert response["Content-Type"] == "application/json"
    assert "接口" in response.content.decode()  # not \\u escapes
    client.force_login(user_named("lk_committee"))
    logged_in = client.get("/api/v2/items/?limit=100").content.decode()
    for needle in NEEDLES.values():
        assert needle not in logged_in  # a member's session does not widen the API
