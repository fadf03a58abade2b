"""The whole channel against a real SMPP server: codes, notices, 退订 and keyword replies travel as
submit_sm / deliver_sm over TCP."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from disclosure_pages.services import roles_sync
from review.services import workflow_install
from sms.models import MessageKind, MessageStatus, SmsMessage, SmsSubscription, SubscriptionStatus
from sms.numbers import number_hash
from sms.services import messages_send_due
from tests.builders import node_for
from tests.workflow.helpers import create_item, review

from .conftest import WJ

NUMBER = "13812345678"
pytestmark = pytest.mark.django_db


def subscribe(client, capture, query: str, number: str = NUMBER, smsc=None) -> None:
    url = reverse("sms:subscribe") + "?" + query
    kind, page_id = query.split("=")
    with capture(execute=True):
        response = client.post(url, {kind: page_id, "step": "number", "number": number})
    assert response.status_code == 200
    assert "确认短信订阅" in response.content.decode()
    code = re.search(r"验证码 (\d{6})", smsc.to(number)[-1].text).group(1)
    with capture(execute=True):
        response = client.post(url, {kind: page_id, "step": "confirm", "number": number, "code": code})
    assert "订阅成功" in response.content.decode(), response.content.decode()


def test_subscribe_confirm_and_a_publication_reaches_the_gateway(
    client, smsc, wj_unit, publish_new, django_capture_on_commit_callbacks
):
    page = client.get(wj_unit.url)
    assert f"/sms/subscribe/?unit={wj_unit.pk}" in page.content.decode()

    subscribe(client, django_capture_on_commit_callbacks, f"unit={wj_unit.pk}", smsc=smsc)
    code_message, confirmation = smsc.to(NUMBER)
    assert code_message.data_coding == 8  # UCS2
    assert "武江区·区委办" in code_message.text and "分钟内有效" in code_message.text
    assert "/sms/unsubscribe/" in confirmation.text and "TD" in confirmation.text

    item = publish_new(title="武江区区委办关于短信提醒的公告")
    notice = smsc.to(NUMBER)[-1]
    assert "武江区·区委办" in notice.text and "短信提醒" in notice.text
    link = re.search(r"https://dw\.example\.cn(/s/\w+/)", notice.text).group(1)
    assert len(notice.text) <= 70 and notice.parts == 1
    assert client.get(link).url == item.url
    logged = SmsMessage.objects.get(kind=MessageKind.PUBLICATION, item=item)
    assert (logged.status, logged.attempts, logged.number_masked) == (MessageStatus.SENT, 1, "138****5678")


def test_an_internal_item_sends_nothing(client, smsc, wj_unit, publish_new, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, f"unit={wj_unit.pk}", smsc=smsc)
    before = len(smsc.received)
    publish_new(title="党内通报不外发", scope="party")
    publish_new(title="委员范围不外发", scope="committee")
    assert len(smsc.received) == before
    assert not SmsMessage.objects.filter(kind=MessageKind.PUBLICATION).exists()


def test_a_publication_through_the_review_workflow_is_sent(
    client, smsc, wj_unit, django_capture_on_commit_callbacks, user_named
):
    roles_sync()
    workflow_install()
    subscribe(client, django_capture_on_commit_callbacks, f"region={wj_unit.get_parent().pk}", smsc=smsc)
    client.force_login(user_named("wj_editor"))
    item = create_item(client, node_for(WJ, "1-1-1"), title="审核通过后短信提醒", scope="public")
    assert "审核通过后短信提醒" not in smsc.to(NUMBER)[-1].text  # a submission is no publication
    client.force_login(user_named("wj_reviewer"))
    with django_capture_on_commit_callbacks(execute=True):
        assert review(client, item)["step"] == "success"
    assert "审核通过后短信提醒" in smsc.to(NUMBER)[-1].text


def test_td_by_deliver_sm_unsubscribes_from_everything(
    client, smsc, wj_unit, publish_new, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, f"unit={wj_unit.pk}", smsc=smsc)
    subscribe(client, django_capture_on_commit_callbacks, f"region={wj_unit.get_parent().pk}", smsc=smsc)
    smsc.deliver(f"86{NUMBER}", " t d ")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sms_listen", "--max-messages", "1", "--once")
    assert not SmsSubscription.objects.filter(
        number_hash=number_hash(NUMBER), status=SubscriptionStatus.ACTIVE
    ).exists()
    assert "已退订全部短信订阅" in smsc.to(NUMBER)[-1].text
    before = len(smsc.received)
    publish_new(title="退订之后的公告")
    assert len(smsc.received) == before


def test_a_unit_name_by_deliver_sm_is_answered_with_its_latest_public_items(
    smsc, publish_new, django_capture_on_commit_callbacks
):
    publish_new(title="最新社会公开事项甲")
    publish_new(title="不应出现的党内事项", scope="party")
    smsc.deliver("13900001111", "武江区区委办")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sms_listen", "--max-messages", "1", "--once")
    reply = smsc.to("13900001111")[-1]
    assert reply.text.startswith("【党务公开】武江区·区委办最新公开：1.最新社会公开事项甲 https://dw.example.cn/s/")
    assert "党内事项" not in reply.text
    assert len(reply.text) <= 201 and reply.parts <= 3

    smsc.deliver("13900001111", "不存在的单位")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sms_listen", "--max-messages", "1", "--once")
    assert "回复单位名称" in smsc.to("13900001111")[-1].text


def test_the_daily_limit_drops_notices_beyond_it(
    client, smsc, settings, wj_unit, publish_new, django_capture_on_commit_callbacks
):
    settings.SMS_DAILY_LIMIT = 2
    subscribe(client, django_capture_on_commit_callbacks, f"unit={wj_unit.pk}", smsc=smsc)
    for n in range(3):
        publish_new(title=f"每日上限第{n + 1}条")
    texts = [m.text for m in smsc.to(NUMBER)]
    assert any("第1条" in t for t in texts) and any("第2条" in t for t in texts)
    assert not any("第3条" in t for t in texts)
    dropped = SmsMessage.objects.get(status=MessageStatus.DROPPED)
    assert "第3条" in dropped.text and dropped.attempts == 0


def test_gateway_down_is_retried_and_publishing_goes_through(
    client, smsc, settings, wj_unit, publish_new, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, f"unit={wj_unit.pk}", smsc=smsc)
    settings.SMPP_PORT = smsc.port + 1 if smsc.port < 65535 else smsc.port - 1  # nothing listens there
    item = publish_new(title="网关故障时的公告")
    item.refresh_from_db()
    assert item.live
    message = SmsMessage.objects.get(item=item)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "网关" in message.last_error

    smsc.reject = True  # the gateway answers, but refuses: still a failure, still retried
    settings.SMPP_PORT = smsc.port
    messages_send_due(now=message.send_after)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 2)

    smsc.reject = False
    with django_capture_on_commit_callbacks(execute=True):
        messages_send_due(now=message.send_after)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert "网关故障时的公告" in smsc.to(NUMBER)[-1].text
