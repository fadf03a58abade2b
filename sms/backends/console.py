import sys

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Prints each message (development)."""

    def __init__(self, stream=None, **kwargs) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str) -> str:
        self.stream.write(f"短信 → {to}：{text}\n")
        self.stream.flush()
        return "console"
