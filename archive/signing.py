"""Ed25519 signatures over each unit's archive chain head, and the witness log beside the store.

Threat model
------------
The forger has write access to the database (a console, a stolen database password, a
restored dump) and to nothing else: not to the signing key, which is never in the database
(it is read from ARCHIVE_SIGNING_KEY or the file ARCHIVE_SIGNING_KEY_FILE), and not to the
archive store's folder (ARCHIVE_STORAGE_ROOT, outside MEDIA_ROOT, written by the filing
service only).

What the forger can do, and why `verify_archive` still reports it:

- Edit any record or approval form and recompute every SHA-256 (the hashing code is
  public: ArchiveRecord.compute_hash), relink the chain, move ArchiveChainHead. The
  record's hash covers every column (the links to rows that may be deleted through
  their `*_ref` copies) and its approval form's snapshot covers every column of the
  form, so the edit changes the chain's head hash; the head hash of that length is
  signed, and the forger cannot make a signature → "与已签名的链头不符".
- Delete records (a revocation, a tail) and relink: the chain is shorter than, or at the
  signed length differs from, a signed head → reported.
- Append a record (the ORM inserts it happily): the chain runs past the last signed
  head, and only the filing service signs → "没有签名".
- Delete signed heads too. Each signature covers the unit, its sequence number, the
  chain length and head hash, the time, and the SHA-256 of the previous signature of the
  unit, so a deleted head in the middle breaks the chain of signatures; a unit with
  records and no signed head at all is reported. Deleting a unit's *latest* filings
  together with their signed heads (a rollback), or a unit's records, chain head and
  signed heads altogether, leaves a consistent database — which is why every signed head
  is also appended, after the commit, to the witness log (ARCHIVE_WITNESS_FILE, one JSON
  line per signature, in the archive store, outside the database). Every line must be in
  the database with the same signature.
- Re-sign with their own key: the signature does not verify with the trusted public
  key (the public half of the configured key, or `verify_archive --public-key FILE`; the
  key is published at /archive/public-key/ and in each volume's 归档文件目录).

What is out of reach here: a forger who holds the private key, or who can also rewrite
the archive store and the witness log. Keep the key (and a copy of the published heads)
off the database server; the published pages and exported catalogues are witnesses too.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ENV_KEY = "ARCHIVE_SIGNING_KEY"

KEY_WARNING = (
    "已生成归档签名私钥 {path}。这把钥匙只适用于开发和演示：生产环境请把私钥移到数据库服务器以外的安全位置，"
    "并通过 ARCHIVE_SIGNING_KEY_FILE 或 ARCHIVE_SIGNING_KEY 提供；私钥绝不能放进数据库或代码库。\n"
    "Generated the archive signing key {path}. It is for development only: for production, move the key "
    "off the database server and point ARCHIVE_SIGNING_KEY_FILE (or ARCHIVE_SIGNING_KEY) at it. "
    "Never store it in the database or the repository."
)


class SigningKeyMissing(ImproperlyConfigured):
    pass


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _parse_private(text: str, *, source: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{source} 不是可用的 Ed25519 私钥（PEM 或 base64 编码的 32 字节原始私钥）：{exc}")
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source} 不是 Ed25519 私钥。")
    return key


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def generate_key_file(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to path (mode 0600, never overwriting); warns that it is for development."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_private_pem(key))
    logger.warning(KEY_WARNING.format(path=path))
    return key


_cache: dict[tuple, Ed25519PrivateKey] = {}


def configured_source() -> str | None:
    """Where the private key comes from, or None when no key is configured."""
    if os.environ.get(ENV_KEY, "").strip():
        return f"环境变量 {ENV_KEY}"
    path = Path(settings.ARCHIVE_SIGNING_KEY_FILE)
    return str(path) if path.is_file() else None


def private_key(*, generate: bool | None = None) -> Ed25519PrivateKey:
    """The signing key: ARCHIVE_SIGNING_KEY, else ARCHIVE_SIGNING_KEY_FILE; generated there when allowed."""
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        cache_key = ("env", env)
        if cache_key not in _cache:
            _cache[cache_key] = _parse_private(env, source=f"环境变量 {ENV_KEY}")
        return _cache[cache_key]
    path = Path(settings.ARCHIVE_SIGNING_KEY_FILE)
    if not path.is_file():
        allowed = settings.ARCHIVE_SIGNING_KEY_AUTOGENERATE if generate is None else generate
        if not allowed:
            raise SigningKeyMissing(
                f"未配置归档签名私钥：请设置 {ENV_KEY}，或把私钥文件放在 {path}（ARCHIVE_SIGNING_KEY_FILE）。"
                "没有私钥不能归档，发布因此不能完成。"
            )
        try:
            generate_key_file(path)
        except FileExistsError:
            pass  # another process made it a moment ago
    stat = path.stat()
    cache_key = ("file", str(path), stat.st_mtime_ns, stat.st_size)
    if cache_key not in _cache:
        _cache[cache_key] = _parse_private(path.read_text("ascii"), source=str(path))
    return _cache[cache_key]


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    data = Path(path).read_bytes()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = _parse_private(data.decode("ascii", "replace"), source=str(path)).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{path} 不是 Ed25519 公钥。")
    return key


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, as colon-separated hex pairs."""
    digest = hashlib.sha256(public_raw(key)).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the fingerprint: stored with each signature."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def head_message(
    *,
    unit_id: int,
    unit_path: str,
    sequence: int,
    length: int,
    head_hash: str,
    prev: str,
    signed_at: datetime.datetime,
) -> bytes:
    """The exact bytes signed: a typed, canonical JSON statement about one unit's chain."""
    statement = {
        "type": "党务公开归档链头",
        "v": 1,
        "unit": unit_id,
        "unit_path": unit_path,
        "sequence": sequence,
        "length": length,
        "head_hash": head_hash,
        "prev": prev,
        "signed_at": _utc(signed_at),
    }
    return json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_link(signature: str) -> str:
    """What the next signed head of a unit carries as `prev`: the SHA-256 of this signature."""
    return hashlib.sha256(signature.encode("ascii")).hexdigest()


def sign(message: bytes) -> tuple[str, str]:
    """(base64 signature, key id) with the configured key."""
    key = private_key()
    return b64(key.sign(message)), key_id(key.public_key())


def verify(key: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def trusted_public_key(path: Path | str | None = None) -> Ed25519PublicKey | None:
    """The key signatures are checked against: a given public key file, else the configured key's
    public half. Never generates a key (a verifier must not invent its own trust)."""
    if path:
        return load_public_key(path)
    if configured_source() is None:
        return None
    return private_key(generate=False).public_key()


# Witness log ---------------------------------------------------------------------------------


@dataclass
class WitnessLog:
    path: Path

    def append(self, entry: dict[str, Any]) -> None:
        # One write of one line with O_APPEND: lines of concurrent processes never interleave.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self) -> tuple[list[dict[str, Any]], list[int]]:
        """(entries, numbers of unreadable lines)."""
        if not self.path.exists():
            return [], []
        entries, bad = [], []
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    if not isinstance(entry, dict):
                        raise ValueError
                except ValueError:
                    bad.append(number)
                    continue
                entries.append(entry)
        return entries, bad


def witness_log() -> WitnessLog:
    return WitnessLog(Path(settings.ARCHIVE_WITNESS_FILE))
