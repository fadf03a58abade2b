"""No code path or admin screen edits or deletes an archive record."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from archive.models import ArchiveImmutableError, ArchiveRecord
from archive.selectors import records_for_item
from tests.archive.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(wj_item):
    publish(wj_item, title="不可更改的记录")
    return records_for_item(wj_item).get()


def test_saving_a_changed_record_is_refused(record):
    record.title = "改过的标题"
    with pytest.raises(ArchiveImmutableError, match="不得修改或删除"):
        record.save()
    assert ArchiveRecord.objects.get(pk=record.pk).title == "不可更改的记录"


def test_deleting_a_record_is_refused(record):
    with pytest.raises(ArchiveImmutableError):
        record.delete()
    assert ArchiveRecord.objects.filter(pk=record.pk).exists()


def test_bulk_update_and_delete_are_refused(record):
    with pytest.raises(ArchiveImmutableError):
        ArchiveRecord.objects.filter(pk=record.pk).update(title="批量修改")
    with pytest.raises(ArchiveImmutableError):
        ArchiveRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(ArchiveImmutableError):
        ArchiveRecord._base_manager.filter(pk=record.pk).delete()
    with pytest.raises(ArchiveImmutableError):
        ArchiveRecord.objects.bulk_update([record], ["title"])
    with pytest.raises(ArchiveImmutableError):
        ArchiveRecord.objects.filter(pk=record.pk).update(item=None, title="顺带修改")
    assert ArchiveRecord.objects.get(pk=record.pk).title == "不可更改的记录"


def test_deleting_the_item_keeps_its_records(record, wj_item):
    wj_item.delete()
    kept = ArchiveRecord.objects.get(pk=record.pk)
    assert kept.item is None
    assert kept.title == "不可更改的记录"
    assert kept.compute_hash() == kept.content_hash


def test_admin_offers_no_add_edit_or_delete_even_to_a_superuser(client, record):
    admin = get_user_model().objects.create_superuser("root_admin", password="pw")
    client.force_login(admin)

    listing = client.get(reverse("archive_archiverecord_modeladmin_index"))
    assert listing.status_code == 200
    assert reverse("archive_archiverecord_modeladmin_edit", args=[record.pk]) not in listing.content.decode()
    assert reverse("archive_archiverecord_modeladmin_create") not in listing.content.decode()

    for name, args in [
        ("archive_archiverecord_modeladmin_create", []),
        ("archive_archiverecord_modeladmin_edit", [record.pk]),
        ("archive_archiverecord_modeladmin_delete", [record.pk]),
    ]:
        for response in (client.get(reverse(name, args=args)), client.post(reverse(name, args=args), {"title": "x"})):
            # modeladmin answers a refused action by sending the user back to the dashboard with a message.
            assert response.status_code in (302, 403), name
            assert response.status_code == 403 or response.url == reverse("wagtailadmin_home"), name
    assert ArchiveRecord.objects.get(pk=record.pk).title == "不可更改的记录"


def test_a_unit_with_records_cannot_be_deleted_in_the_admin(client, record):
    admin = get_user_model().objects.create_superuser("root_admin2", password="pw")
    client.force_login(admin)
    unit = record.unit

    response = client.post(reverse("wagtailadmin_pages:delete", args=[unit.pk]), follow=True)

    assert "下有归档记录，按档案保管期限不能删除" in response.content.decode()
    assert type(unit).objects.filter(pk=unit.pk).exists()
