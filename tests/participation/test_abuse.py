"""Rate limits per address, the honeypot, size limits, and script injection in every field."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from participation.models import DisclosureRequest, Feedback
from participation.services import feedback_publish, feedback_reply

from .conftest import WJ

FORM = {
    "applicant_name": "王五",
    "contact_phone": "13700001111",
    "contact_email": "wangwu@example.com",
    "request_text": "请公开党费使用情况。",
    "purpose": "了解情况",
    "website": "",
}
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = {SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;", IMG: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"}


def post_request(client, unit_obj, ip="203.0.113.5", **overrides):
    return client.post("/requests/new/", {**FORM, "unit": unit_obj.pk, **overrides}, REMOTE_ADDR=ip)


def assert_escaped(html: str, payload: str) -> None:
    assert payload not in html
    assert PAYLOADS[payload] in html


def test_sixth_submission_in_an_hour_from_one_address_is_refused(client, unit):
    wj = unit(WJ)
    for _ in range(5):
        assert post_request(client, wj).status_code == 302
    refused = post_request(client, wj)
    assert refused.status_code == 429
    assert "操作过于频繁" in refused.content.decode()
    assert DisclosureRequest.objects.count() == 5
    assert post_request(client, wj, ip="198.51.100.7").status_code == 302
    assert DisclosureRequest.objects.count() == 6


def test_status_checks_are_limited_to_30_an_hour(client, db):
    for _ in range(30):
        assert client.post("/requests/status/", {"tracking_number": "YSQ-2026-000001", "code": "X"}).status_code == 200
    assert client.post("/requests/status/", {"tracking_number": "YSQ-2026-000001", "code": "X"}).status_code == 429
    assert (
        client.post(
            "/requests/status/", {"tracking_number": "YSQ-2026-000001", "code": "X"}, REMOTE_ADDR="198.51.100.8"
        ).status_code
        == 200
    )


def test_feedback_submissions_are_rate_limited(client, unit):
    url = f"/feedback/unit/{unit(WJ).pk}/"
    for _ in range(5):
        client.post(url, {"kind": "opinion", "content": "建议按月公开党费", "website": ""})
    assert client.post(url, {"kind": "opinion", "content": "再提一条", "website": ""}).status_code == 429
    assert Feedback.objects.count() == 5


def test_filled_honeypot_creates_nothing_and_shows_a_neutral_page(client, unit):
    response = post_request(client, unit(WJ), website="http://spam.example")
    assert response.status_code == 200
    page = response.content.decode()
    assert "已收到您的提交" in page and "YSQ-" not in page and "网址" not in page
    assert DisclosureRequest.objects.count() == 0
    feedback = client.post(
        f"/feedback/unit/{unit(WJ).pk}/", {"kind": "opinion", "content": "广告", "website": "http://spam.example"}
    )
    assert feedback.status_code == 200 and "已收到您的提交" in feedback.content.decode()
    assert Feedback.objects.count() == 0


def test_honeypot_is_hidden_from_people(client, db):
    page = client.get("/requests/new/").content.decode()
    assert re.search(r'<div class="pp-hp" aria-hidden="true">.*name="website"[^>]*tabindex="-1"', page, re.S)


def test_too_long_request_gets_a_chinese_error_and_keeps_what_was_typed(client, unit):
    response = post_request(client, unit(WJ), request_text="党" * 2001)
    page = response.content.decode()
    assert response.status_code == 200
    assert "申请公开的内容不能超过2000字（现为2001字）" in page
    assert "党" * 2001 in page and 'value="王五"' in page and 'value="13700001111"' in page
    assert DisclosureRequest.objects.count() == 0


def test_request_at_the_limit_is_accepted(client, unit):
    assert post_request(client, unit(WJ), request_text="党" * 2000).status_code == 302


def test_missing_contact_and_bad_phone_get_chinese_errors(client, unit):
    page = post_request(client, unit(WJ), contact_phone="", contact_email="").content.decode()
    assert "请至少填写联系电话或电子邮箱中的一项" in page
    page = post_request(client, unit(WJ), contact_phone="12345").content.decode()
    assert "请填写有效的手机号码" in page


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_script_in_every_request_field_is_escaped_everywhere(client, unit, staff, payload):
    wj = unit(WJ)
    response = post_request(
        client,
        wj,
        applicant_name=payload,
        request_text=f"申请{payload}",
        purpose=payload,
        contact_email="a@example.com",
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    number = re.search(r'id="tracking-number">([^<]+)<', receipt).group(1)
    req = DisclosureRequest.objects.get(tracking_number=number)
    assert req.applicant_name == payload  # stored as typed, escaped on output

    # The public status page (name masked there: the request text and purpose carry the payload).
    status = client.get(f"/requests/status/{number}/").content.decode()
    assert_escaped(status, payload)

    # Contact fields that fail validation are shown back to the person, escaped.
    invalid = post_request(client, wj, contact_phone=payload, contact_email=payload).content.decode()
    assert_escaped(invalid, payload)

    office = Client()
    office.force_login(staff("wj_editor"))
    assert_escaped(office.get("/admin/participation/requests/").content.decode(), payload)
    assert_escaped(office.get(f"/admin/participation/requests/{req.pk}/").content.decode(), payload)
    # Staff-written text reaches the applicant's page escaped too.
    office.post(f"/admin/participation/requests/{req.pk}/refuse/", {"reason": payload})
    assert_escaped(office.get(f"/admin/participation/requests/{req.pk}/").content.decode(), payload)
    refused = client.get(f"/requests/status/{number}/").content.decode()
    assert "不予受理" in refused
    assert_escaped(refused, payload)


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_script_in_every_feedback_field_is_escaped_everywhere(client, unit, staff, item_factory, payload):
    wj = unit(WJ)
    item = item_factory(WJ, "1-1-1", title="公开事项" + "甲", scope="public")
    response = client.post(
        f"/feedback/item/{item.pk}/",
        {"kind": "topic", "content": f"问{payload}", "name": payload, "contact": payload, "website": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/feedback/topics/received/"  # a 点题's receipt
    feedback = Feedback.objects.get()
    editor = staff("wj_editor")
    feedback_reply(feedback=feedback, actor=editor, reply=f"答{payload}")
    feedback_publish(feedback=feedback, actor=editor, public_content=f"问{payload}")

    status_page = f"/feedback/topics/status/{feedback.tracking_number}/"  # verified in this session on submission
    for url in (wj.url, item.url, "/feedback/", f"/feedback/unit/{wj.pk}/", f"/feedback/item/{item.pk}/", status_page):
        page = client.get(url).content.decode()
        assert_escaped(page, payload)
        assert PAYLOADS[payload] in page

    client.force_login(editor)
    assert_escaped(client.get("/admin/participation/feedback/").content.decode(), payload)
    assert_escaped(client.get(f"/admin/participation/feedback/{feedback.pk}/").content.decode(), payload)


def test_limits_are_settings_an_operator_can_change(client, unit, settings):
    settings.PARTICIPATION_FEEDBACK_RATE = "2/h"
    url = f"/feedback/unit/{unit(WJ).pk}/"
    for _ in range(2):
        assert client.post(url, {"kind": "opinion", "content": "建议按月公开党费", "website": ""}).status_code != 429
    assert client.post(url, {"kind": "opinion", "content": "第三条", "website": ""}).status_code == 429


def test_mistyped_requests_do_not_count_toward_the_limit(client, unit):
    wj = unit(WJ)
    for _ in range(8):
        mistyped = post_request(client, wj, contact_phone="12345")
        assert mistyped.status_code == 200 and "请填写有效的手机号码" in mistyped.content.decode()
    for _ in range(5):
        assert post_request(client, wj).status_code == 302
    assert post_request(client, wj).status_code == 429  # a sixth accepted one within the hour still is refused
    assert DisclosureRequest.objects.count() == 5


def test_mistyped_feedback_does_not_count_toward_the_limit(client, unit):
    url = f"/feedback/unit/{unit(WJ).pk}/"
    for _ in range(7):
        assert client.post(url, {"kind": "opinion", "content": "", "website": ""}).status_code == 200
    for _ in range(5):
        assert client.post(url, {"kind": "opinion", "content": "建议按月公开党费", "website": ""}).status_code == 200
    assert client.post(url, {"kind": "opinion", "content": "再提一条", "website": ""}).status_code == 429
    assert Feedback.objects.count() == 5
