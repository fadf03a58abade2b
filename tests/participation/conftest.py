"""Personas and helpers for public participation tests.

Personas (demo data): wj_editor / wj_reviewer / wj_leader handle 韶关市/武江区/区委办;
wj_member is a party member there (not handling staff); sg_supervisor reaches 韶关市,
wj_supervisor 韶关市/武江区; `outsider_editor` is an editor of 龙口市/市科技局党支部.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from disclosure_pages.choices import Role
from participation.services import request_submit
from tests.builders import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


def grant_admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """django-ratelimit counts in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(user_named):
    """A persona who may enter the Wagtail admin."""

    def get(username: str):
        return grant_admin(user_named(username))

    return get


@pytest.fixture
def outsider_editor(db):
    return grant_admin(make_user("outsider_editor", unit_path=LK, role=Role.EDITOR))


@pytest.fixture
def make_request(unit):
    def make(unit_path: str = WJ, *, submitted: str | None = None, **fields):
        values = {
            "applicant_name": "张三",
            "contact_phone": "13812345678",
            "contact_email": "zhangsan@example.com",
            "request_text": "请公开2025年度党费收缴、管理和使用情况。",
            "purpose": "了解本支部党费使用情况",
        }
        values.update(fields)
        return request_submit(unit=unit(unit_path), at=at(submitted) if submitted else None, **values)

    return make
