"""Search results name a unit with its region (区委办 exists in several regions)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.search.helpers import WJ, publish_new

pytestmark = pytest.mark.usefixtures("site_backend")


def test_search_results_name_the_unit_with_its_region(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_new(WJ, "1-1-1", title="鲲鹏主题党日活动安排")
    html = Client().get("/search/", {"q": "鲲鹏"}).content.decode()
    hits = re.findall(r'<p class="meta">([^<]*?)(?: · |<)', html)
    assert hits == ["韶关市/武江区/区委办"]
