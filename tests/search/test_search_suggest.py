"""Suggestions as one types (/api/search/suggest/), on each backend: titles,
catalogue names and units of public items only, checked against the
database like every result page."""

from __future__ import annotations

import pytest
from django.test import Client

from disclosure_pages.models import DisclosureItemPage
from tests.search.helpers import LK, WJ, publish_new

pytestmark = pytest.mark.usefixtures("demo_index")


def suggest(q: str) -> dict:
    response = Client().get("/api/search/suggest/", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def test_titles_catalogues_and_units(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_new(WJ, "1-1-1", title="鲲鹏建议事项")
    data = suggest("鲲鹏")
    assert [t["title"] for t in data["titles"]] == ["鲲鹏建议事项"]
    assert data["titles"][0]["url"].startswith("http://testserver/")
    assert any("党费" in c for c in suggest("党费")["catalogues"])
    assert {"name": "区委办", "path": "韶关市/武江区/区委办"} in suggest("区委办")["units"]


def test_internal_items_are_never_suggested(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_new(LK, "3-3-1", title="鲲鹏党内建议", scope="party")
        publish_new(LK, "1-2-2", title="鲲鹏委员建议", scope="committee")
    assert suggest("鲲鹏")["titles"] == []


def test_an_item_taken_off_is_not_suggested_even_if_the_index_lags(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish_new(WJ, "1-1-1", title="鲲鹏撤下建议")
    DisclosureItemPage.objects.filter(pk=item.pk).update(live=False)  # no signal: the index still has it
    assert suggest("鲲鹏")["titles"] == []


@pytest.mark.parametrize("q", ["", "🙂", "%' OR 1=1 --", "党" * 500])
def test_odd_input_gives_an_empty_or_short_answer(q):
    data = suggest(q)
    assert set(data) == {"q", "titles", "catalogues", "units"}
