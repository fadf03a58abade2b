from __future__ import annotations


class GatewayError(Exception):
    """The gateway could not take the message (down, refused, timed out): the sender retries."""


class BaseSmsBackend:
    def __init__(self, **kwargs) -> None:
        pass

    def send(self, *, to: str, text: str) -> str:
        """Send `text` to the number `to`; return the gateway's message id. Raises GatewayError."""
        raise NotImplementedError
