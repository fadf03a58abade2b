import datetime
import uuid
from pathlib import Path

from django.conf import settings

from .base import BaseSmsBackend, GatewayError


class SmsBackend(BaseSmsBackend):
    """Writes each message to a file under settings.SMS_FILE_PATH."""

    def __init__(self, file_path=None, **kwargs) -> None:
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, *, to: str, text: str) -> str:
        name = f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / f"{name}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        except OSError as exc:
            raise GatewayError(str(exc)) from exc
        return name
