"""年度报告: the 监督检查 (with 监督员 and 直通车) and 量化考核 sections. Figures counted by hand from a region
built here (韶关市/报告测试区, units 甲单位 and 乙单位) in 2031, a year in which the demo has nothing; the empty
states; the PDF read back; a published report keeps its frozen figures; the demo report shows the demo's
inspection and scheme.

2031 in 报告测试区, judged on 2032-01-10:
- 上半年 inspection of the region, units 甲 and 乙: findings 甲 内容 好, 甲 程序 一般, 乙 内容 较好, 乙 程序 差;
  整改 甲 due 07-31 closed 07-20 (on time), 乙 due 08-31 closed 09-05 (late), 乙 due 12-31 open (overdue);
  its 通报 published. 下半年 inspection of 甲 only: no findings, 整改 甲 due 2032-02-28 reported (open, not
  overdue), its 通报 a draft (not listed). A 2030 inspection of 甲 is outside the year.
- 监督员: 甲's serves 2031; 乙's served 2029–2030 (not in 2031). 甲's opinions: answered on time, answered
  late, unanswered past its due date, unanswered within it.
- Scheme 2031 over the region: 检查问题整改 weight 60, 监督意见答复 weight 40, no-count criteria left out.
  甲: 整改 due in 2031 1/1 = 100, opinions 1/4 = 25 → (60×1 + 40×0.25) ÷ 100 × 100 = 70.00, rank 1.
  乙: 整改 0/2 = 0, no opinions (left out) → 0.00, rank 2.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from deadlines.selectors import find_scope
from disclosure_pages.services import region_get_or_create, unit_get_or_create
from supervision.annual_report import figures_of, report_draft, report_figures, report_publish, shown_sections
from supervision.annualreport_sections import assessment_charts, inspections_charts
from supervision.inspection_choices import (
    BulletinState,
    ChecklistItem,
    Grade,
    Half,
    InspectionState,
    RectificationState,
)
from supervision.models import (
    AnnualReport,
    AssessmentScheme,
    Bulletin,
    DisclosureMonitor,
    Finding,
    Inspection,
    MonitorOpinion,
    Rectification,
    SchemeCriterion,
)
from supervision.models_hotline import MonitorIdentity

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2031
TODAY = datetime.date(2032, 1, 10)
BULLETIN = "关于报告测试区2031年上半年党务公开工作监督检查情况的通报"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def inspection(region, units, *, year=YEAR, half=Half.FIRST, title="检查"):
    made = Inspection.objects.create(
        target=units[0] if len(units) == 1 else region, region=region, year=year, half=half, title=title,
        state=InspectionState.CLOSED,
    )
    made.units.set(units)
    return made


def rectification(made, unit, due, *, closed=None, state=RectificationState.OPEN):
    return Rectification.objects.create(
        inspection=made, unit=unit, item=ChecklistItem.PROCEDURE, problem="问题（内部）", due_on=d(due),
        state=RectificationState.CLOSED if closed else state, closed_at=at(closed) if closed else None,
    )


def opinion(monitor, number, filed, due, answered=None):
    return MonitorOpinion.objects.create(
        number=number, monitor=monitor, unit=monitor.unit, content="意见（内部）", filed_at=at(filed), due_date=d(due),
        answer="已答复" if answered else "", answered_at=at(answered) if answered else None,
    )


@pytest.fixture
def world():
    region, _ = region_get_or_create(parent=find_scope("韶关市"), name="报告测试区", kind="区")
    jia, _ = unit_get_or_create(region=region, name="甲单位")
    yi, _ = unit_get_or_create(region=region, name="乙单位")

    first = inspection(region, [jia, yi], title="上半年检查")
    for unit, item, grade in (
        (jia, ChecklistItem.CONTENT, Grade.GOOD),
        (jia, ChecklistItem.PROCEDURE, Grade.AVERAGE),
        (yi, ChecklistItem.CONTENT, Grade.FAIR),
        (yi, ChecklistItem.PROCEDURE, Grade.POOR),
    ):
        Finding.objects.create(inspection=first, unit=unit, item=item, grade=grade, text="情况说明（内部）")
    rectification(first, jia, "2031-07-31", closed="2031-07-20")
    rectification(first, yi, "2031-08-31", closed="2031-09-05")
    rectification(first, yi, "2031-12-31")
    Bulletin.objects.create(
        inspection=first, title=BULLETIN, body="通报正文", state=BulletinState.PUBLISHED, published_at=at("2031-09-03")
    )
    second = inspection(region, [jia], half=Half.SECOND, title="下半年检查")
    rectification(second, jia, "2032-02-28", state=RectificationState.REPORTED)
    Bulletin.objects.create(inspection=second, title="草稿通报", body="草稿", state=BulletinState.DRAFT)
    earlier = inspection(region, [jia], year=YEAR - 1, title="2030年检查")
    Finding.objects.create(inspection=earlier, unit=jia, item=ChecklistItem.FORM, grade=Grade.POOR)

    monitor = DisclosureMonitor.objects.create(
        unit=jia, name="甲监督员", identity=MonitorIdentity.MEMBER, term_starts=d("2031-01-01"), term_ends=d("2031-12-31")
    )
    DisclosureMonitor.objects.create(
        unit=yi, name="乙监督员", identity=MonitorIdentity.RETIRED, term_starts=d("2029-01-01"), term_ends=d("2030-12-31")
    )
    opinion(monitor, "T-1", "2031-03-01", "2031-03-15", answered="2031-03-10")
    opinion(monitor, "T-2", "2031-05-01", "2031-05-15", answered="2031-05-20")
    opinion(monitor, "T-3", "2031-12-01", "2031-12-15")
    opinion(monitor, "T-4", "2031-12-30", "2032-01-14")

    scheme = AssessmentScheme.objects.create(region=region, year=YEAR, title="2031年度报告测试区量化考核", empty_policy="exclude")
    SchemeCriterion.objects.create(scheme=scheme, key="findings_closed", weight=Decimal("60"), sort_order=0)
    SchemeCriterion.objects.create(scheme=scheme, key="opinions_answered", weight=Decimal("40"), sort_order=1)
    return region, jia, yi


def test_region_inspections_counted_by_hand(world):
    region, _, _ = world
    data = report_figures(region, YEAR, today=TODAY).sections["inspections"]
    assert data["held"] == 2
    assert [(row["label"], row["count"]) for row in data["by_half"]] == [("上半年", 1), ("下半年", 1)]
    assert (data["units_inspected"], data["unit_visits"]) == (2, 3)
    assert [g["label"] for g in data["grades"]] == ["好", "较好", "一般", "差"]
    rows = {row["item"]: row["counts"] for row in data["findings"]}
    assert rows[ChecklistItem.CONTENT] == [1, 1, 0, 0]
    assert rows[ChecklistItem.PROCEDURE] == [0, 0, 1, 1]
    assert rows[ChecklistItem.FORM] == [0, 0, 0, 0]  # the 2030 finding is another year's
    assert data["findings_total"] == 4
    assert data["rectifications"] == {"raised": 4, "closed_on_time": 1, "closed_late": 1, "open": 2, "overdue": 1}
    bulletin = Bulletin.objects.get(title=BULLETIN)
    assert data["bulletins"] == [
        {"title": BULLETIN, "published_on": "2031-09-03", "url": reverse("supervision:bulletin", args=[bulletin.pk])}
    ]
    assert Client().get(data["bulletins"][0]["url"]).status_code == 200  # the link is the public 通报 page
    assert data["monitors"] == {
        "serving": 1, "received": 4, "answered_on_time": 1, "answered_late": 1, "overdue": 1, "pending": 1
    }


def test_unit_inspections_count_that_unit_only(world):
    _, jia, _ = world
    data = report_figures(jia, YEAR, today=TODAY).sections["inspections"]
    assert data["held"] == 2 and (data["units_inspected"], data["unit_visits"]) == (1, 2)
    assert data["findings_total"] == 2
    assert data["rectifications"] == {"raised": 2, "closed_on_time": 1, "closed_late": 0, "open": 1, "overdue": 0}
    assert [b["title"] for b in data["bulletins"]] == [BULLETIN]


def test_region_assessment_ranking_and_weights(world):
    region, _, _ = world
    data = report_figures(region, YEAR, today=TODAY).sections["assessment"]
    assert data["scheme"]["title"] == "2031年度报告测试区量化考核"
    assert data["criteria"] == [
        {"key": "findings_closed", "label": "检查问题整改", "weight": "60"},
        {"key": "opinions_answered", "label": "监督意见答复", "weight": "40"},
    ]
    assert data["ranking"] == [{"rank": 1, "unit": "甲单位", "total": "70.00"}, {"rank": 2, "unit": "乙单位", "total": "0.00"}]
    assert data["unit"] is None
    chart = str(assessment_charts(data)[0])
    assert "第1名甲单位70.00分" in chart and "第2名乙单位0.00分" in chart


def test_unit_assessment_has_its_rank_and_scores(world):
    _, _, yi = world
    data = report_figures(yi, YEAR, today=TODAY).sections["assessment"]
    assert data["ranking"][1]["unit"] == "乙单位"
    assert data["unit"] == {
        "name": "乙单位",
        "rank": 2,
        "of": 2,
        "total": "0.00",
        "scores": [
            {"label": "检查问题整改", "weight": "60", "met": 0, "counted_items": 2, "points": "0.00"},
            {"label": "监督意见答复", "weight": "40", "met": 0, "counted_items": 0, "points": None},
        ],
    }
    assert assessment_charts(data) == []  # a unit's report shows its own scores, not the chart of all


def test_rectification_chart_spells_out_each_state(world):
    region, _, _ = world
    chart = str(inspections_charts(report_figures(region, YEAR, today=TODAY).sections["inspections"])[0])
    assert "按期整改1项；逾期整改1项；整改中（未逾期）1项；逾期未整改1项" in chart


def _render(figures) -> str:
    report = AnnualReport(subject_id=figures.subject_id, year=figures.year)
    return render_to_string(
        "supervision/annualreport/_report.html", {"report": report, "figures": figures, "sections": shown_sections(figures)}
    )


def test_empty_states(db):
    longkou = find_scope("龙口市")
    figures = report_figures(longkou, YEAR, today=TODAY)
    data = figures.sections["inspections"]
    assert data["held"] == 0 and data["bulletins"] == [] and data["rectifications"]["raised"] == 0
    assert figures.sections["assessment"] == {"scheme": None}
    assert assessment_charts(figures.sections["assessment"]) == []
    html = _render(figures)
    assert "本年度开展党务公开监督检查<strong>0</strong>次" in html
    assert "本年度尚未发布监督检查通报。" in html
    assert "检查结果（按检查内容和等次，项）" not in html  # no table of zeros
    assert "本年度本区域未开展党务公开量化考核。" in html
    assert "本年度监督检查未提出整改事项" in html  # the chart's empty state
    assert "{#" not in html and "link_base" not in html and "comment" not in html  # no template comment shows


def test_a_unit_outside_any_scheme_says_so(db, unit):
    figures = report_figures(unit("龙口市/市科技局党支部"), YEAR, today=TODAY)
    assert "本年度本单位所在区域未开展党务公开量化考核。" in _render(figures)


def _publish(region):
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "report_sections_admin", "admin@example.com", "x"
    )
    report = report_draft(actor=actor, subject=region, year=YEAR)
    report_publish(report=report, actor=actor, today=TODAY)
    return AnnualReport.objects.get(pk=report.pk)


def test_the_published_report_keeps_its_frozen_figures(world):
    region, jia, yi = world
    report = _publish(region)
    Rectification.objects.filter(unit=yi, state=RectificationState.OPEN).update(
        state=RectificationState.CLOSED, closed_at=at("2032-01-05")
    )
    MonitorOpinion.objects.filter(number="T-3").update(answered_at=at("2032-01-05"), answer="补答")
    SchemeCriterion.objects.filter(key="opinions_answered").delete()
    now = report_figures(region, YEAR, today=TODAY).sections
    assert now["inspections"]["rectifications"]["overdue"] == 0 and now["assessment"]["ranking"][0]["total"] == "100.00"
    frozen = figures_of(report).sections
    assert frozen["inspections"]["rectifications"] == {"raised": 4, "closed_on_time": 1, "closed_late": 1, "open": 2, "overdue": 1}
    assert frozen["inspections"]["monitors"]["overdue"] == 1
    assert frozen["assessment"]["ranking"][0]["total"] == "70.00"
    assert len(frozen["assessment"]["criteria"]) == 2


def test_a_report_frozen_before_these_sections_shows_without_them(world):
    region, _, _ = world
    report = _publish(region)
    figures = dict(report.figures)
    figures["sections"] = {k: v for k, v in figures["sections"].items() if k not in ("inspections", "assessment")}
    AnnualReport.objects.filter(pk=report.pk).update(figures=figures)
    html = _render(figures_of(AnnualReport.objects.get(pk=report.pk)))
    assert "监督检查和监督员情况" not in html and "量化考核情况" not in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_shows_the_new_headings_and_numbers(world, tmp_path):
    region, _, _ = world
    report = _publish(region)
    response = Client().get(f"/reports/{YEAR}/{report.subject_id}/report.pdf")
    assert response.status_code == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    assert "八、监督检查和监督员情况" in flat and "九、量化考核情况" in flat
    assert "本年度开展党务公开监督检查2次（上半年1次，下半年1次），检查单位2个（3个单位次）" in flat
    assert "检查提出整改事项4项：按期整改1项，逾期整改1项，尚未整改完成2项（其中已超过整改期限1项）" in flat
    assert BULLETIN in flat
    bulletin = Bulletin.objects.get(title=BULLETIN)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("supervision:bulletin", args=[bulletin.pk])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    urls = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert link in urls.split()  # the PDF links the public 通报 page by its absolute address
    assert "在聘党务公开监督员1名" in flat and "收到监督意见4条" in flat
    assert "甲单位70.00" in flat and "乙单位0.00" in flat
    assert "问题（内部）" not in flat and "意见（内部）" not in flat and "情况说明（内部）" not in flat


def test_the_demo_report_shows_the_demo_inspection_and_scheme(db):
    district = find_scope("韶关市/武江区")
    report = AnnualReport.objects.get(subject=district, year=2026)
    assert report.is_published
    sections = figures_of(report).sections
    data = sections["inspections"]
    assert data["held"] == 1 and data["units_inspected"] == 3 and data["findings_total"] == 18
    assert data["rectifications"]["raised"] == 2 and data["rectifications"]["closed_on_time"] == 2
    assert [b["title"] for b in data["bulletins"]] == ["关于武江区2026年上半年党务公开工作监督检查情况的通报"]
    assert data["monitors"]["serving"] >= 1 and data["monitors"]["received"] >= 1
    assessment = sections["assessment"]
    assert assessment["scheme"]["title"] == "2026年度武江区党务公开工作量化考核"
    assert len(assessment["criteria"]) == 8 and sum(Decimal(c["weight"]) for c in assessment["criteria"]) == 100
    assert [row["rank"] for row in assessment["ranking"]][0] == 1 and len(assessment["ranking"]) >= 3


def test_loading_the_demo_again_adds_new_sections_to_its_older_published_report(db):
    from supervision.annual_report import install_demo

    report = AnnualReport.objects.get(subject=find_scope("韶关市/武江区"), year=2026)
    older = dict(report.figures)
    older["sections"] = {k: v for k, v in older["sections"].items() if k not in ("inspections", "assessment")}
    older["sections"]["items"] = dict(older["sections"]["items"], total=-1)  # marks the frozen figures
    AnnualReport.objects.filter(pk=report.pk).update(figures=older)
    install_demo()
    sections = AnnualReport.objects.get(pk=report.pk).figures["sections"]
    assert sections["inspections"]["held"] == 1 and sections["assessment"]["scheme"] is not None
    assert sections["items"]["total"] == -1  # the sections it had keep their frozen figures
