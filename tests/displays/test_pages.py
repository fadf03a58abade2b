"""The 数字电视 and 党务公开栏 pages: open to all, only a shell for their scripts, 404 in Chinese."""

from __future__ import annotations

import re

import pytest
import segno
from wagtail.models import Page

from disclosure_pages.models import RegionPage
from displays.qr import SVG_OPTIONS, qr_svg, qr_svg_data_uri

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


def test_tv_page_needs_no_login_and_ships_its_script_under_the_csp(client):
    response = client.get("/display/tv/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/displays/tv.js"' in html
    assert "wagtailadmin" not in html  # no admin assets
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script would break script-src 'self'"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<input" not in html  # a remote control has no keyboard
    assert 'data-api-root="/api/v2/"' in html


def test_display_mode_cookie_still_works_beside_the_display_pages(client):
    response = client.get("/display/large/?next=/")
    assert response.status_code == 302
    assert response.cookies["display_mode"].value == "large"


def test_unit_kiosk_carries_the_configured_timings_and_the_qr_of_its_feedback_form(client, unit, settings):
    settings.DISPLAY_KIOSK_ROTATE_SECONDS = 7
    settings.DISPLAY_KIOSK_IDLE_SECONDS = 33
    wj = unit(WJ)
    response = client.get(f"/display/kiosk/{wj.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "武江区·区委办 · 党务公开栏" in html
    assert 'data-rotate-seconds="7"' in html and 'data-idle-seconds="33"' in html
    assert 'data-filter="unit"' in html and f'data-target-id="{wj.pk}"' in html
    feedback = f"http://testserver/feedback/unit/{wj.pk}/"
    src = re.search(r'<img id="kiosk-qr"[^>]*\bsrc="([^"]+)"', html).group(1)
    assert src.replace("&#x27;", "'") == segno.make(feedback, error="m").svg_data_uri(**SVG_OPTIONS)
    assert f'data-feedback-url="{feedback}"' in html
    form = client.get(feedback.removeprefix("http://testserver"))
    assert form.status_code == 200 and 'name="content"' in form.content.decode()


def test_qr_data_uri_differs_per_target():
    assert qr_svg_data_uri("http://testserver/feedback/unit/1/") != qr_svg_data_uri("http://testserver/feedback/unit/2/")


def test_region_kiosk_shows_the_qr_of_the_item_on_screen(client):
    region = RegionPage.objects.get(title="武江区")
    response = client.get(f"/display/kiosk/{region.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-filter="region"' in html
    assert 'data-item-qr-url="/display/qr/item/{id}.svg"' in html
    assert "data-standing" not in html


@pytest.mark.parametrize("path", ["999999999", "99999999999999999999999", "abc", "0"])
def test_kiosk_for_no_such_region_or_unit_is_a_chinese_404(client, path):
    response = client.get(f"/display/kiosk/{path}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_kiosk_for_an_item_or_an_unpublished_unit_is_a_404(client, unit, item_factory):
    item = item_factory(WJ, "1-1-1", scope="public")
    assert client.get(f"/display/kiosk/{item.pk}/").status_code == 404
    wj = unit(WJ)
    Page.objects.filter(pk=wj.get_parent().pk).update(live=False)  # the region is withdrawn
    assert client.get(f"/display/kiosk/{wj.pk}/").status_code == 404


def test_item_qr_encodes_the_items_feedback_form_for_public_items_only(client, item_factory):
    public = item_factory(WJ, "1-1-1", scope="public")
    internal = item_factory(WJ, "1-1-1", scope="party")
    response = client.get(f"/display/qr/item/{public.pk}.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(f"http://testserver/feedback/item/{public.pk}/")
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    assert client.get(f"/display/qr/item/{internal.pk}.svg").status_code == 404
    assert client.get("/display/qr/item/99999999.svg").status_code == 404


def test_no_display_page_renders_an_internal_item(client, unit, item_factory):
    needle = "党内针眼标题甲乙丙"
    item_factory(WJ, "1-1-1", scope="party", title=needle)
    wj = unit(WJ)
    for path in ("/display/tv/", f"/display/kiosk/{wj.pk}/", f"/display/kiosk/{wj.get_parent().pk}/"):
        response = client.get(path)
        assert response.status_code == 200 and needle not in response.content.decode()
