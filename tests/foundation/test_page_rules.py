"""Each page type may only stand where it belongs."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, PortalHomePage, RegionPage, UnitPage
from tests.builders import node_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(unit):
    wj_unit = unit("韶关市/武江区/区委办")
    level1 = CatalogNodePage.objects.child_of(wj_unit).get()
    level2 = CatalogNodePage.objects.child_of(level1).first()
    return {
        "root": Page.get_first_root_node(),
        "home": PortalHomePage.objects.get(),
        "region": RegionPage.objects.get(title="韶关市"),
        "unit": wj_unit,
        "level1": level1,
        "level2": level2,
        "level3": node_for("韶关市/武江区/区委办", "1-1-1"),
    }


@pytest.mark.parametrize(
    "model, allowed",
    [
        (RegionPage, {"home", "region"}),
        (UnitPage, {"region"}),
        (CatalogNodePage, {"unit", "level1", "level2"}),
        (DisclosureItemPage, {"level3"}),
    ],
)
def test_page_types_only_where_they_belong(tree, model, allowed):
    for name, parent in tree.items():
        assert model.can_create_at(parent) == (name in allowed), f"{model.__name__} under {name}"


def test_only_one_portal_home():
    assert not PortalHomePage.can_create_at(Page.get_first_root_node())


def test_catalog_node_level_must_match_its_position(tree):
    node = CatalogNodePage(title="新目录", slug="9", level=3, code="9")
    node._creation_parent = tree["unit"]
    with pytest.raises(ValidationError) as excinfo:
        node.clean()
    assert "此位置只能建立一级目录" in str(excinfo.value)


def test_catalog_code_shape_is_checked(tree):
    node = CatalogNodePage(title="新目录", slug="9-9", level=2, code="9-x")
    node._creation_parent = tree["level1"]
    with pytest.raises(ValidationError, match="公开代码由数字"):
        node.clean()


def test_item_period_fields_are_required_by_period_type(tree):
    item = DisclosureItemPage(title="党费情况", slug="x", period_type="half", year=2026)
    item._creation_parent = tree["level3"]
    with pytest.raises(ValidationError) as excinfo:
        item.clean()
    assert "half" in excinfo.value.message_dict


def test_item_scope_defaults_to_the_catalogue_node(item_factory):
    public_item = item_factory("龙口市/市科技局党支部", "1-1-1")
    internal_item = item_factory("龙口市/市科技局党支部", "3-3-1")
    assert public_item.scope == "public"
    assert internal_item.scope == "party"
