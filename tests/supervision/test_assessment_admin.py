"""量化考核 in the admin: the superior sets up a scheme, reads the ranking and each cell's rows, exports CSV and
PDF; nobody else does (another region's supervisor gets a 404, a unit's staff no screens at all)."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from django.contrib.auth.models import Permission

from disclosure_pages.selectors import find_unit
from supervision.models import AssessmentScheme
from tests.builders import make_user
from tests.supervision import assessment_fixtures as fx

pytestmark = pytest.mark.django_db
WEIGHTS = {"timeliness": "30", "completeness": "20", "zero_reports": "10", "requests": "15", "feedback": "15", "satisfaction": "10"}


@pytest.fixture(autouse=True)
def judged_on_1_march_2026(monkeypatch):
    monkeypatch.setattr("deadlines.clock.today", lambda: fx.TODAY)


def admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.fixture
def world():
    return fx.build_all()


@pytest.fixture
def scheme(world):
    region, units = world
    return fx.scheme(region, WEIGHTS)


@pytest.fixture
def superior(client, user_named):
    client.force_login(admin(user_named("sg_supervisor")))
    return client


def form_data(region, criteria: list[tuple[str, str]], **extra) -> dict:
    data = {
        "region": region.pk, "year": "2025", "title": "2025年度党务公开量化考核", "empty_policy": "exclude",
        "criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, (key, weight) in enumerate(criteria):
        data.update({f"criteria-{i}-key": key, f"criteria-{i}-weight": weight, f"criteria-{i}-ORDER": str(i + 1),
                     f"criteria-{i}-id": "", f"criteria-{i}-DELETE": ""})
    data.update(extra)
    return data


# --- setting up a scheme -----------------------------------------------------------------------------


def test_the_superior_sets_up_a_scheme(superior, world, user_named):
    region, units = world
    page = superior.get("/admin/supervision/assessment/new/")
    assert page.status_code == 200 and "不必合计为100" in page.content.decode()
    response = superior.post("/admin/supervision/assessment/new/", form_data(region, [("timeliness", "30"), ("requests", "12.5")]))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = AssessmentScheme.objects.get(region=region, year=2025)
    assert [(c.key, str(c.weight)) for c in made.criteria.all()] == [("timeliness", "30.00"), ("requests", "12.50")]
    assert made.created_by == user_named("sg_supervisor")


@pytest.mark.parametrize(
    "criteria, message",
    [
        ([], "请至少设置一项考核内容"),
        ([("timeliness", "0")], "权重必须大于0"),
        ([("timeliness", "-3")], "权重必须大于0"),
        ([("timeliness", "10"), ("timeliness", "20")], "重复设置"),
    ],
)
def test_a_scheme_is_refused_with_a_chinese_message(superior, world, criteria, message):
    region, units = world
    response = superior.post("/admin/supervision/assessment/new/", form_data(region, criteria))
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "2025年度党务公开量化考核" in body  # the form keeps what was typed
    assert not AssessmentScheme.objects.filter(region=region).exists()


def test_one_scheme_per_region_and_year(superior, scheme, world):
    region, units = world
    response = superior.post("/admin/supervision/assessment/new/", form_data(region, [("timeliness", "1")]))
    assert response.status_code == 200 and "该区域该年度已有考核方案" in response.content.decode()


def test_a_supervisor_cannot_set_up_a_scheme_outside_their_reach(client, world, user_named):
    region, units = world
    client.force_login(admin(user_named("wj_supervisor")))  # reaches 武江区, not 考核测试区
    response = client.post("/admin/supervision/assessment/new/", form_data(region, [("timeliness", "1")]))
    assert response.status_code == 200 and "请选择监督范围内的行政区域" in response.content.decode()
    assert not AssessmentScheme.objects.filter(region=region).exists()


def test_unit_staff_cannot_configure(client, world, scheme, user_named):
    region, units = world
    client.force_login(admin(user_named("wj_editor")))
    assert client.get("/admin/supervision/assessment/new/").status_code in (302, 403)
    client.post("/admin/supervision/assessment/new/", form_data(region, [("timeliness", "1")], year="2026"))
    assert not AssessmentScheme.objects.filter(year=2026, region=region).exists()
    assert client.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/").status_code in (302, 403, 404)
    assert client.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/ranking.csv").status_code == 404


def test_another_regions_supervisor_gets_404(client, scheme, world):
    region, units = world
    client.force_login(admin(make_user("lk_supervisor", reach=find_unit("龙口市/市科技局党支部"))))
    base = f"/admin/supervision/assessment/inspect/{scheme.pk}/"
    for url in (base, f"{base}units/{units[fx.JIA].pk}/", f"{base}ranking.csv", f"{base}ranking.pdf",
                f"/admin/supervision/assessment/edit/{scheme.pk}/", f"/admin/supervision/assessment/delete/{scheme.pk}/"):
        assert client.get(url).status_code == 404, url
    assert "2025年度考核" not in client.get("/admin/supervision/assessment/").content.decode()


# --- the ranking and the rows behind it ------------------------------------------------------------------


def test_the_ranking_links_every_cell_to_its_rows(superior, scheme, world):
    region, units = world
    body = superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/").content.decode()
    assert "44.23" in body and "10.00" in body and "权重30" in body
    unit_url = f"/admin/supervision/assessment/inspect/{scheme.pk}/units/{units[fx.JIA].pk}/"
    for key in WEIGHTS:
        assert f'{unit_url}?criterion={key}#criterion-{key}"' in body
    page = superior.get(unit_url, {"criterion": "requests"}).content.decode()
    assert 'id="criterion-requests"' in page and "依申请公开按时办理：2/4，50.00" in page
    assert "2025-05-30答复（逾期）" in page  # R2, the late answer
    assert "1-1-2 季度事项（2025年第2季度）" not in page  # another criterion's row
    first = superior.get(unit_url).content.decode()  # the first criterion when none is named
    assert "按时公开：6/17，35.29" in first and "1-1-2 季度事项（2025年第2季度）" in first


def test_the_rows_behind_a_score_come_a_hundred_to_a_page(superior, world, monkeypatch):
    from supervision.assessment import CRITERIA, Criterion
    from supervision.measures import Evidence, Measure

    region, units = world
    rows = [Evidence(f"第{i}行", "", i % 2 == 0) for i in range(1, 251)]
    monkeypatch.setitem(CRITERIA, "many_rows", Criterion("many_rows", "多行", "测试", lambda unit, year: Measure.of(rows)))
    made = fx.scheme(region, {"many_rows": "1"})
    url = f"/admin/supervision/assessment/inspect/{made.pk}/units/{units[fx.JIA].pk}/"
    page = superior.get(url, {"criterion": "many_rows", "p": "3"}).content.decode()
    assert "第 3 页，共 3 页（250 条）" in page and "第250行" in page and "第200行<" not in page
    assert superior.get(url, {"criterion": "many_rows", "p": "abc"}).status_code == 200  # a bad page is the first


def test_a_unit_outside_the_schemes_region_is_404(superior, scheme):
    other = find_unit("韶关市/武江区/区委办")
    assert superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/units/{other.pk}/").status_code == 404


def test_the_ranking_page_runs_a_bounded_number_of_queries(superior, scheme, django_assert_max_num_queries):
    with django_assert_max_num_queries(80) as queries:
        assert superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/").status_code == 200
    print(f"ranking page, 3 units: {len(queries)} queries")


def test_csv_has_a_bom_and_the_columns(superior, scheme):
    response = superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/ranking.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:6] == ["名次", "单位", "总分", "按时公开（权重30）得分", "按时公开达标数", "按时公开应计数"]
    assert len(rows[0]) == 3 + 3 * len(WEIGHTS)
    assert rows[1][:6] == ["1", "韶关市/考核测试区/甲单位", "44.23", "35.29", "6", "17"]  # 6/17 = 35.294…
    assert [row[1].rsplit("/", 1)[1] for row in rows[1:]] == ["甲单位", "丙单位", "乙单位"]


def test_pdf_reads_back(superior, scheme, tmp_path):
    response = superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/ranking.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "ranking.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2025年度考核" in text and "甲单位" in text and "44.23" in text and "按时公开" in text


# --- the demo ------------------------------------------------------------------------------------------


def test_the_demo_scheme_is_there_once_and_ranks_武江区(superior, django_assert_max_num_queries):
    from supervision.assessment import scheme_results
    from supervision.assessment_demo import install_demo

    install_demo()  # the session's demo ran it already: a second run adds nothing
    demo = AssessmentScheme.objects.get(year=2026, region__title="武江区")
    from supervision.assessment import CRITERIA

    assert set(demo.criteria.values_list("key", flat=True)) == set(CRITERIA) and AssessmentScheme.objects.filter(year=2026, region=demo.region).count() == 1
    with django_assert_max_num_queries(60) as queries:
        results = scheme_results(demo)
    print(f"demo ranking: {len(results)} units, {len(queries)} queries")
    assert results and [r.rank for r in results] == sorted(r.rank for r in results)
    assert "区委办" in superior.get(f"/admin/supervision/assessment/inspect/{demo.pk}/").content.decode()


def test_the_superior_changes_a_weight_and_the_ranking_follows(superior, scheme, world):
    region, units = world
    edit = superior.get(f"/admin/supervision/assessment/edit/{scheme.pk}/")
    assert edit.status_code == 200 and "不必合计为100" in edit.content.decode()
    lines = list(scheme.criteria.all())
    data = form_data(region, [], title=scheme.title)
    data.update({"criteria-TOTAL_FORMS": str(len(lines)), "criteria-INITIAL_FORMS": str(len(lines))})
    for i, line in enumerate(lines):
        weight = "0" if line.key != "requests" else "1"  # a zero weight is refused: delete them instead
        data.update({f"criteria-{i}-id": str(line.pk), f"criteria-{i}-key": line.key, f"criteria-{i}-weight": "1",
                     f"criteria-{i}-ORDER": str(i + 1), f"criteria-{i}-DELETE": "" if weight == "1" else "1"})
    response = superior.post(f"/admin/supervision/assessment/edit/{scheme.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [line.key for line in scheme.criteria.all()] == ["requests"]
    body = superior.get(f"/admin/supervision/assessment/inspect/{scheme.pk}/").content.decode()
    assert "50.00" in body and "不必合计为100" in body  # 甲 and 丙 2/4 and 1/2 on requests alone
