"""Zero reports (零上报): filed by the unit's editor, reviewed like any item, counted in the compliance report."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow, WorkflowState

from deadlines.services import zero_report_file
from disclosure_pages.models import DisclosureItemPage
from tests.builders import node_for

from .conftest import TODAY, assert_refused

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


def zero_report_url(code="1-1-5", unit_path=WJ):
    return reverse("deadlines:zero_report", args=[node_for(unit_path, code).pk])


def approve_all(item, user):
    """Move the item through its workflow as its reviewers would."""
    state = WorkflowState.objects.get(base_content_type=item.get_base_content_type(), object_id=str(item.pk))
    while state.status == WorkflowState.STATUS_IN_PROGRESS:
        state.current_task_state.specific.approve(user=user)
        state.refresh_from_db()
    item.refresh_from_db()


def compliance(path, year, today):
    out = io.StringIO()
    call_command("compliance_report", path, f"--year={year}", f"--today={today.isoformat()}", stdout=out, stderr=io.StringIO())
    return {(row["code"], row["period"]): row for row in json.loads(out.getvalue())}


def test_editor_files_a_zero_report_that_is_reviewed_published_and_counted(client, admin_login, admin_user, monkeypatch):
    # Published now, so judged as of now: this month's zero report, filed and published today.
    today = timezone.localdate()
    monkeypatch.setattr("deadlines.clock.today", lambda: today)
    editor = admin_login("wj_editor")
    response = client.post(zero_report_url(), {"year": today.year, "month": today.month})
    item = DisclosureItemPage.objects.get(is_zero_report=True, year=today.year, month=today.month, owner=editor)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[item.pk])
    assert item.title == f"{today.year}年{today.month}月 党员发展情况 零上报（无发生）"
    assert not item.live and item.period_type == "month"
    assert item.workflow_in_progress  # the same review as any item
    period = f"{today.year}-{today.month:02d}"
    assert compliance(WJ, today.year, today)[("1-1-5", period)]["state"] == "not_due"

    approve_all(item, admin_user)
    assert item.live
    row = compliance(WJ, today.year, today)[("1-1-5", period)]
    assert row["state"] == "zero_report" and row["published"] == today.isoformat()


def test_zero_report_published_after_its_due_date_is_late(admin_user):
    item, _ = zero_report_file(node=node_for(WJ, "1-1-5"), year=2026, month=6, user=admin_user)
    approve_all(item, admin_user)
    when = datetime.datetime(2026, 7, 6, 9, tzinfo=timezone.get_current_timezone())  # 7/5 is a Sunday: due 7/6
    DisclosureItemPage.objects.filter(pk=item.pk).update(first_published_at=when)
    assert compliance(WJ, 2026, TODAY)[("1-1-5", "2026-06")]["state"] == "zero_report"
    DisclosureItemPage.objects.filter(pk=item.pk).update(first_published_at=when + datetime.timedelta(days=3))
    row = compliance(WJ, 2026, TODAY)[("1-1-5", "2026-06")]
    assert (row["state"], row["days_late"]) == ("late", 3)


def test_without_a_workflow_the_zero_report_waits_as_a_draft(client, admin_login):
    Workflow.objects.update(active=False)
    admin_login("wj_editor")
    response = client.post(zero_report_url(), {"year": 2026, "month": 7}, follow=True)
    item = DisclosureItemPage.objects.get(is_zero_report=True, year=2026, month=7, title__contains="2026年7月")
    assert not item.live and not item.workflow_in_progress
    assert "已保存" in response.content.decode() and "请在编辑页提交审核" in response.content.decode()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (3, "2026年3月已有公开事项"),  # the demo's event of 2026-03-02
        (4, "2026年4月已有零上报"),  # the demo's zero report
        (12, "2026年12月尚未开始"),
    ],
)
def test_refused_months_explain_why_and_create_nothing(client, admin_login, month, message):
    admin_login("wj_editor")
    before = DisclosureItemPage.objects.count()
    response = client.post(zero_report_url(), {"year": 2026, "month": month})
    assert response.status_code == 400 and message in response.content.decode()
    assert DisclosureItemPage.objects.count() == before


def test_second_zero_report_for_the_same_month_is_refused(client, admin_login):
    admin_login("wj_editor")
    client.post(zero_report_url(), {"year": 2026, "month": 8})
    again = client.post(zero_report_url(), {"year": 2026, "month": 8})
    assert again.status_code == 400 and "请勿重复提交" in again.content.decode()
    assert DisclosureItemPage.objects.filter(is_zero_report=True, year=2026, month=8).count() == 1


def test_only_immediate_nodes_take_zero_reports(client, admin_login):
    admin_login("wj_editor")
    response = client.post(zero_report_url("1-1-1"), {"year": 2026, "month": 8})
    assert response.status_code == 400 and "只有“及时公开”的三级目录按月零上报" in response.content.decode()


@pytest.mark.parametrize("username", ["wj_reviewer", "wj_supervisor", "lk_member"])
def test_only_the_units_editors_file_zero_reports(client, admin_login, username):
    admin_login(username)
    assert_refused(client.get(zero_report_url()))
    assert_refused(client.post(zero_report_url(), {"year": 2026, "month": 8}))
    assert not DisclosureItemPage.objects.filter(is_zero_report=True, year=2026, month=8).exists()


def test_editor_of_another_unit_cannot_file_here(client, admin_login):
    admin_login("wj_editor")
    assert_refused(client.get(zero_report_url(unit_path="韶关市/浈江区/区委办")))


def test_form_offers_last_month_by_default(client, admin_login):
    admin_login("wj_editor")
    html = client.get(zero_report_url()).content.decode()
    assert "提交零上报" in html and '<option value="10" selected>10月</option>' in html  # as of 2026-11-24
