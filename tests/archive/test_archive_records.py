"""Publishing files an archive record (归档): content, approval form, checksums, 件号, hash chain."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from archive.choices import RecordKind
from archive.models import ArchiveChainHead, ArchiveRecord
from archive.selectors import records_for_item, records_for_unit_year
from archive.services import (
    approval_form_record_review,
    archive_imported,
    archive_imported_ids,
    archive_revocation,
)
from disclosure_pages.importer import import_disclosures
from disclosure_pages.models import DisclosureItemPage
from tests.archive.conftest import WJ, attach, publish
from tests.builders import make_item

pytestmark = pytest.mark.django_db


def test_publishing_an_item_writes_a_full_record(wj_item, user_named):
    document = attach(wj_item, content=b"attachment bytes v1")
    approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="目录规定内容",
        secrecy_opinion="pass",
        secrecy_reason="不涉密",
    )

    revision = publish(wj_item, user=user_named("wj_editor"), body="<p>班子成员分工如下：书记主持全面工作。</p>")

    (record,) = records_for_item(wj_item)
    year = timezone.localtime(wj_item.last_published_at).year
    assert record.kind == RecordKind.PUBLICATION
    assert record.unit == wj_item.unit
    assert record.unit_path == WJ
    assert record.catalog_code == "1-1-1"
    assert record.catalog_level1 == wj_item.catalog_node.level_names[0]
    assert record.revision == revision
    assert record.content["body"] == "<p>班子成员分工如下：书记主持全面工作。</p>"
    assert "书记主持全面工作" in record.content_html
    assert record.approval_snapshot["disclose_reason"] == "目录规定内容"
    assert record.approval_snapshot["reviewer"] == "武江区委办 分管负责人"
    assert record.attachments[0]["sha256"] == hashlib.sha256(b"attachment bytes v1").hexdigest()
    assert record.attachments[0]["document"] == document.pk
    assert record.published_at == wj_item.last_published_at
    assert record.retention == wj_item.catalog_node.retention
    assert record.number.startswith(f"{year}-") and len(record.number) == 9
    assert record.content_hash == record.compute_hash()


def test_numbers_run_on_per_unit_and_year_and_chain_the_hashes(user_named):
    editor = user_named("wj_editor")
    items = [make_item(WJ, "1-1-1", title=f"连续编号事项{n}") for n in range(3)]
    for item in items:
        publish(item, user=editor)

    records = [records_for_item(item).get() for item in items]
    sequences = [record.sequence for record in records]
    assert sequences == list(range(sequences[0], sequences[0] + 3))
    assert [r.number for r in records] == [f"{r.year}-{r.sequence:04d}" for r in records]
    assert records[1].prev_hash == records[0].content_hash
    assert records[2].prev_hash == records[1].content_hash
    head = ArchiveChainHead.objects.get(unit=records[0].unit)
    assert head.head_hash == records[2].content_hash

    other = make_item("韶关市/浈江区/区委办", "1-1-1", title="另一单位的事项")
    publish(other, user=None)
    other_record = records_for_item(other).get()
    assert other_record.unit != records[0].unit
    assert other_record.prev_hash != records[2].content_hash


def test_retention_defaults_from_the_catalogue_node(wj_item):
    node = wj_item.catalog_node
    node.retention = "permanent"
    node.save()
    publish(wj_item)
    assert records_for_item(wj_item).get().get_retention_display() == "永久"


def test_a_later_change_makes_a_new_record_and_keeps_the_old(wj_item):
    publish(wj_item, title="第一版")
    publish(wj_item, title="第二版")

    titles = list(records_for_item(wj_item).values_list("title", flat=True))
    assert titles == ["第一版", "第二版"]


def test_scheduled_publication_is_filed_when_it_goes_live(wj_item):
    wj_item.go_live_at = timezone.now() + datetime.timedelta(hours=2)
    revision = wj_item.save_revision()
    revision.publish()
    assert not records_for_item(wj_item).exists()

    # Two hours later: the scheduler's publish_scheduled finds the revision due.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", stdout=io.StringIO())

    (record,) = records_for_item(wj_item)
    assert record.revision_id == revision.pk


def test_a_failure_to_file_fails_the_publication(wj_item, monkeypatch):
    from django.db import transaction

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("archive.services.render_content_html", broken)
    revision = wj_item.save_revision()
    with pytest.raises(RuntimeError, match="磁盘已满"):
        with transaction.atomic():
            revision.publish()

    wj_item.refresh_from_db()
    assert wj_item.live_revision_id != revision.pk
    assert not records_for_item(wj_item).exists()


def test_zero_report_is_filed_as_zero_report(wj_item):
    publish(wj_item, is_zero_report=True, period_type="month", year=2026, month=2)
    assert records_for_item(wj_item).get().get_kind_display() == "零上报"


def test_revocation_files_the_last_published_content_with_reason(wj_item, user_named):
    publish(wj_item, body="<p>已发布的内容</p>")
    supervisor = user_named("sg_supervisor")
    wj_item.unpublish(user=None)

    record = archive_revocation(item=wj_item, user=supervisor, reason="含有未脱密的个人信息")

    assert record.kind == RecordKind.REVOCATION
    assert record.reason == "含有未脱密的个人信息"
    assert record.actor_name == "韶关市委组织部"
    assert record.content["body"] == "<p>已发布的内容</p>"
    assert [r.kind for r in records_for_item(wj_item)] == [RecordKind.PUBLICATION, RecordKind.REVOCATION]


def test_revocation_without_reason_is_refused(wj_item, user_named):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="撤消须说明理由"):
        archive_revocation(item=wj_item, user=user_named("sg_supervisor"), reason="  ")


def test_imported_items_are_filed_as_imports(django_capture_on_commit_callbacks):
    lines = [
        '{"unit": "韶关市/武江区/区委办", "catalog_code": "1-1-1", "title": "2019年度班子分工（导入）", '
        '"published_at": "2019-03-01", "body": "历史内容"}'
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = import_disclosures(lines)
    assert report.ok

    (record,) = records_for_item(report.created_ids[0])
    assert record.kind == RecordKind.IMPORT
    assert record.year == 2019
    assert record.approval_snapshot is None
    assert "历史内容" in record.content_html


def test_archive_imported_skips_items_already_filed():
    item = make_item(WJ, "1-1-1", title="已归档的导入事项", published=datetime.date(2025, 5, 6))
    first = archive_imported([item])
    assert len(first) == 1 and first[0].year == 2025
    assert archive_imported([item]) == []
    assert archive_imported_ids([item.pk]) == []


def test_demo_items_are_in_the_archive(unit):
    wj = unit(WJ)
    filed = set(ArchiveRecord.objects.filter(unit=wj).values_list("item_ref", flat=True))
    live = set(DisclosureItemPage.objects.live().descendant_of(wj).filter(imported=True).values_list("pk", flat=True))
    assert live and live <= filed


def test_records_of_a_unit_and_year_in_number_order(user_named):
    items = [make_item(WJ, "1-1-1", title=f"卷内事项{n}") for n in range(2)]
    for item in items:
        publish(item)
    unit = items[0].unit
    year = records_for_item(items[0]).get().year
    numbers = list(records_for_unit_year(unit, year).values_list("number", flat=True))
    assert numbers == sorted(numbers)
    assert records_for_item(items[1]).get().number == numbers[-1]
