from .base import *  # noqa: F401,F403
from .env import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-党务公开")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files straight from their sources while developing (no stale collectstatic copy).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
