"""The supervision parts' public pages (年度报告, 通报, 监督员 lists) under the anonymous page cache and
odd input: what a superior changes shows at once, odd values are no 500, a published report's PDF is
rendered once."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from supervision.annual_report import report_publish
from supervision.models import AnnualReport, DisclosureMonitor
from supervision.models_hotline import MonitorIdentity

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "2026\x00", "9" * 5000, "-1", " 2026"])
def test_an_odd_year_on_the_reports_list_is_the_whole_list(year):
    response = Client().get("/reports/", {"year": year})
    assert response.status_code == 200
    assert "武江区" in response.content.decode()


def test_a_monitor_appointed_shows_on_the_cached_public_list_at_once(unit, page_cache, django_capture_on_commit_callbacks):
    wj = unit(WJ)
    url = f"/units/{wj.pk}/monitors/"
    client = Client()
    assert "缓存测试监督员" not in client.get(url).content.decode()  # now in the page cache
    today = datetime.date.today()
    with django_capture_on_commit_callbacks(execute=True):
        monitor = DisclosureMonitor.objects.create(
            unit=wj, name="缓存测试监督员", identity=MonitorIdentity.MEMBER,
            term_starts=today - datetime.timedelta(days=1), term_ends=today + datetime.timedelta(days=365),
        )
    assert "缓存测试监督员" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        monitor.delete()
    assert "缓存测试监督员" not in client.get(url).content.decode()


def test_a_report_published_shows_on_the_cached_list_at_once(user_named, page_cache, django_capture_on_commit_callbacks):
    draft = AnnualReport.objects.get(subject__title="韶关市", year=2026)
    client = Client()
    assert draft.title not in client.get("/reports/").content.decode()  # the list is in the page cache now
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=draft, actor=user_named("sg_supervisor"))
    assert draft.title in client.get("/reports/").content.decode()


def test_a_published_reports_pdf_is_rendered_once(monkeypatch):
    from supervision import annualreport_views

    cache.clear()
    calls = []
    real = annualreport_views.render_pdf
    monkeypatch.setattr(annualreport_views, "render_pdf", lambda html: calls.append(1) or real(html))
    report = AnnualReport.objects.get(subject__title="武江区", year=2026)
    url = f"/reports/{report.year}/{report.subject_id}/report.pdf"
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.content.startswith(b"%PDF")
    assert len(calls) == 1


def test_the_public_report_adds_up_ratings_over_units_and_never_shows_one_units(unit, user_named):
    """党员评议 results of one unit are for its members and superiors; the public report gives the
    choices only added up over two units or more, and for one unit only how many rated."""
    from disclosure_pages.choices import Role
    from supervision.annual_report import report_figures
    from supervision.choices import Satisfaction
    from supervision.models import EvaluationPeriod
    from supervision.services import rating_cast
    from tests.builders import make_user

    wj = unit(WJ)
    other = unit("韶关市/武江区/区委宣传部")
    region = wj.get_parent().specific
    period = EvaluationPeriod.objects.create(
        target=region, title="2031年度评议", starts_on=datetime.date(2031, 3, 1), ends_on=datetime.date(2031, 3, 31)
    )
    for i, (where, choice) in enumerate([(wj, Satisfaction.SATISFIED), (wj, Satisfaction.DISSATISFIED), (other, Satisfaction.SATISFIED)]):
        member = make_user(f"rater_{i}", unit_path=where.unit_path, role=Role.MEMBER)
        rating_cast(period=period, unit=where, member=member, choice=choice, today=datetime.date(2031, 3, 10))
    later = datetime.date(2031, 12, 31)
    [of_unit] = report_figures(wj, 2031, today=later).sections["evaluation"]["periods"]
    assert (of_unit["total"], of_unit["counts"]) == (2, [])
    [of_region] = report_figures(region, 2031, today=later).sections["evaluation"]["periods"]
    counts = {row["label"]: row["count"] for row in of_region["counts"]}
    assert of_region["total"] == 3 and counts["满意"] == 2 and counts["不满意"] == 1
