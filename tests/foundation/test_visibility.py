"""Scope decides who may see: anonymous visitors get public (社会) items only."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from disclosure_pages.choices import Role
from disclosure_pages.models import ItemAttachment, RegionPage
from disclosure_pages.selectors import visible_items
from tests.builders import make_user

pytestmark = pytest.mark.django_db

LK = "龙口市/市科技局党支部"


@pytest.fixture
def items(item_factory):
    return {
        "public": item_factory(LK, "1-1-1", title="公开事项甲"),
        "party": item_factory(LK, "3-3-1", title="党费收缴内部事项"),
        "committee": item_factory(LK, "1-2-2", title="委员范围事项"),
    }


def test_anonymous_sees_public_items_only(client, items):
    assert client.get(items["public"].url).status_code == 200
    assert client.get(items["party"].url).status_code == 404
    assert client.get(items["committee"].url).status_code == 404
    for url in ["/", "/龙口市/市科技局党支部/", items["party"].get_parent().url]:
        html = client.get(url).content.decode()
        assert "党费收缴内部事项" not in html and "委员范围事项" not in html


def test_internal_item_404_gives_no_hint(client, items):
    response = client.get(items["party"].url)
    assert response.status_code == 404
    assert "党费收缴内部事项" not in response.content.decode()


def test_member_of_the_unit_sees_party_items_but_not_committee_items(client, items):
    member = make_user(unit_path=LK, role=Role.MEMBER)
    client.force_login(member)
    assert client.get(items["party"].url).status_code == 200
    assert client.get(items["committee"].url).status_code == 404


def test_committee_member_sees_committee_items(client, items):
    client.force_login(make_user(unit_path=LK, role=Role.COMMITTEE))
    assert client.get(items["committee"].url).status_code == 200


def test_member_of_another_unit_sees_public_only(client, items):
    client.force_login(make_user(unit_path="韶关市/武江区/区委办", role=Role.COMMITTEE))
    assert client.get(items["party"].url).status_code == 404
    assert client.get(items["committee"].url).status_code == 404


def test_supervisor_above_sees_everything_below(client, items):
    longkou = RegionPage.objects.get(title="龙口市")
    client.force_login(make_user(reach=longkou))
    assert client.get(items["party"].url).status_code == 200
    assert client.get(items["committee"].url).status_code == 200


def test_supervisor_elsewhere_sees_public_only(items):
    shaoguan = RegionPage.objects.get(title="韶关市")
    supervisor = make_user(reach=shaoguan)
    visible = set(visible_items(supervisor).values_list("pk", flat=True))
    assert items["public"].pk in visible
    assert items["party"].pk not in visible and items["committee"].pk not in visible


def test_unpublished_item_disappears(client, items):
    url = items["public"].url
    assert "公开事项甲" in client.get("/龙口市/市科技局党支部/").content.decode()
    items["public"].unpublish()
    assert client.get(url).status_code == 404
    assert "公开事项甲" not in client.get("/龙口市/市科技局党支部/").content.decode()


def attach(item, attribute, reason=""):
    document = Document.objects.create(title=f"附件-{attribute}", file=ContentFile(b"%PDF-1.4 test", name="a.pdf"))
    ItemAttachment.objects.create(page=item, document=document, attribute=attribute, reason=reason)
    return document


def test_documents_of_internal_items_are_not_served(client, items):
    public_doc = attach(items["public"], "active")
    withheld_doc = attach(items["public"], "withheld", reason="涉及个人隐私")
    internal_doc = attach(items["party"], "active")
    assert client.get(public_doc.url).status_code == 200
    assert client.get(withheld_doc.url).status_code == 404
    assert client.get(internal_doc.url).status_code == 404
    page = client.get(items["public"].url).content.decode()
    assert public_doc.url in page and withheld_doc.url not in page


@pytest.mark.parametrize(
    "username", ["wj_member", "wj_editor", "wj_reviewer", "lk_member", "lk_committee", "sg_supervisor", "wj_supervisor"]
)
def test_readable_scopes_is_the_rule_visible_items_applies(user_named, username):
    """One rule (disclosure_pages.permissions.readable_scopes): the site's visible_items and the
    search index's filter (search.query.Visibility, built from it) agree item by item."""
    from disclosure_pages.permissions import readable_scopes
    from disclosure_pages.selectors import live_items
    from search.selectors import visibility_for

    user = user_named(username)
    readable, visibility = readable_scopes(user), visibility_for(user)
    visible = set(visible_items(user).values_list("pk", flat=True))
    rows = live_items().values_list("pk", "scope", "path")
    assert {pk for pk, scope, path in rows if readable.allows(scope, path)} == visible
    assert {pk for pk, scope, path in rows if visibility.allows(scope, path)} == visible
    assert visible >= set(visible_items(None).values_list("pk", flat=True))
