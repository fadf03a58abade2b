import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Per process, so that parallel test runs (and helpers on one machine) never share files.
_TMP = Path(tempfile.mkdtemp(prefix="disclosure-test-"))
MEDIA_ROOT = _TMP / "media"
PARTICIPATION_PRIVATE_ROOT = _TMP / "private"
SEARCH_EMBEDDED_PATH = _TMP / "search" / "index.sqlite3"
ARCHIVE_STORAGE_ROOT = _TMP / "archive"
ARCHIVE_WITNESS_FILE = ARCHIVE_STORAGE_ROOT / "signed-heads.jsonl"
ARCHIVE_SIGNING_KEY_FILE = _TMP / "keys" / "archive_ed25519.pem"
ARCHIVE_SIGNING_KEY_AUTOGENERATE = True
# Tests that publish with on-commit callbacks would lay out PDFs each time: the render tests switch it on.
ARCHIVE_RENDER_AT_FILING = False
# LocMem outlives each test's rolled-back database: fragment caching is switched on by its own tests.
PUBLIC_FRAGMENT_CACHE_SECONDS = 0
ARCHIVE_PDF_WARM_UP = False

SMS_BACKEND = "sms.backends.locmem.SmsBackend"
SMS_FILE_PATH = _TMP / "sms"
