"""年度报告: the figures counted by hand, the on-time rate of the deadlines pages, publishing freezes the
figures, who may see and change a report.

Hand-counted figures use the year 2031, in which the demo has no data, so every row counted is one the
test made."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from deadlines.selectors import Rollup, compliance_rows
from disclosure_pages.choices import Role
from disclosure_pages.demo import load_demo
from participation.choices import FeedbackKind, Outcome
from participation.models import Feedback
from participation.services import request_accept, request_answer, request_refuse, request_submit
from supervision.annual_report import Figures, figures_of, report_draft, report_figures, report_publish
from supervision.models import AnnualReport, ReportState
from tests.builders import make_item, make_user, node_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
YEAR = 2031
TODAY = datetime.date(2032, 1, 10)


def at(day: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10), tzinfo=SHANGHAI)


def region(unit_page):
    return unit_page.get_parent().specific


def _submit(unit_page, day):
    return request_submit(
        unit=unit_page, applicant_name="张三", contact_phone="13812345678", request_text="请公开党费使用情况。", at=at(day)
    ).request


@pytest.fixture
def year_2031(unit, user_named):
    """In 武江区 (区委办) in 2031: items 2 社会 (March) + 1 党内 (May) + a zero report; three requests
    (answered 部分公开, refused, pending); 2 意见建议 (one answered) and 1 点题 overdue. Outside: an item
    of 2030 and one of 龙口市 in 2031."""
    wj = unit(WJ)
    make_item(WJ, "1-1-1", scope="public", published=datetime.date(YEAR, 3, 2), period={"year": YEAR})
    make_item(WJ, "1-1-1", scope="public", published=datetime.date(YEAR, 3, 20), period={"year": YEAR})
    make_item(WJ, "1-1-1", scope="party", published=datetime.date(YEAR, 5, 10), period={"year": YEAR})
    make_item(WJ, "1-1-1", published=datetime.date(YEAR, 6, 3), is_zero_report=True, period={"year": YEAR, "month": 5})
    make_item(WJ, "1-1-1", scope="public", published=datetime.date(YEAR - 1, 12, 30))
    make_item(LK, "1-1-1", scope="public", published=datetime.date(YEAR, 3, 2))
    handler = user_named("wj_editor")
    answered = request_accept(request=_submit(wj, "2031-02-02"), actor=handler, at=at("2031-02-03"))
    request_answer(
        request=answered, actor=handler, outcome=Outcome.PARTLY, answer_text="部分公开。", reason="涉及个人信息",
        at=at("2031-02-10"),
    )
    request_refuse(request=_submit(wj, "2031-04-01"), actor=handler, reason="不属于党务公开范围", at=at("2031-04-02"))
    _submit(wj, "2031-12-20")
    Feedback.objects.create(unit=wj, content="建议一", submitted_at=at("2031-03-01"), reply="已采纳", replied_at=at("2031-03-05"))
    Feedback.objects.create(unit=wj, content="建议二", submitted_at=at("2031-07-01"))
    Feedback.objects.create(
        unit=wj, kind=FeedbackKind.TOPIC, content="点题", submitted_at=at("2031-08-01"), due_date=datetime.date(2031, 8, 20)
    )
    return wj


def test_figures_counted_by_hand(year_2031):
    figures = report_figures(region(year_2031), YEAR, today=TODAY)
    items = figures.sections["items"]
    assert items["total"] == 3
    assert [(row["label"], row["count"]) for row in items["by_scope"]] == [("社会公开", 2), ("党内公开", 1), ("委员范围", 0)]
    assert items["zero_reports"] == 1
    assert [m["count"] for m in items["by_month"]] == [0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    kind = node_for(WJ, "1-1-1").get_parent().get_parent().title
    assert items["by_kind"] == [{"kind": kind, "count": 3, "by_scope": [2, 1, 0]}]

    requests = figures.sections["requests"]
    assert (requests["received"], requests["answered"], requests["refused"], requests["pending"]) == (3, 1, 1, 1)
    assert {row["outcome"]: row["count"] for row in requests["by_outcome"]} == {
        Outcome.DISCLOSED: 0, Outcome.PARTLY: 1, Outcome.NOT_DISCLOSABLE: 0, Outcome.NOT_HELD: 0
    }
    assert requests["answered_in_time"] == 1

    feedback = figures.sections["feedback"]
    assert (feedback["opinions"], feedback["opinions_replied"]) == (2, 1)
    assert (feedback["topics"], feedback["topics_answered"], feedback["topics_overdue"]) == (1, 0, 1)
    assert figures.subject_kind == "region"
    assert figures.sections["evaluation"] == {"periods": []}


def test_a_city_report_names_units_of_sub_regions_with_their_region(unit):
    city = region(region(unit(WJ)))
    figures = report_figures(city, 2026, today=datetime.date(2026, 12, 3))
    names = [u["name"] for u in figures.sections["ontime"]["units"]]
    assert "武江区·区委办" in names
    assert figures.unit_count > 9


def test_a_unit_report_counts_that_unit_only(year_2031):
    figures = report_figures(year_2031, YEAR, today=TODAY)
    assert figures.subject_kind == "unit" and figures.unit_count == 1
    assert figures.sections["items"]["total"] == 3


def test_on_time_rate_is_the_deadlines_pages_rate(unit):
    district = region(unit(WJ))
    today = datetime.date(2026, 12, 3)
    figures = report_figures(district, 2026, today=today)
    total = Rollup("合计")
    for row in compliance_rows(roots=[district], year=2026, today=today):
        total.add(row.state)
    ontime = figures.sections["ontime"]
    assert total.due > 0
    assert (ontime["due"], ontime["met"], ontime["rate"]) == (total.due, total.met, total.rate)
    rates = [u["rate"] for u in ontime["units"]]
    assert rates == sorted(rates)


def test_figures_round_trip_through_json(year_2031):
    figures = report_figures(region(year_2031), YEAR, today=TODAY)
    import json

    assert Figures.from_json(json.loads(json.dumps(figures.to_json()))) == figures


def test_publishing_freezes_the_figures(year_2031, user_named):
    supervisor = user_named("wj_supervisor")
    report = report_draft(actor=supervisor, subject=year_2031, year=YEAR)
    report_publish(report=report, actor=supervisor, today=TODAY)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.figures["sections"]["items"]["total"] == 3
    make_item(WJ, "1-1-1", scope="public", published=datetime.date(YEAR, 10, 1))
    assert report_figures(year_2031, YEAR, today=TODAY).sections["items"]["total"] == 4  # the data moved on
    assert figures_of(report).sections["items"]["total"] == 3  # the published report did not
    page = Client().get(f"/reports/{YEAR}/{year_2031.pk}/")
    assert page.status_code == 200
    assert "主动公开党务事项<strong>3</strong>项" in page.content.decode()


def test_only_a_supervisor_over_the_subject_drafts(unit, user_named):
    from supervision.annual_report import ReportError

    outsider = make_user("lk_supervisor_ar", reach=region(unit(LK)))
    with pytest.raises(ReportError) as refused:
        report_draft(actor=outsider, subject=unit(WJ), year=YEAR)
    assert refused.value.status == 403
    with pytest.raises(ReportError):
        report_draft(actor=user_named("wj_editor"), subject=unit(WJ), year=YEAR)


def _admin_client(user) -> Client:
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client = Client()
    client.force_login(user)
    return client


def test_the_superior_drafts_edits_and_publishes_in_the_admin(unit, user_named):
    supervisor = user_named("wj_supervisor")
    client = _admin_client(supervisor)
    wj = unit(WJ)
    response = client.post("/admin/supervision/reports/", {"subject": wj.pk, "year": YEAR})
    report = AnnualReport.objects.get(subject=wj, year=YEAR)
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")
    again = client.post("/admin/supervision/reports/", {"subject": wj.pk, "year": YEAR})
    assert again.status_code == 400 and "已经存在" in again.content.decode()
    bad = client.post("/admin/supervision/reports/", {"subject": wj.pk, "year": "明年"})
    assert bad.status_code == 400 and "年度应为四位数字" in bad.content.decode()

    editor = client.get(f"/admin/supervision/reports/{report.pk}/")
    assert editor.status_code == 200 and "概述（一、总体情况）" in editor.content.decode()
    assert "公开事项按月趋势" in editor.content.decode()  # the figures as computed now, with their charts
    assert client.get("/admin/supervision/reports/").status_code == 200
    saved = client.post(f"/admin/supervision/reports/{report.pk}/", {"overview": "全年工作概述。", "note_requests": "均按时受理。"})
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.overview == "全年工作概述。" and report.notes == {"requests": "均按时受理。"}
    nul = client.post(f"/admin/supervision/reports/{report.pk}/", {"overview": "a\x00b"})
    assert nul.status_code == 400

    preview = client.get(f"/admin/supervision/reports/{report.pk}/preview/")
    assert preview.status_code == 200 and "草稿预览" in preview.content.decode() and "均按时受理。" in preview.content.decode()
    assert Client().get(f"/reports/{YEAR}/{wj.pk}/").status_code == 404  # a draft is not public

    confirm = client.get(f"/admin/supervision/reports/{report.pk}/publish/")
    assert "确认发布" in confirm.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT  # the confirmation page changes nothing
    client.post(f"/admin/supervision/reports/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.figures is not None
    frozen = client.post(f"/admin/supervision/reports/{report.pk}/", {"overview": "改"})
    assert frozen.status_code == 409
    assert Client().get(f"/reports/{YEAR}/{wj.pk}/").status_code == 200


def test_another_regions_supervisor_gets_404(unit, user_named):
    report = report_draft(actor=user_named("wj_supervisor"), subject=unit(WJ), year=YEAR)
    outsider = _admin_client(make_user("lk_supervisor_ar2", reach=region(unit(LK))))
    for suffix in ("", "preview/", "publish/"):
        assert outsider.get(f"/admin/supervision/reports/{report.pk}/{suffix}").status_code == 404
    assert outsider.post(f"/admin/supervision/reports/{report.pk}/publish/").status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    listing = outsider.get("/admin/supervision/reports/").content.decode()
    assert report.title not in listing


def test_a_unit_member_is_refused_the_admin_screens(unit):
    member = _admin_client(make_user("ar_editor", unit_path=WJ, role=Role.EDITOR))
    assert member.get("/admin/supervision/reports/").status_code == 403


def test_anonymous_sees_published_reports_only():
    client = Client()
    assert 'href="/reports/">年度报告</a>' in client.get("/").content.decode()  # in the site's navigation
    listing = client.get("/reports/")
    assert listing.status_code == 200
    body = listing.content.decode()
    published = AnnualReport.objects.get(subject__title="武江区", year=2026)
    draft = AnnualReport.objects.get(subject__title="韶关市", year=2026)
    assert published.title in body and draft.title not in body
    assert client.get(f"/reports/2026/{draft.subject_id}/").status_code == 404
    assert client.get(f"/reports/2026/{draft.subject_id}/report.pdf").status_code == 404
    assert client.get("/reports/99999/1/").status_code == 404
    assert client.get("/reports/?year=abc&page=x").status_code == 200


def test_the_demo_is_loaded_once(unit):
    before = list(AnnualReport.objects.values_list("pk", "state", "figures"))
    load_demo()
    assert list(AnnualReport.objects.values_list("pk", "state", "figures")) == before
    assert AnnualReport.objects.get(subject__title="武江区", year=2026).state == ReportState.PUBLISHED
