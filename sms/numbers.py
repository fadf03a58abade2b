"""Mobile numbers: validation, and how they are kept (HMAC for matching, Fernet to send, masked to show)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Mainland China mobile numbers: 11 digits, 1 then 3–9 (13x … 19x segments).
MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS_RE = re.compile(r"[\s\-()（）]")
INVALID_NUMBER = "请输入正确的中国大陆手机号码（11 位数字，如 13812345678）。"


class InvalidNumber(ValueError):
    pass


def normalise_number(text: str) -> str:
    """'+86 138-1234-5678' → '13812345678'; anything else raises InvalidNumber."""
    value = _SEPARATORS_RE.sub("", (text or "").translate({0xFF10 + i: 0x30 + i for i in range(10)}))
    for prefix in ("+86", "0086", "86"):
        if value.startswith(prefix) and len(value) == 11 + len(prefix):
            value = value[len(prefix) :]
            break
    if not MOBILE_RE.fullmatch(value):
        raise InvalidNumber(INVALID_NUMBER)
    return value


def _derived_key(purpose: bytes) -> bytes:
    secret = (settings.SMS_NUMBER_KEY or settings.SECRET_KEY).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sms.numbers", info=purpose).derive(secret)


def number_hash(number: str) -> str:
    """HMAC-SHA256 of the number: what matching (退订, keywords, limits, dedupe) needs, and no more."""
    return hmac.new(_derived_key(b"hash"), number.encode(), hashlib.sha256).hexdigest()


def code_hash(number: str, code: str) -> str:
    return hmac.new(_derived_key(b"code"), f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived_key(b"encrypt")))


def encrypt_number(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt_number(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise InvalidNumber("号码无法解密（密钥已更换？）") from exc


def mask_number(number: str) -> str:
    """13812341234 → 138****1234."""
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else "****"
