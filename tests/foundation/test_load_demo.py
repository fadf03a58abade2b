import io

import pytest
from django.core.management import call_command

from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, RegionPage, UnitPage

pytestmark = pytest.mark.django_db


def test_load_demo_twice_duplicates_nothing():
    before = [m.objects.count() for m in (RegionPage, UnitPage, CatalogNodePage, DisclosureItemPage)]
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    after = [m.objects.count() for m in (RegionPage, UnitPage, CatalogNodePage, DisclosureItemPage)]
    assert after == before
    assert "新建行政区域 0 个、单位 0 个、目录节点 0 个、公开事项 0 条" in out.getvalue()


def test_every_unit_has_published_items_to_show():
    for unit in UnitPage.objects.all():
        assert DisclosureItemPage.objects.live().descendant_of(unit).filter(scope="public").exists(), unit.title
