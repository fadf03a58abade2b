"""search_rebuild, search_check and search_sync, as an operator runs them
(issue 4 point 3), on each backend."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from disclosure_pages.choices import Scope
from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.selectors import public_items
from search.indexing import iter_documents
from search.models import PendingIndexUpdate
from search.services import pending_record
from tests.builders import make_item
from tests.search.helpers import WJ, ZJ, api, found_titles

pytestmark = pytest.mark.usefixtures("site_backend")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_rebuild_indexes_every_published_item_with_a_progress_bar(site_backend):
    expected = {doc.id for doc in iter_documents()}
    output = run("search_rebuild")
    assert f"已索引 {len(expected):,} 项" in output
    assert "100%" in output and "项/秒" in output and "█" in output
    indexed = set(site_backend.indexed_fingerprints())
    assert indexed == expected
    # 党内 and 委员 items too, for the members who may read them; the public finds none of them.
    internal = set(DisclosureItemPage.objects.live().exclude(scope=Scope.PUBLIC).values_list("pk", flat=True))
    assert internal and internal <= indexed
    public = public_items().count()
    assert api("", per_page=50)["total"] == public < len(indexed)
    assert api("党费收缴")["total"] > 0


def test_rebuild_forgets_failures_it_made_good(site_backend):
    item = make_item(WJ, "1-1-1", title="鲲鹏待补事项", scope="public")
    pending_record(item_ids=[item.pk], error="ConnectionError: 检索服务不可用")
    run("search_rebuild")
    assert found_titles("鲲鹏") == ["鲲鹏待补事项"]
    assert not PendingIndexUpdate.objects.exists()


def test_check_reports_missing_stale_and_orphaned_items_and_fails(demo_index):
    assert "索引与数据库一致" in run("search_check")
    missing = make_item(WJ, "1-1-1", title="鲲鹏漏索引事项", scope="public")  # created without any signal
    stale, orphaned = DisclosureItemPage.objects.live().filter(scope=Scope.PUBLIC).order_by("pk")[:2]
    # Bulk ORM updates fire no signals: exactly what the check is for.
    DisclosureItemPage.objects.filter(pk=stale.pk).update(title="鲲鹏改过标题的事项")
    DisclosureItemPage.objects.filter(pk=orphaned.pk).update(live=False)

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("search_check", stdout=out)
    assert failed.value.returncode == 1
    assert "发现 3 处不一致" in str(failed.value)
    report = out.getvalue()
    assert "缺失（已发布的事项，索引中没有）：1" in report
    assert f"{missing.pk}  鲲鹏漏索引事项" in report
    assert "过期（索引内容与数据库不一致）：1" in report
    assert f"{stale.pk}  鲲鹏改过标题的事项" in report
    assert "多余（已撤消、撤回、删除或不应检索，仍在索引中）：1" in report
    assert f"{orphaned.pk}  {orphaned.title}" in report

    assert "已修复：补充 1 项，更新 1 项，删除 1 项。" in run("search_check", "--fix")
    assert "索引与数据库一致" in run("search_check")
    assert sorted(found_titles("鲲鹏")) == ["鲲鹏改过标题的事项", "鲲鹏漏索引事项"]
    assert orphaned.pk not in demo_index.indexed_fingerprints()


def test_check_fix_clears_pending_failures(demo_index):
    item = make_item(ZJ, "1-1-1", title="鲲鹏待重试事项", scope="public")
    pending_record(item_ids=[item.pk], error="ConnectionError: 检索服务不可用")
    output = run("search_check", "--fix")
    assert "等待重试的索引更新：1" in output
    assert found_titles("鲲鹏") == ["鲲鹏待重试事项"]
    assert not PendingIndexUpdate.objects.exists()


def test_sync_is_quiet_when_nothing_is_due(site_backend):
    assert run("search_sync") == ""
    item = make_item(ZJ, "1-1-1", title="鲲鹏未到期事项", scope="public")
    pending_record(item_ids=[item.pk], error="timeout")
    assert PendingIndexUpdate.objects.get().next_attempt_at > timezone.now()
    assert run("search_sync") == ""
    assert "已同步 1 个事项的索引" in run("search_sync", "--all")


def test_commands_explain_an_unreachable_index(settings):
    if settings.ELASTICSEARCH_URL:
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
        settings.SEARCH_ELASTICSEARCH_OPTIONS = {
            **settings.SEARCH_ELASTICSEARCH_OPTIONS,
            "request_timeout": 2,
            "max_retries": 0,
        }
    else:
        settings.SEARCH_EMBEDDED_PATH = "/dev/null/index.sqlite3"
    with pytest.raises(CommandError, match="无法连接检索索引") as failed:
        call_command("search_check", stdout=io.StringIO())
    assert failed.value.returncode == 2
    with pytest.raises(CommandError, match="无法连接检索索引"):
        call_command("search_rebuild", stdout=io.StringIO())
