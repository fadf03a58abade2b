"""The archive's own copies of attachments, content-addressed by SHA-256.

Editors write MEDIA_ROOT through Wagtail's document views; the archive must not depend
on it. At filing, every attachment's bytes are copied to
`ARCHIVE_STORAGE_ROOT/sha256/<first two hex>/<sha256>` and the record names the copy by
that hash (its attachments entry's "sha256"), so downloads, volume exports and
`verify_archive` read what was filed, whatever happens to the live file later.

A copy is written to a temporary file, hashed while written, then renamed into place
(atomic on one filesystem) and made read-only. Equal bytes are stored once. A filing whose
transaction rolls back may leave a copy no record names; that is harmless (it is the
same bytes under their own hash) and never reported.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024


class ArchiveStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError(f"不是 SHA-256 校验值：{sha256!r}")
        return self.root / "sha256" / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, handle: BinaryIO) -> tuple[str, int]:
        """Copy a readable binary stream into the store; returns (sha256, size)."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=incoming)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            if target.is_file() and self.digest(sha256) == sha256:
                os.unlink(tmp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, 0o444)
                os.replace(tmp_name, target)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return sha256, size

    def digest(self, sha256: str) -> str:
        """The SHA-256 of the stored copy as it is now (raises FileNotFoundError when it is gone)."""
        digest = hashlib.sha256()
        with self.open(sha256) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def archive_store() -> ArchiveStore:
    return ArchiveStore(settings.ARCHIVE_STORAGE_ROOT)
