"""Pluggable SMS backends, chosen by settings.SMS_BACKEND (as EMAIL_BACKEND)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def get_backend(path: str | None = None, **kwargs):
    return import_string(path or settings.SMS_BACKEND)(**kwargs)
