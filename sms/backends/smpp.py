"""SMPP 3.4 through smpplib: one transmitter bind per batch, UCS2 (data_coding 8) for Chinese,
long texts split by smpplib into concatenated parts (UDH, esm_class 0x40)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
from django.conf import settings

from .base import BaseSmsBackend, GatewayError

logger = logging.getLogger(__name__)

UCS2 = smpplib.consts.SMPP_ENCODING_ISO10646


def make_client(timeout: float | None = None) -> smpplib.client.Client:
    if not settings.SMPP_HOST:
        raise GatewayError("未配置短信网关（SMPP_HOST）")
    return smpplib.client.Client(
        settings.SMPP_HOST, settings.SMPP_PORT, timeout=timeout or settings.SMPP_TIMEOUT, allow_unknown_opt_params=True
    )


def decode_text(short_message: bytes, data_coding: int) -> str:
    """deliver_sm text: UCS2 (8) for Chinese, else GSM/ASCII/Latin-1."""
    if data_coding == UCS2:
        return short_message.decode("utf-16-be", errors="replace")
    try:
        return short_message.decode("ascii")
    except UnicodeDecodeError:
        return short_message.decode("latin-1")


class SmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str) -> str:
        client = make_client()
        try:
            client.connect()
            client.bind_transmitter(system_id=settings.SMPP_SYSTEM_ID, password=settings.SMPP_PASSWORD)
            ids = []
            parts, _encoding, esm_class = smpplib.gsm.make_parts(text, encoding=UCS2)
            for part in parts:
                client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM
                    if not settings.SMPP_SOURCE_ADDR.isdigit()
                    else smpplib.consts.SMPP_TON_UNK,
                    source_addr=settings.SMPP_SOURCE_ADDR,
                    dest_addr_ton=smpplib.consts.SMPP_TON_UNK,
                    destination_addr=to,
                    short_message=part,
                    data_coding=UCS2,
                    esm_class=esm_class,
                    registered_delivery=False,
                )
                ids.append(_submit_response(client))
            return ",".join(ids)
        except (TimeoutError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
            raise GatewayError(f"短信网关错误：{exc!r}") from exc
        finally:
            _close(client)


def _submit_response(client: smpplib.client.Client) -> str:
    while True:
        pdu = client.read_pdu()
        if pdu.command == "submit_sm_resp":
            if pdu.is_error():
                raise smpplib.exceptions.PDUError(f"submit_sm 被拒绝（状态 {pdu.status}）", int(pdu.status))
            message_id = pdu.message_id or b""
            return message_id.decode() if isinstance(message_id, bytes) else str(message_id)
        if pdu.command == "enquire_link":
            client._enquire_link_received(pdu)  # noqa: SLF001 - smpplib's own answer


def _close(client: smpplib.client.Client) -> None:
    try:
        if client.state in (smpplib.consts.SMPP_CLIENT_STATE_BOUND_TX, smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX):
            client.unbind()
    except Exception:  # noqa: BLE001 - some gateways drop the line instead of answering unbind
        pass
    try:
        client.disconnect()
    except Exception:  # noqa: BLE001
        pass


def listen(handle: Callable[[str, str], None], *, max_messages: int | None = None, timeout: float | None = None) -> int:
    """Keep a transceiver bound and hand each deliver_sm (MO text) to `handle(number, text)`.

    Returns after `max_messages` messages (tests, one-off runs) or when the line drops; delivery
    receipts (esm_class 0x04) are acknowledged and ignored."""
    client = make_client(timeout=timeout)
    handled = 0

    def received(pdu, **kwargs):
        nonlocal handled
        esm_class = int(getattr(pdu, "esm_class", 0) or 0)
        if esm_class & 0x04:  # a delivery receipt, not a message
            return None
        number = pdu.source_addr.decode() if isinstance(pdu.source_addr, bytes) else str(pdu.source_addr)
        text = decode_text(pdu.short_message or b"", int(pdu.data_coding or 0))
        try:
            handle(number, text)
        except Exception:  # noqa: BLE001 - one bad message must not drop the bind; it is acknowledged
            logger.exception("inbound SMS could not be handled")
        handled += 1
        return None

    client.set_message_received_handler(received)
    client.set_message_sent_handler(lambda pdu, **kwargs: None)
    try:
        client.connect()
        client.bind_transceiver(system_id=settings.SMPP_SYSTEM_ID, password=settings.SMPP_PASSWORD)
        while max_messages is None or handled < max_messages:
            client.read_once()
    except (smpplib.exceptions.ConnectionError, OSError) as exc:
        raise GatewayError(f"短信网关连接中断：{exc!r}") from exc
    finally:
        _close(client)
    return handled
