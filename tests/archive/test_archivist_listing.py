"""The archivist's listing (档案管理员): filters, search, inspect, a record's PDF, a volume from the admin."""

import io
import zipfile

import bagit
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive.selectors import records_for_item
from tests.archive.conftest import WJ, pdf_text, publish
from tests.builders import make_item

pytestmark = pytest.mark.django_db
INDEX = "archive_archiverecord_modeladmin_index"


@pytest.fixture
def filed(user_named):
    item = make_item(WJ, "1-1-1", title="档案员要找的事项")
    publish(item, user=user_named("wj_editor"), tables=[])
    return records_for_item(item).get()


def test_archivist_group_exists_with_read_only_permission():
    group = Group.objects.get(name="档案管理员")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "view_archiverecord"} <= codenames
    assert not codenames & {"change_archiverecord", "delete_archiverecord", "add_archiverecord"}


def test_archivist_lists_and_finds_a_record_by_number_and_title(client, archivist, filed):
    client.force_login(archivist)

    by_number = client.get(reverse(INDEX), {"q": filed.number})
    by_title = client.get(reverse(INDEX), {"q": "档案员要找的"})

    assert by_number.status_code == 200
    assert "档案员要找的事项" in by_number.content.decode()
    assert "档案员要找的事项" in by_title.content.decode()
    assert "导出PDF" in by_title.content.decode()
    assert "导出归档卷" in by_title.content.decode()


def test_filters_by_region_unit_year_catalogue_retention_and_kind(client, archivist, filed):
    client.force_login(archivist)
    page = client.get(reverse(INDEX)).content.decode()
    for heading in ("行政区域", "单位", "年度", "一级目录", "保管期限", "类别"):
        assert heading in page, heading

    matching = {
        "region": "韶关市/武江区",
        "unit": str(filed.unit_id),
        "year": str(filed.year),
        "catalog_level1": filed.catalog_level1,
        "retention__exact": filed.retention,
        "kind__exact": "publication",
        "q": "档案员要找的",
    }
    assert "档案员要找的事项" in client.get(reverse(INDEX), matching).content.decode()
    for key, other in [("region", "龙口市"), ("year", str(filed.year - 5)), ("kind__exact", "import")]:
        response = client.get(reverse(INDEX), {**matching, key: other})
        assert "档案员要找的事项" not in response.content.decode(), key


def test_staff_without_the_archivist_role_cannot_see_the_archive(client, outsider, filed):
    client.force_login(outsider)
    assert client.get(reverse(INDEX)).status_code in (302, 403)
    assert client.get(reverse("archive_record_pdf", args=[filed.pk])).status_code in (302, 403)


def test_inspect_shows_the_filed_content_and_hashes(client, archivist, filed):
    client.force_login(archivist)
    response = client.get(reverse("archive_archiverecord_modeladmin_inspect", args=[filed.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert filed.content_hash in page
    assert "审批表（归档时）" in page
    assert "档案员要找的事项" in page


def test_record_pdf_holds_approval_form_and_content(client, archivist, filed):
    client.force_login(archivist)
    response = client.get(reverse("archive_record_pdf", args=[filed.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "党务公开事项审批表" in text
    assert "档案员要找的事项" in text
    assert filed.number in text
    assert "测试正文" in text


def test_volume_catalogue_pdf_from_the_admin(client, archivist, filed):
    client.force_login(archivist)
    form = client.get(reverse("archive_volume"), {"unit": filed.unit_id, "year": filed.year})
    assert form.status_code == 200 and "导出归档卷" in form.content.decode()

    response = client.post(
        reverse("archive_volume"), {"unit": filed.unit_id, "year": filed.year, "output": "catalogue"}
    )

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "归档文件目录" in text
    for heading in ("件号", "题名", "目录代码", "日期", "保管期限", "页数"):
        assert heading in text
    assert filed.number in text and "档案员要找的事项" in text


def test_volume_bag_zip_from_the_admin_is_a_valid_bag(client, archivist, filed, tmp_path):
    client.force_login(archivist)
    response = client.post(reverse("archive_volume"), {"unit": filed.unit_id, "year": filed.year, "output": "bag"})

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    (root,) = list(tmp_path.iterdir())
    bag = bagit.Bag(str(root))
    bag.validate()
    assert bag.info["年度"] == str(filed.year)
    assert (root / "data" / filed.number / "approval_form.pdf").exists()


def test_volume_for_a_year_without_records_says_so(client, archivist, filed):
    client.force_login(archivist)
    response = client.post(reverse("archive_volume"), {"unit": filed.unit_id, "year": 1999, "output": "catalogue"})
    assert response.status_code == 200
    assert "该年度没有归档记录" in response.content.decode()


def test_supervisors_read_record_pdfs_within_their_reach_only(client, user_named, filed):
    from django.contrib.auth.models import Permission

    other = make_item("韶关市/浈江区/区委办", "1-1-1", title="浈江区的事项")
    publish(other)
    other_record = records_for_item(other).get()
    access = Permission.objects.get(codename="access_admin")
    city, district = user_named("sg_supervisor"), user_named("wj_supervisor")
    for user in (city, district):
        user.user_permissions.add(access)

    client.force_login(district)
    assert client.get(reverse("archive_record_pdf", args=[filed.pk])).status_code == 200
    assert client.get(reverse("archive_record_pdf", args=[other_record.pk])).status_code in (302, 403)

    client.force_login(city)
    assert client.get(reverse("archive_record_pdf", args=[other_record.pk])).status_code == 200


def test_filter_headings_read_as_chinese(client, archivist, filed):
    # wagtail-modeladmin's zh-hans catalogue lacks "By %(filter_title)s"; the project's locale/ words it.
    client.force_login(archivist)
    page = client.get(reverse(INDEX)).content.decode()
    assert "按行政区域" in page and "按单位" in page
    assert "By " not in page
