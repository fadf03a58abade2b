"""区委办, 县编办 … exist in several regions: every surface names a unit with its region (武江区·区委办)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from disclosure_pages.models import UnitPage
from participation.services import feedback_publish, feedback_reply, feedback_submit, request_submit
from tests.builders import make_item

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"
NAME = "武江区·区委办"
# The unit's name shown bare: not after its region, as in 武江区·区委办 or the path 韶关市/武江区/区委办.
BARE = re.compile(r"(?<![·/])区委办")


@pytest.fixture
def wj(unit):
    return unit(WJ)


@pytest.fixture
def public_item(django_capture_on_commit_callbacks):
    # A title without the unit's name, so that any 区委办 on the page is the unit's label; the
    # newest item (home page, feeds) and in the public search index (updated after commit).
    with django_capture_on_commit_callbacks(execute=True):
        return make_item(WJ, "1-1-1", title="2026年度主题党日活动安排", scope="public", published=datetime.date.today())


def test_the_demo_shares_unit_names_across_regions():
    assert UnitPage.objects.filter(title="区委办").count() > 1


def test_display_name_is_region_and_name(wj):
    assert wj.display_name == NAME
    assert UnitPage.objects.get(pk=wj.pk).display_name == NAME  # without the region loaded


def test_home_page_latest_items_name_the_region(client, public_item):
    html = client.get("/").content.decode()
    meta = re.findall(r'class="meta">([^<]*?) · ', html)
    assert f"{NAME}" in meta
    assert not [m for m in meta if BARE.search(m)]


def test_item_page_names_the_region(client, public_item):
    html = client.get(public_item.url).content.decode()
    assert f"<dd>{NAME}</dd>" in html
    assert "<dd>区委办</dd>" not in html


def test_feedback_wall_names_the_region(client, wj, user_named):
    feedback = feedback_submit(unit=wj, content="建议公开主题党日安排。")
    editor = user_named("wj_editor")
    feedback_reply(feedback=feedback, actor=editor, reply="已公开。")
    feedback_publish(feedback=feedback, actor=editor)
    html = client.get(reverse("participation:feedback_wall")).content.decode()
    assert NAME in html
    assert not BARE.search(html.replace(NAME, ""))


def test_request_status_page_names_the_region(client, wj):
    created = request_submit(unit=wj, applicant_name="张三", request_text="请公开主题党日安排。")
    response = client.post(
        "/requests/status/",
        {"tracking_number": created.request.tracking_number, "code": created.secret_code},
        follow=True,
    )
    html = response.content.decode()
    assert f"<dd>{NAME}</dd>" in html
    assert "<dd>区委办</dd>" not in html


def test_api_and_feeds_name_the_region(client, wj, public_item):
    data = client.get(f"/api/v2/items/?unit={wj.pk}&limit=100").json()
    [row] = [row for row in data["items"] if row["id"] == public_item.pk]
    assert row["unit"]["name"] == NAME
    assert client.get(f"/api/v2/items/{public_item.pk}/").json()["unit"]["name"] == NAME
    assert client.get(f"/api/v2/units/{wj.pk}/").json()["name"] == NAME
    spec = client.get("/api/v2/schema/?format=json").json()
    assert "带地区的单位名称" in str(spec["components"]["schemas"]["UnitRef"])
    for url in ("/feeds/rss/", "/feeds/atom/"):
        feed = client.get(url).content.decode()
        assert NAME in feed
        assert not re.search(r"<(?:dc:creator|author|name)>区委办<", feed)


def test_approval_form_is_headed_with_the_region(wj):
    from archive.pdf import form_title

    assert form_title(wj) == "武江区区委办党务公开事项审批表"
