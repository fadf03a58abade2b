"""The anonymous page cache serves public pages fast and never serves anything stale or personal."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from disclosure_pages.choices import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db
LK = "龙口市/市科技局党支部"


@pytest.fixture(autouse=True)
def page_cache():
    cache.clear()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        yield
    cache.clear()


def test_second_anonymous_request_comes_from_the_cache(client, django_assert_max_num_queries):
    client.get("/龙口市/市科技局党支部/")
    with django_assert_max_num_queries(2):
        response = client.get("/龙口市/市科技局党支部/")
    assert response.status_code == 200 and "公开目录" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_publishing_retires_cached_pages(client, item_factory):
    assert "刚刚发布的事项" not in client.get("/龙口市/市科技局党支部/").content.decode()
    item = item_factory(LK, "1-1-1", title="刚刚发布的事项")
    item.save_revision().publish()
    assert "刚刚发布的事项" in client.get("/龙口市/市科技局党支部/").content.decode()
    item.unpublish()
    assert "刚刚发布的事项" not in client.get("/龙口市/市科技局党支部/").content.decode()


def test_logged_in_members_never_get_the_anonymous_copy(client, item_factory):
    item_factory(LK, "3-3-1", title="党员才能看到的事项")
    assert "党员才能看到的事项" not in client.get("/龙口市/市科技局党支部/").content.decode()
    client.force_login(make_user(unit_path=LK, role=Role.MEMBER))
    assert "党员才能看到的事项" in client.get("/龙口市/市科技局党支部/").content.decode()
    client.logout()
    assert "党员才能看到的事项" not in client.get("/龙口市/市科技局党支部/").content.decode()


def test_pages_with_forms_are_not_cached(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    assert first.status_code == second.status_code == 200
    assert "csrfmiddlewaretoken" in second.content.decode()
