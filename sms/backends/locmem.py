from dataclasses import dataclass

import sms

from .base import BaseSmsBackend


@dataclass
class OutboxMessage:
    to: str
    text: str


class SmsBackend(BaseSmsBackend):
    """Appends each message to ``sms.outbox`` (tests of the flow logic)."""

    def send(self, *, to: str, text: str) -> str:
        sms.outbox.append(OutboxMessage(to=to, text=text))
        return f"locmem-{len(sms.outbox)}"
