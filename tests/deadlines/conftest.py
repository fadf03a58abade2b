"""Helpers for the deadlines tests: admin access for the demo personas and a fixed 'today'."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission

# The demo data runs to November 2026; tests judge it as of this day.
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def as_of_today(monkeypatch):
    """Judge the demo data as of TODAY; a test that needs the real clock sets it back."""
    monkeypatch.setattr("deadlines.clock.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def admin_login(client, user_named):
    """Log a demo persona into the Wagtail admin (granting admin access if roles have not yet)."""

    def login(username: str):
        user = user_named(username)
        if not user.has_perm("wagtailadmin.access_admin"):
            group, _ = Group.objects.get_or_create(name="测试：后台访问")
            group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
            user.groups.add(group)
        client.force_login(user)
        return user

    return login


def assert_refused(response) -> None:
    """Wagtail answers PermissionDenied in admin views with a redirect to the dashboard and a message."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
