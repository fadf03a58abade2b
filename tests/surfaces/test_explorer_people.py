"""The explorer's filters (所有者, 编辑者) offer the people of the pages one may explore, not everyone's.

Wagtail lists every page owner and every editor in the whole tree there: a unit's 录入人 read the
names and usernames of other units' staff, and whose pages exist where they cannot see."""

import pytest
from wagtail.models import PageLogEntry

from disclosure_pages.choices import Role
from disclosure_pages.selectors import find_unit
from tests.builders import make_item, make_user
from tests.participation.conftest import grant_admin

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"


def staff_with_a_page(username: str, full_name: str, unit_path: str):
    person = grant_admin(make_user(username, unit_path=unit_path, role=Role.EDITOR, first_name=full_name))
    item = make_item(unit_path, "1-1-1", title=f"{full_name}的事项")
    item.owner = person
    item.save(update_fields=["owner"])
    PageLogEntry.objects.log_action(item, "wagtail.edit", user=person)
    return person


@pytest.fixture
def people():
    return {
        "colleague": staff_with_a_page("wj_probe_owner", "武江同事甲", WJ),
        "stranger": staff_with_a_page("lk_probe_owner", "龙口探针乙", LK),
    }


def explorer_pages(client, user):
    client.force_login(user)
    wj = find_unit(WJ)
    for url in ("/admin/pages/", f"/admin/pages/{wj.pk}/", f"/admin/pages/{wj.pk}/results/", f"/admin/pages/{wj.pk}/?q=事项"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_a_unit_editor_is_offered_the_people_of_their_own_pages_only(client, user_named, people):
    seen_colleague = False
    for url, html in explorer_pages(client, grant_admin(user_named("wj_editor"))):
        assert "龙口探针乙" not in html and "lk_probe_owner" not in html, url
        seen_colleague = seen_colleague or "武江同事甲" in html
    assert seen_colleague  # the filter itself is there, with the unit's own people


def test_a_superuser_is_still_offered_everyone(client, people):
    admin = make_user("probe_admin", is_superuser=True, is_staff=True)
    html = "".join(html for _, html in explorer_pages(client, admin))
    assert "龙口探针乙" in html and "武江同事甲" in html
