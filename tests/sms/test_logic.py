"""The channel's rules with the locmem backend: numbers, codes, scope, dedupe, limits, quiet hours,
inbound texts, short links, the public forms and the admin."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

import sms
from sms.models import MessageKind, MessageStatus, SmsMessage, SmsSubscription, SubscriptionStatus, VerificationPurpose
from sms.numbers import InvalidNumber, decrypt_number, normalise_number, number_hash
from sms.services import (
    SmsError,
    code_request,
    messages_send_due,
    publication_notify,
    publication_text,
    quiet_until,
    sms_receive,
    subscription_confirm,
)
from tests.builders import make_item, make_user

SH = ZoneInfo("Asia/Shanghai")
NUMBER = "13912345678"
pytestmark = pytest.mark.django_db


def last_code(number: str = NUMBER) -> str:
    import re

    return re.search(r"验证码 (\d{6})", [m for m in sms.outbox if m.to == number][-1].text).group(1)


def subscribed(page, number: str = NUMBER, capture=None):
    with capture(execute=True):
        code_request(number=number, purpose=VerificationPurpose.SUBSCRIBE, page=page)
    with capture(execute=True):
        return subscription_confirm(number=number, code=last_code(number))


@pytest.mark.parametrize("typed", ["13912345678", "+86 139 1234 5678", "86-139-1234-5678", "１３９１２３４５６７８"])
def test_mainland_numbers_are_accepted_in_the_ways_people_type_them(typed):
    assert normalise_number(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["", "12912345678", "1391234567", "010-12345678", "+1 4155550100", "abc"])
def test_other_numbers_are_refused(typed):
    with pytest.raises(InvalidNumber):
        normalise_number(typed)


def test_numbers_are_stored_hashed_and_encrypted_and_shown_masked(wj_unit, django_capture_on_commit_callbacks):
    subscription = subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    assert subscription.number_hash == number_hash(NUMBER) and NUMBER not in subscription.number_hash
    assert NUMBER not in subscription.number_encrypted and decrypt_number(subscription.number_encrypted) == NUMBER
    assert subscription.number_masked == "139****5678"
    for message in SmsMessage.objects.all():
        assert NUMBER not in message.number_encrypted and message.number_masked == "139****5678"


def test_a_wrong_code_counts_and_too_many_lock_the_code(wj_unit, settings, django_capture_on_commit_callbacks):
    settings.SMS_CODE_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        code_request(number=NUMBER, purpose=VerificationPurpose.SUBSCRIBE, page=wj_unit)
    good = last_code()
    bad = "000000" if good != "000000" else "111111"
    with pytest.raises(SmsError, match="还可再试 1 次"):
        subscription_confirm(number=NUMBER, code=bad)
    with pytest.raises(SmsError, match="过多"):
        subscription_confirm(number=NUMBER, code=bad)
    with pytest.raises(SmsError, match="过多"):
        subscription_confirm(number=NUMBER, code=good)
    assert not SmsSubscription.objects.exists()


def test_an_expired_code_is_refused(wj_unit, django_capture_on_commit_callbacks):
    now = datetime.datetime(2026, 12, 1, 10, tzinfo=SH)
    with django_capture_on_commit_callbacks(execute=True):
        code_request(number=NUMBER, purpose=VerificationPurpose.SUBSCRIBE, page=wj_unit, now=now)
    with pytest.raises(SmsError, match="过期"):
        subscription_confirm(number=NUMBER, code=last_code(), now=now + datetime.timedelta(minutes=11))


def test_codes_per_number_are_limited(wj_unit, settings):
    settings.SMS_CODES_PER_HOUR = 2
    for _ in range(2):
        code_request(number=NUMBER, purpose=VerificationPurpose.SUBSCRIBE, page=wj_unit)
    with pytest.raises(SmsError, match="过于频繁"):
        code_request(number=NUMBER, purpose=VerificationPurpose.SUBSCRIBE, page=wj_unit)


def test_one_notice_per_number_however_many_subscriptions_cover_the_item(wj_unit, django_capture_on_commit_callbacks):
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    subscribed(wj_unit.get_parent(), capture=django_capture_on_commit_callbacks)
    item = make_item(title="只发一次的公告", scope="public")
    node = item.get_parent()
    subscribed(node, capture=django_capture_on_commit_callbacks)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = publication_notify(item_id=item.pk)
        publication_notify(item_id=item.pk)  # published again: no second notice
    assert report.queued == 1 and len(sms.outbox) == 1


def test_a_subscription_elsewhere_gets_nothing(unit, django_capture_on_commit_callbacks):
    subscribed(unit("龙口市/市科技局党支部"), capture=django_capture_on_commit_callbacks)
    sms.outbox.clear()
    item = make_item(title="武江区的公告", scope="public")
    with django_capture_on_commit_callbacks(execute=True):
        publication_notify(item_id=item.pk)
    assert sms.outbox == []


def test_quiet_hours_hold_notices_until_they_end(wj_unit, settings, django_capture_on_commit_callbacks):
    settings.SMS_QUIET_HOURS = "22:00-08:00"
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    sms.outbox.clear()
    item = make_item(title="深夜发布的公告", scope="public")
    night = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=SH)
    with django_capture_on_commit_callbacks(execute=True):
        report = publication_notify(item_id=item.pk, now=night)
    assert report.deferred == 1 and sms.outbox == []
    message = SmsMessage.objects.get(item=item)
    assert message.send_after == datetime.datetime(2026, 12, 2, 8, 0, tzinfo=SH)
    assert messages_send_due(now=datetime.datetime(2026, 12, 2, 7, 59, tzinfo=SH)) == (0, 0)
    assert messages_send_due(now=datetime.datetime(2026, 12, 2, 8, 0, tzinfo=SH)) == (1, 0)
    assert "深夜发布的公告" in sms.outbox[-1].text


def test_quiet_hours_edges(settings):
    settings.SMS_QUIET_HOURS = "22:00-08:00"
    assert quiet_until(datetime.datetime(2026, 12, 1, 21, 59, tzinfo=SH)) is None
    assert quiet_until(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=SH)) is None
    early = quiet_until(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=SH))
    assert early == datetime.datetime(2026, 12, 1, 8, 0, tzinfo=SH)


def test_the_daily_limit_counts_the_day_a_notice_goes_out(wj_unit, settings, django_capture_on_commit_callbacks):
    settings.SMS_DAILY_LIMIT = 1
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    day = datetime.datetime(2026, 12, 1, 10, tzinfo=SH)
    first, second = make_item(title="当日一", scope="public"), make_item(title="当日二", scope="public")
    assert publication_notify(item_id=first.pk, now=day).queued == 1
    assert publication_notify(item_id=second.pk, now=day).dropped == 1
    third = make_item(title="次日一", scope="public")
    assert publication_notify(item_id=third.pk, now=day + datetime.timedelta(days=1)).queued == 1


def test_publication_text_stays_in_one_segment():
    text = publication_text(
        unit_name="武江区·区委办", title="关于" + "很长的标题" * 10, link="https://dw.example.cn/s/Ab3dE9/"
    )
    assert len(text) <= 70 and text.endswith("https://dw.example.cn/s/Ab3dE9/ 回TD退订") and "…" in text


@pytest.mark.parametrize("text", ["TD", "td", " T D ", "退订", "退 订"])
def test_td_in_any_form_unsubscribes(text, wj_unit, django_capture_on_commit_callbacks):
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sms_receive(number=NUMBER, text=text)
    assert SmsSubscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED
    assert "已退订" in sms.outbox[-1].text


def test_an_ambiguous_unit_title_asks_for_the_full_name(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_receive(number=NUMBER, text="区委办")
    reply = sms.outbox[-1].text
    assert "对应多个单位" in reply and "武江区区委办" in reply and "浈江区区委办" in reply


def test_a_unique_unit_title_is_enough(django_capture_on_commit_callbacks):
    make_item(
        "龙口市/市科技局党支部",
        "3-3-1",
        title="科技局的社会公开事项",
        scope="public",
        published=datetime.date(2026, 12, 2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sms_receive(number=NUMBER, text="市科技局党支部")
    assert sms.outbox[-1].text.startswith("【党务公开】龙口市·市科技局党支部最新公开：1.科技局的社会公开事项 ")


def test_the_simulate_option_answers_like_the_gateway(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sms_listen", "--simulate", NUMBER, "帮助")
    assert "回复单位名称" in capsys.readouterr().out
    assert "回复单位名称" in sms.outbox[-1].text


def test_the_short_link_of_an_item_no_longer_public_is_a_404(client, wj_unit, django_capture_on_commit_callbacks):
    from sms.services import short_url

    item = make_item(title="后来撤下的公告", scope="public")
    path = short_url(item).removeprefix("https://dw.example.cn")
    assert client.get(path).status_code == 302
    item.unpublish()
    assert client.get(path).status_code == 404
    assert client.get("/s/nosuch/").status_code == 404


def test_a_short_link_code_not_of_the_issued_form_is_a_404_that_never_looks_it_up(client):
    """PostgreSQL refuses a NUL in a string literal: /s/%00/ was a 500 there. (The 404 page itself
    may query; the short-link table must not be asked.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in ("/s/%00/", "/s/1%00/", "/s/%E5%85%9A/", "/s/" + "a" * 40 + "/", "/s/ab-c/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 404, path
        assert not [q["sql"] for q in queries.captured_queries if "sms_shortlink" in q["sql"]], path


def test_the_subscribe_form_keeps_the_typed_number_and_explains(client, wj_unit):
    url = reverse("sms:subscribe") + f"?unit={wj_unit.pk}"
    response = client.post(url, {"unit": wj_unit.pk, "step": "number", "number": "1234567"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请输入正确的中国大陆手机号码" in body and 'value="1234567"' in body


def test_a_bad_target_is_a_404_not_a_500(client):
    assert client.get(reverse("sms:subscribe")).status_code == 404
    assert client.get(reverse("sms:subscribe") + "?unit=abc").status_code == 404
    assert client.get(reverse("sms:subscribe") + "?unit=999999").status_code == 404


def test_the_public_forms_are_rate_limited(client, wj_unit, settings):
    settings.SMS_FORM_RATE = "2/h"
    url = reverse("sms:subscribe") + f"?unit={wj_unit.pk}"
    codes = [client.post(url, {"unit": wj_unit.pk, "step": "number", "number": "1"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_unsubscribe_page_with_number_and_code(client, wj_unit, django_capture_on_commit_callbacks):
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    url = reverse("sms:unsubscribe")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"step": "number", "number": NUMBER})
    assert "确认退订" in response.content.decode()
    response = client.post(url, {"step": "confirm", "number": NUMBER, "code": last_code()})
    assert "已退订" in response.content.decode()
    assert SmsSubscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_admin_lists_are_masked_and_for_administrators_only(
    client, wj_unit, user_named, django_capture_on_commit_callbacks
):
    subscribed(wj_unit, capture=django_capture_on_commit_callbacks)
    admin = make_user("sms_admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for name in ("sms_subscriptions:index", "sms_messages:index"):
        body = client.get(reverse(name)).content.decode()
        assert "139****5678" in body and NUMBER not in body
    message = SmsMessage.objects.filter(kind=MessageKind.CODE).first()
    inspect = client.get(reverse("sms_messages:inspect", args=[message.pk])).content.decode()
    assert "139****5678" in inspect and NUMBER not in inspect
    sent_code = re.search(r"验证码 (\d{6})", sms.outbox[0].text).group(1)
    assert "验证码 ******" in inspect and sent_code not in inspect  # a sent code is not kept
    assert client.get(reverse("sms_messages:edit", args=[message.pk])).status_code in (302, 403)
    client.force_login(user_named("wj_editor"))
    assert client.get(reverse("sms_subscriptions:index")).status_code in (302, 403)
    assert MessageStatus.SENT in SmsMessage.objects.values_list("status", flat=True)
