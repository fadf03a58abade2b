"""Settings shared by every environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_choice, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "cms",
    "disclosure_pages",
    "archive",
    "review",
    "deadlines",
    "participation",
    "notices",
    "displays",
    "supervision",
    "sms",
    "callcentre",
    "search.apps.SearchConfig",
    "publicapi",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_ratelimit",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.RefuseNulInAdminQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns django-ratelimit's Ratelimited into the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.display_mode",
                "cms.context_processors.public_fragments",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
# Connections are kept between requests (checked before reuse): opening one per request was a third
# of an uncached page's time (bench/load.sh, 3 workers: the item page 164 → 252 requests/s).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# Each request is one transaction: a publish whose archive record cannot be written is undone.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout: the web process and the task worker write to the same file.
    # IMMEDIATE transactions take the write lock up front, so concurrent publishers queue
    # instead of failing with "database is locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [BASE_DIR / "static_src"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Wagtail
WAGTAIL_SITE_NAME = "党务公开平台"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "txt", "jpg", "jpeg", "png", "ofd"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Every document is a download unless a real parse shows it is safe to show (disclosure_pages.documents.inline_safe).
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# One time zone to choose in the account settings (the list of 600 is English place names), and
# no "Wagtail upgrade available" notice on the dashboard: upgrades are the maintainers' business.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's own database search serves the admin only (public search is the `search` app),
# with the public search's Chinese analysis (search/admin_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.admin_backend"}}
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work: a database queue worked by `manage.py db_worker` (make run starts it).
# TASKS_BACKEND=immediate runs tasks in-process (used by the browser tests' server).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_choice("TASKS_BACKEND", "database", ["database", "immediate"])]
    }
}

# 手机短信 (sms app). SMS_BACKEND as EMAIL_BACKEND: console (prints), locmem (tests), filebased
# (files under SMS_FILE_PATH) or smpp (a real gateway, SMPP_*; inbound through `manage.py sms_listen`).
SMS_BACKEND = env_str("SMS_BACKEND", "sms.backends.console.SmsBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms")))
SMPP_HOST = env_str("SMPP_HOST", "")
SMPP_PORT = env_int("SMPP_PORT", 2775)
SMPP_SYSTEM_ID = env_str("SMPP_SYSTEM_ID", "")
SMPP_PASSWORD = env_str("SMPP_PASSWORD", "")
SMPP_SOURCE_ADDR = env_str("SMPP_SOURCE_ADDR", "")  # the service number subscribers reply to (TD, keywords)
SMPP_TIMEOUT = env_int("SMPP_TIMEOUT", 10)
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【党务公开】")  # operators require a registered signature
SMS_LINK_BASE = env_str("SMS_LINK_BASE", "")  # short links' origin; WAGTAILADMIN_BASE_URL when empty
SMS_DAILY_LIMIT = env_int("SMS_DAILY_LIMIT", 5)  # publication notices per number and day; beyond: dropped
SMS_QUIET_HOURS = env_str("SMS_QUIET_HOURS", "22:00-08:00")  # Asia/Shanghai; empty: none
SMS_NUMBER_KEY = env_str("SMS_NUMBER_KEY", "")  # keys of the numbers' HMAC and encryption; SECRET_KEY when empty
SMS_CODE_MINUTES = env_int("SMS_CODE_MINUTES", 10)
SMS_CODE_ATTEMPTS = env_int("SMS_CODE_ATTEMPTS", 5)
SMS_CODES_PER_HOUR = env_int("SMS_CODES_PER_HOUR", 5)
SMS_FORM_RATE = env_str("SMS_FORM_RATE", "10/h")
SMS_REPLY_ITEMS = 3
SMS_REPLY_MAX_CHARS = 201  # a keyword reply: one message of at most three UCS2 segments

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "disclosure")
SEARCH_EMBEDDED_PATH = VAR_DIR / "search" / "index.sqlite3"

# The archive (archive/store.py, archive/signing.py). Its copies of attachments live outside
# MEDIA_ROOT (which editors write through the admin), keyed by SHA-256. Each unit's chain head
# is signed with an Ed25519 key that is never stored in the database: ARCHIVE_SIGNING_KEY
# (PEM, or the 32-byte raw key in base64) or the PEM file ARCHIVE_SIGNING_KEY_FILE.
ARCHIVE_STORAGE_ROOT = Path(env_str("ARCHIVE_STORAGE_ROOT", str(VAR_DIR / "archive")))
ARCHIVE_WITNESS_FILE = ARCHIVE_STORAGE_ROOT / "signed-heads.jsonl"
ARCHIVE_SIGNING_KEY_FILE = Path(env_str("ARCHIVE_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "archive_ed25519.pem")))
# Development only: file the first publication with a freshly generated key (with a warning).
ARCHIVE_SIGNING_KEY_AUTOGENERATE = env_bool("ARCHIVE_SIGNING_KEY_AUTOGENERATE", True)
# Render each filed record's PDFs once, in the background task after the commit (archive/tasks.py).
ARCHIVE_RENDER_AT_FILING = env_bool("ARCHIVE_RENDER_AT_FILING", True)
# The archive's PDF font, cut from Noto Serif CJK SC once per machine (archive/fonts): small PDFs.
ARCHIVE_FONT_DIR = Path(env_str("ARCHIVE_FONT_DIR", str(VAR_DIR / "fonts")))
# Lay out one tiny PDF when a web worker starts (cms/wsgi.py), so that the first approval form an
# archivist asks for does not pay for WeasyPrint's import, fontconfig and the font (≈0.5 s).
ARCHIVE_PDF_WARM_UP = env_bool("ARCHIVE_PDF_WARM_UP", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "disclosure_pages": {"level": "INFO"},
        "archive": {"level": "INFO"},
        "search": {"level": "INFO"},
    },
}

# Hardening shared by every environment (production.py adds HTTPS-only settings).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits need a shared atomic cache; production uses Redis. A single dev process
# is fine with the local-memory cache, so its "not shared" check is silenced here only.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_VIEW = "cms.views.ratelimited"
LOGIN_RATE = env_str("LOGIN_RATE", "10/m")
# Public participation forms, per address: requests (and clarifications), feedback, status checks.
PARTICIPATION_SUBMIT_RATE = env_str("PARTICIPATION_SUBMIT_RATE", "5/h")
PARTICIPATION_FEEDBACK_RATE = env_str("PARTICIPATION_FEEDBACK_RATE", "5/h")
PARTICIPATION_STATUS_RATE = env_str("PARTICIPATION_STATUS_RATE", "30/h")
# Re-sending a forgotten query code (to the address on file), per address.
PARTICIPATION_RESEND_RATE = env_str("PARTICIPATION_RESEND_RATE", "5/h")
# Files of answers to requests: private, outside MEDIA_ROOT.
PARTICIPATION_PRIVATE_ROOT = Path(env_str("PARTICIPATION_PRIVATE_ROOT", str(VAR_DIR / "private")))
# 数字电视 and 党务公开栏 screens (displays): the public API they read, and the kiosk's timings.
DISPLAY_API_ROOT = env_str("DISPLAY_API_ROOT", "/api/v2/")
DISPLAY_KIOSK_ROTATE_SECONDS = env_int("DISPLAY_KIOSK_ROTATE_SECONDS", 15)  # one item shown this long
DISPLAY_KIOSK_IDLE_SECONDS = env_int("DISPLAY_KIOSK_IDLE_SECONDS", 60)  # an opened item, untouched, returns to rotation
DISPLAY_KIOSK_REFRESH_SECONDS = env_int("DISPLAY_KIOSK_REFRESH_SECONDS", 300)  # the list is fetched again
DISPLAY_KIOSK_ITEMS = env_int("DISPLAY_KIOSK_ITEMS", 10)  # latest items in rotation (the API gives at most 20)
for _name in ("DISPLAY_KIOSK_ROTATE_SECONDS", "DISPLAY_KIOSK_IDLE_SECONDS", "DISPLAY_KIOSK_REFRESH_SECONDS", "DISPLAY_KIOSK_ITEMS"):
    if not 1 <= globals()[_name] <= (20 if _name == "DISPLAY_KIOSK_ITEMS" else 86400):
        raise ImproperlyConfigured(f"环境变量 {_name} 超出范围：{globals()[_name]}")
# Seconds anonymous public pages stay cached (0: off). Publishing retires the cache at once.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 0)
# Fragments of public pages (region tree, catalogue, latest items, an item's text) cached for
# anonymous readers, keyed on the publication version (cms.context_processors.public_fragments).
PUBLIC_FRAGMENT_CACHE_SECONDS = env_int("PUBLIC_FRAGMENT_CACHE_SECONDS", 300)

# The public site gets a strict policy; the Wagtail admin ships its own inline scripts.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Uploads: documents by extension, size and content (cms/forms.py checks the bytes).
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.CheckedDocumentForm"

# The public API (publicapi, on Wagtail's API v2): limit/offset pages of at most this many rows.
WAGTAILAPI_LIMIT_MAX = 100
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "党务公开平台 公开数据接口",
    "DESCRIPTION": "只读；仅包含向社会公开的已发布事项，以及已发布的公开单位和行政区域。"
    "列表用 limit/offset 分页；参数有误时返回 400 和中文说明（message）。",
    "VERSION": "2.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PREPROCESSING_HOOKS": ["publicapi.schema.public_endpoints_only"],
    "COMPONENT_SPLIT_REQUEST": False,
}

# 监督员意见“直通车”: working days a unit has to answer a 监督意见 (no source text sets a limit: ours).
SUPERVISION_HOTLINE_ANSWER_DAYS = env_int("SUPERVISION_HOTLINE_ANSWER_DAYS", 10)
if not 1 <= SUPERVISION_HOTLINE_ANSWER_DAYS <= 60:
    raise ImproperlyConfigured("环境变量 SUPERVISION_HOTLINE_ANSWER_DAYS 应在 1 到 60 之间。")
