"""disclosure_pages tells, the archive listens: publication, revocation and import are filed by
synchronous receivers inside the sender's transaction, so a filing that fails fails the change."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from archive import signal_handlers
from archive.selectors import records_for_item
from disclosure_pages.actions import revoke_item
from disclosure_pages.importer import import_disclosures
from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.signals import item_revoked, items_created_published
from tests.builders import make_item, node_for

from .helpers import create_item, review

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"


class FilingFailed(Exception):
    pass


def fail(*args, **kwargs):
    raise FilingFailed("归档失败（测试）")


def test_the_archive_listens_to_the_domain_signals():
    assert item_revoked.has_listeners(DisclosureItemPage)
    assert items_created_published.has_listeners(DisclosureItemPage)


def test_a_failed_filing_fails_the_publication(client, people, monkeypatch):
    client.force_login(people["wj_editor"])
    item = create_item(client, node_for(WJ, "1-1-1"), title="归档失败时不发布")
    client.force_login(people["wj_reviewer"])
    monkeypatch.setattr(signal_handlers, "archive_publication", fail)
    with pytest.raises(FilingFailed):
        review(client, item)  # the admin request is one transaction (ATOMIC_REQUESTS)
    item.refresh_from_db()
    assert not item.live
    assert not records_for_item(item).exists()


def test_the_publication_is_filed_when_the_archive_works(client, people):
    client.force_login(people["wj_editor"])
    item = create_item(client, node_for(WJ, "1-1-1"), title="审核通过即归档")
    client.force_login(people["wj_reviewer"])
    assert review(client, item)["step"] == "success"
    item.refresh_from_db()
    assert item.live
    assert records_for_item(item).filter(kind="publication").count() == 1


def test_a_failed_filing_fails_the_revocation(people, monkeypatch):
    item = make_item(WJ, "1-1-1", title="撤消归档失败", scope="public")
    monkeypatch.setattr(signal_handlers, "archive_revocation", fail)
    with pytest.raises(FilingFailed), transaction.atomic():
        revoke_item(item, user=people["sg_supervisor"], reason="内容有误")
    item.refresh_from_db()
    assert item.live
    assert not records_for_item(item).filter(kind="revocation").exists()


def test_revocation_returns_the_record_the_archive_made(people):
    item = make_item(WJ, "1-1-1", title="撤消并归档", scope="public")
    record = revoke_item(item, user=people["sg_supervisor"], reason="内容有误")
    assert record.kind == "revocation"
    assert record.reason == "内容有误"


def test_a_failed_filing_fails_the_import(tmp_path, monkeypatch):
    monkeypatch.setattr(signal_handlers, "archive_imported", fail)
    line = {"unit": LK, "catalog_code": "3-3-1", "title": "导入归档失败", "body": "正文", "published_at": "2024-01-12"}
    with pytest.raises(FilingFailed):
        import_disclosures([json.dumps(line, ensure_ascii=False)])
    assert not DisclosureItemPage.objects.filter(title="导入归档失败").exists()


def test_an_import_is_filed_in_its_transaction(tmp_path):
    line = {"unit": LK, "catalog_code": "3-3-1", "title": "导入即归档", "body": "正文", "published_at": "2024-01-12"}
    report = import_disclosures([json.dumps(line, ensure_ascii=False)])
    item = DisclosureItemPage.objects.get(pk=report.created_ids[0])
    assert records_for_item(item).filter(kind="import").count() == 1
