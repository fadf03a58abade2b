"""A real SMPP 3.4 server (smpp34's asyncio Server) on 127.0.0.1, in a thread with its own event
loop, recording every submit_sm (UCS2 decoded, concatenated parts joined) and able to push
deliver_sm (a subscriber's reply) to the bound transceiver."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass

import pytest
import smpp34
from django.core.cache import cache
from django.utils import timezone

import sms
from disclosure_pages.selectors import find_unit
from tests.builders import make_item

WJ = "韶关市/武江区/区委办"
SERVICE_NUMBER = "106900001234"


@dataclass
class Received:
    to: str
    text: str
    data_coding: int
    parts: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Smsc:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.reject = False
        self._partial: dict[tuple[str, int], list[bytes]] = {}
        self._sessions: dict[str, smpp34.Esme] = {}
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Smsc:
        self._thread.start()
        assert self._ready.wait(10), "SMPP server did not start"
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except RuntimeError:  # stop(): the loop ends while the server waits for its next event
            pass

    async def _serve(self) -> None:
        self._server = smpp34.Server(host="127.0.0.1", port=self.port, system_id="TESTSMSC")
        await self._server.start()
        self._ready.set()
        while True:
            event = await self._server.next()
            if isinstance(event, smpp34.Esme):
                self._sessions[event.session_id] = event
            elif isinstance(event, smpp34.Unbound):
                self._sessions.pop(event.session_id, None)
            elif isinstance(event, smpp34.SubmitSmEvent):
                if self.reject:
                    event.reject(smpp34.ESME_RSYSERR)
                    continue
                self._record(event)
                event.accept(message_id=f"m{len(self.received)}")

    def _record(self, event) -> None:
        body = event.short_message
        if event.esm_class & 0x40:  # UDH: 05 00 03 ref total seq
            ref, total, seq = body[3], body[4], body[5]
            parts = self._partial.setdefault((event.destination_addr, ref), [b""] * total)
            parts[seq - 1] = body[6:]
            if not all(parts):
                return
            body = b"".join(parts)
            del self._partial[(event.destination_addr, ref)]
            count = total
        else:
            count = 1
        text = body.decode("utf-16-be") if event.data_coding == 8 else body.decode("latin-1")
        self.received.append(Received(event.destination_addr, text, event.data_coding, count))

    def deliver(self, source: str, text: str) -> None:
        """Push a deliver_sm to the next transceiver that binds (or the one bound)."""

        async def push():
            for _ in range(500):
                receivers = [s for s in self._sessions.values() if s.can_receive]
                if receivers:
                    return await receivers[-1].deliver_sm(
                        SERVICE_NUMBER, text.encode("utf-16-be"), source_addr=source, data_coding=8
                    )
                await asyncio.sleep(0.02)
            raise TimeoutError("no transceiver bound")

        asyncio.run_coroutine_threadsafe(push(), self._loop)

    def to(self, number: str) -> list[Received]:
        return [m for m in self.received if m.to == number]

    def stop(self) -> None:
        async def stop():
            await self._server.stop()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)


@pytest.fixture(scope="session")
def smsc_server():
    server = Smsc().start()
    yield server
    server.stop()


@pytest.fixture
def smsc(smsc_server, settings):
    settings.SMS_BACKEND = "sms.backends.smpp.SmsBackend"
    settings.SMPP_HOST = "127.0.0.1"
    settings.SMPP_PORT = smsc_server.port
    settings.SMPP_SYSTEM_ID = "esme"
    settings.SMPP_PASSWORD = "secret"
    settings.SMPP_SOURCE_ADDR = SERVICE_NUMBER
    settings.SMPP_TIMEOUT = 5
    smsc_server.received.clear()
    smsc_server.reject = False
    return smsc_server


@pytest.fixture(autouse=True)
def sms_defaults(settings):
    sms.outbox.clear()
    settings.SMS_QUIET_HOURS = ""  # tests of quiet hours set it and pass `now`
    settings.SMS_LINK_BASE = "https://dw.example.cn"
    cache.clear()  # django-ratelimit counts in the cache
    yield
    sms.outbox.clear()


@pytest.fixture
def publish_new(django_capture_on_commit_callbacks):
    def go(unit_path: str = WJ, code: str = "1-1-1", *, title: str, scope: str = "public"):
        # Created as an import (no notices), then published the way the workflow's last step does.
        item = make_item(unit_path, code, title=title, scope=scope, published=timezone.localdate())
        with django_capture_on_commit_callbacks(execute=True):
            item.save_revision().publish()
        return item

    return go


@pytest.fixture
def wj_unit(db):
    return find_unit(WJ)
