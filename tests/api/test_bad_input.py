"""Bad query values get a 400 with a Chinese message; bad ids a 404; never a 500."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")
HUGE = "10000000000000000000000000"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/items/?unit=abc",
        f"/api/v2/items/?unit={HUGE}",
        "/api/v2/items/?unit=9223372036854775808",
        "/api/v2/items/?unit=-1",
        "/api/v2/items/?unit=²",
        "/api/v2/items/?unit=１２",
        "/api/v2/items/?unit=999999999",
        "/api/v2/items/?region=abc",
        "/api/v2/items/?region=%00",
        "/api/v2/items/?catalog=1-1-1-1",
        "/api/v2/items/?catalog=abc",
        "/api/v2/items/?catalog=%00",
        "/api/v2/items/?published_after=2026-13-40",
        "/api/v2/items/?published_before=yesterday",
        "/api/v2/items/?published_after=2026/03/01",
        "/api/v2/items/?year=²",
        "/api/v2/items/?year=99999",
        "/api/v2/items/?limit=abc",
        "/api/v2/items/?limit=-5",
        "/api/v2/items/?limit=1000",
        f"/api/v2/items/?offset={HUGE}",
        "/api/v2/items/?offset=１２",
        "/api/v2/items/?q=党费",
        "/api/v2/items/?order=-title",
        "/api/v2/items/?fields=*",
        "/api/v2/items/?type=wagtailcore.Page",
        "/api/v2/units/?region=abc",
        "/api/v2/units/?unit=1",
        "/api/v2/regions/?parent=abc",
        "/api/v2/regions/?parent=Root",
    ],
)
def test_bad_filter_values_are_400_with_a_chinese_message(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert CHINESE.search(response.json()["message"]), response.json()


@pytest.mark.parametrize("url", [f"/api/v2/items/{HUGE}/", "/api/v2/items/9223372036854775808/", "/api/v2/items/-1/",
                                 "/api/v2/items/abc/", "/api/v2/units/0/", "/api/v2/regions/999999999/", "/api/v2/items/find/?id=abc"])
def test_bad_ids_are_404(client, url):
    client.raise_request_exception = False
    assert client.get(url).status_code == 404


def test_an_empty_filter_is_no_filter(client):
    everything = client.get("/api/v2/items/").json()["meta"]["total_count"]
    assert client.get("/api/v2/items/?unit=&catalog=&published_after=").json()["meta"]["total_count"] == everything > 0
