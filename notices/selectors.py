"""Reads of the admin inbox."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notice


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
