"""监督检查: the superior inspects the units in reach for a half-year against the six checklist items, records
findings, sets 整改 with due dates that the units answer, and drafts a 通报 that a second supervisor approves
before it is published; closing the inspection files each unit's materials and the 通报 in its archive chain.

《中共惠农区委党务公开若干制度（试行）》第五十一条、第五十三条；南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》
（监督检查制度）.

Personas (demo data): wj_supervisor reaches 韶关市/武江区 (the drafter), sg_supervisor reaches 韶关市 (the
reviewer); wj_editor is 录入人 of 韶关市/武江区/区委办; a 浈江区 supervisor and a 浈江区 editor are outsiders.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from archive.choices import RecordKind
from archive.models import ArchiveRecord
from archive.verify import verify_archive
from disclosure_pages.choices import Role
from disclosure_pages.permissions import can_answer_rectification, can_change, can_review_bulletin, can_see
from disclosure_pages.selectors import find_unit
from supervision import inspection_services as services
from supervision.inspection_choices import (
    BulletinState,
    ChecklistItem,
    Grade,
    Half,
    InspectionState,
    RectificationState,
)
from supervision.inspection_selectors import bulletin_draft, findings_closed, overdue_rectifications
from supervision.models import Bulletin, Finding, Inspection, Rectification
from tests.builders import make_user

WJ = "韶关市/武江区/区委办"
WJ_XC = "韶关市/武江区/区委宣传部"
ZJ = "韶关市/浈江区/区委办"
DAY = datetime.timedelta(days=1)
ADMIN = "/admin/supervision/inspections"


def admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.fixture
def people(db, user_named):
    zj_region = find_unit(ZJ).get_parent()
    return {
        "drafter": admin(user_named("wj_supervisor")),
        "reviewer": admin(user_named("sg_supervisor")),
        "editor": admin(user_named("wj_editor")),
        "outsider": admin(make_user("zj_supervisor_t", reach=zj_region)),
        "zj_editor": admin(make_user("zj_editor_t", unit_path=ZJ, role=Role.EDITOR)),
    }


@pytest.fixture
def inspection(people):
    wj = find_unit(WJ)
    return services.inspection_open(
        actor=people["drafter"], target=wj.get_parent(), year=2026, half=Half.FIRST, units=[wj, find_unit(WJ_XC)]
    )


def all_good(text="公开及时") -> dict:
    return {item: (Grade.GOOD, text) for item in ChecklistItem.values}


def record_all(inspection, actor, **overrides):
    for unit in inspection.units.all():
        rows = all_good()
        rows.update(overrides.get(unit.title, {}))
        services.findings_record(actor=actor, inspection=inspection, unit=unit, rows=rows)


# --- opening ----------------------------------------------------------------------------------------


def test_the_superior_opens_an_inspection_of_a_region_in_the_admin(client, people):
    wj_region = find_unit(WJ).get_parent()
    client.force_login(people["drafter"])
    form = client.get(f"{ADMIN}/new/")
    assert form.status_code == 200 and "检查对象" in form.content.decode()
    response = client.post(f"{ADMIN}/new/", {"target": wj_region.pk, "year": 2026, "half": Half.FIRST, "title": ""})
    inspection = Inspection.objects.filter(target=wj_region).latest("pk")  # the demo has one of its own
    assert response.status_code == 302 and response["Location"].endswith(f"/inspect/{inspection.pk}/")
    assert inspection.title == "武江区2026年上半年党务公开工作监督检查"
    assert inspection.units.count() == 9  # every unit of 武江区
    assert inspection.region.pk == wj_region.pk
    page = client.get(response["Location"]).content.decode()
    assert "记录检查结果：区委办" in page


def test_an_inspection_outside_the_reach_is_refused_and_the_form_keeps_its_input(client, people):
    zj_region = find_unit(ZJ).get_parent()
    client.force_login(people["drafter"])
    response = client.post(f"{ADMIN}/new/", {"target": zj_region.pk, "year": 2026, "half": Half.FIRST, "title": "越权检查"})
    assert response.status_code == 200
    assert "请选择监督范围内的单位或行政区域" in response.content.decode()
    assert 'value="越权检查"' in response.content.decode()
    assert not Inspection.objects.filter(target=zj_region).exists()


def test_another_regions_supervisor_gets_404_everywhere(client, people, inspection):
    client.force_login(people["outsider"])
    unit = find_unit(WJ)
    for url in (
        f"{ADMIN}/inspect/{inspection.pk}/",
        f"{ADMIN}/{inspection.pk}/units/{unit.pk}/findings/",
        f"{ADMIN}/{inspection.pk}/bulletin/",
        f"{ADMIN}/{inspection.pk}/close/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{ADMIN}/{inspection.pk}/units/{unit.pk}/findings/", {}).status_code == 404
    listing = client.get(f"{ADMIN}/")
    assert listing.status_code == 200 and inspection.title not in listing.content.decode()
    client.force_login(people["drafter"])
    assert inspection.title in client.get(f"{ADMIN}/").content.decode()
    assert not can_see(people["outsider"], inspection)


# --- findings -------------------------------------------------------------------------------------


def test_findings_are_recorded_per_unit_and_item_with_chinese_errors(client, people, inspection):
    unit = find_unit(WJ)
    url = f"{ADMIN}/{inspection.pk}/units/{unit.pk}/findings/"
    client.force_login(people["drafter"])
    data = {f"grade_{item}": Grade.GOOD for item in ChecklistItem.values}
    data[f"grade_{ChecklistItem.EFFECT}"] = ""
    data[f"text_{ChecklistItem.CONTENT}"] = "目录齐全"
    refused = client.post(url, data)
    assert refused.status_code == 200 and "请对“效果是否明显”作出结论" in refused.content.decode()
    assert "目录齐全" in refused.content.decode()  # the form keeps its input
    data[f"grade_{ChecklistItem.EFFECT}"] = Grade.POOR
    data[f"text_{ChecklistItem.EFFECT}"] = "群众知晓率低"
    assert client.post(url, data).status_code == 302
    findings = {f.item: f for f in Finding.objects.filter(inspection=inspection, unit=unit)}
    assert len(findings) == 6 and findings[ChecklistItem.EFFECT].grade == Grade.POOR
    nul = dict(data, **{f"text_{ChecklistItem.FORM}": "a\x00b"})
    assert client.post(url, nul).status_code == 200  # refused by the form, not a 500


def test_a_units_staff_see_their_findings_but_cannot_edit_them(client, people, inspection):
    record_all(inspection, people["drafter"])
    finding = Finding.objects.filter(inspection=inspection, unit=find_unit(WJ)).first()
    editor = people["editor"]
    assert can_see(editor, finding) and not can_change(editor, finding)
    assert not can_see(people["zj_editor"], finding)
    client.force_login(editor)
    unit = find_unit(WJ)
    assert client.get(f"{ADMIN}/{inspection.pk}/units/{unit.pk}/findings/").status_code in (302, 403, 404)
    before = finding.grade
    client.post(f"{ADMIN}/{inspection.pk}/units/{unit.pk}/findings/", {f"grade_{i}": Grade.POOR for i in ChecklistItem.values})
    finding.refresh_from_db()
    assert finding.grade == before
    with pytest.raises(services.InspectionError):
        services.findings_record(actor=editor, inspection=inspection, unit=unit, rows=all_good())
    mine = client.get("/admin/supervision/rectifications/").content.decode()
    assert inspection.title in mine and "内容是否全面" in mine


# --- 整改 ---------------------------------------------------------------------------------------------


def test_the_unit_answers_and_the_superior_returns_then_confirms(client, people, inspection):
    unit = find_unit(WJ)
    client.force_login(people["drafter"])
    response = client.post(
        f"{ADMIN}/{inspection.pk}/units/{unit.pk}/rectifications/new/",
        {"item": ChecklistItem.EFFECT, "problem": "开展党务公开宣传", "due_on": "2026-08-31"},
    )
    assert response.status_code == 302
    rect = Rectification.objects.get(inspection=inspection, unit=unit)
    # the unit's editor reports
    client.force_login(people["editor"])
    assert can_answer_rectification(people["editor"], rect)
    assert not can_answer_rectification(people["zj_editor"], rect)
    assert client.post(f"/admin/supervision/rectifications/{rect.pk}/answer/", {"report": ""}).status_code == 200
    assert client.post(f"/admin/supervision/rectifications/{rect.pk}/answer/", {"report": "已在公开栏宣传"}).status_code == 302
    rect.refresh_from_db()
    assert rect.state == RectificationState.REPORTED and rect.reported_by == people["editor"]
    # the unit cannot confirm its own 整改
    decide = f"{ADMIN}/{inspection.pk}/rectifications/{rect.pk}/confirm/"
    assert client.post(decide).status_code == 404
    # the superior sends it back with a reason, the unit reports again, the superior confirms
    client.force_login(people["drafter"])
    client.post(f"{ADMIN}/{inspection.pk}/rectifications/{rect.pk}/return/", {"reason": "请附宣传照片"})
    rect.refresh_from_db()
    assert rect.state == RectificationState.OPEN and rect.return_reason == "请附宣传照片"
    services.rectification_report(actor=people["editor"], rectification=rect, report="已补充照片")
    assert client.post(decide).status_code == 302
    rect.refresh_from_db()
    assert rect.state == RectificationState.CLOSED and rect.closed_by == people["drafter"]


def test_another_units_staff_cannot_open_the_answer_form(client, people, inspection):
    rect = services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ), problem="补充目录", due_on=datetime.date(2026, 8, 31)
    )
    client.force_login(people["zj_editor"])
    assert client.get(f"/admin/supervision/rectifications/{rect.pk}/answer/").status_code == 404


def test_overdue_rectifications_show_on_the_superiors_and_the_units_dashboard(client, people, inspection):
    today = timezone.localdate()
    late = services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ), problem="逾期的整改事项甲", due_on=today - 3 * DAY
    )
    services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ_XC), problem="未到期的整改事项乙", due_on=today + DAY
    )
    assert list(overdue_rectifications(people["drafter"], today=today).filter(inspection=inspection)) == [late]
    assert list(overdue_rectifications(people["editor"], today=today).filter(inspection=inspection)) == [late]
    assert not overdue_rectifications(people["zj_editor"], today=today).filter(inspection=inspection).exists()
    for who in ("drafter", "editor"):
        client.force_login(people[who])
        page = client.get("/admin/").content.decode()
        assert "逾期未完成的整改" in page and "逾期的整改事项甲" in page and "已超期 3 天" in page
        assert "未到期的整改事项乙" not in page
    client.force_login(people["zj_editor"])
    assert "逾期的整改事项甲" not in client.get("/admin/").content.decode()
    # closed, it is no longer overdue
    services.rectification_report(actor=people["editor"], rectification=late, report="已整改")
    services.rectification_confirm(actor=people["drafter"], rectification=late)
    assert not overdue_rectifications(people["drafter"], today=today).filter(inspection=inspection).exists()


# --- 通报 ---------------------------------------------------------------------------------------------


def test_the_draft_is_generated_from_the_findings(people, inspection):
    record_all(inspection, people["drafter"], 区委宣传部={ChecklistItem.PROCEDURE: (Grade.POOR, "未经保密审查")})
    services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ_XC), problem="建立保密审查台账", due_on=datetime.date(2026, 7, 31)
    )
    title, body = bulletin_draft(inspection)
    assert title == "关于武江区2026年上半年党务公开工作监督检查情况的通报"
    assert "本次共检查2个单位：区委办、区委宣传部。" in body
    assert "程序是否规范：好1个，差1个。" in body
    problems = body.split("三、存在的问题")[1].split("四、整改要求")[0]
    assert "（一）程序是否规范" in problems and "区委宣传部（差）：未经保密审查" in problems
    assert "区委宣传部：建立保密审查台账（整改期限：2026年07月31日）" in body


def test_the_drafter_cannot_approve_their_own_bulletin(client, people, inspection):
    record_all(inspection, people["drafter"])
    client.force_login(people["drafter"])
    page = client.get(f"{ADMIN}/{inspection.pk}/bulletin/").content.decode()
    assert "关于武江区2026年上半年党务公开工作监督检查情况的通报" in page
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/", {"title": "武江区通报", "body": "正文"})
    bulletin = Bulletin.objects.get(inspection=inspection)
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/submit/")
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.SUBMITTED
    assert not can_review_bulletin(people["drafter"], bulletin)
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/approve/")
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.SUBMITTED
    with pytest.raises(services.InspectionError, match="起草人不能审核"):
        services.bulletin_approve(actor=people["drafter"], bulletin=bulletin)
    # nor can a supervisor of another reach
    assert not can_review_bulletin(people["outsider"], bulletin)


def test_returned_bulletin_goes_back_to_the_drafter_then_is_approved_and_published(client, people, inspection):
    record_all(inspection, people["drafter"])
    bulletin = services.bulletin_save(actor=people["drafter"], inspection=inspection, title="武江区通报（测试）", body="检查情况良好。")
    services.bulletin_submit(actor=people["drafter"], bulletin=bulletin)
    client.force_login(people["reviewer"])
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/return/", {"reason": "请补充整改要求（内部意见）"})
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.DRAFT and bulletin.return_reason
    services.bulletin_save(actor=people["drafter"], inspection=inspection, title="武江区通报（测试）", body="检查情况良好。请各单位整改。")
    services.bulletin_submit(actor=people["drafter"], bulletin=bulletin)
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/approve/")
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.APPROVED and bulletin.reviewed_by == people["reviewer"]
    # publishing asks first; GET publishes nothing
    confirm = client.get(f"{ADMIN}/{inspection.pk}/bulletin/publish/")
    assert "确认发布" in confirm.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.APPROVED
    assert client.get(f"/bulletins/{bulletin.pk}/").status_code == 404  # not yet public
    client.post(f"{ADMIN}/{inspection.pk}/bulletin/publish/")
    bulletin.refresh_from_db()
    assert bulletin.state == BulletinState.PUBLISHED
    client.logout()
    public = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "武江区通报（测试）" in public and "请各单位整改" in public
    assert "内部意见" not in public and "sg_supervisor" not in public
    listing = client.get(f"/bulletins/region/{inspection.region.pk}/").content.decode()
    assert "武江区通报（测试）" in listing
    region_page = client.get(inspection.region.url).content.decode()
    assert f'href="/bulletins/region/{inspection.region.pk}/"' in region_page
    zj_region = find_unit(ZJ).get_parent()
    assert "武江区通报（测试）" not in client.get(f"/bulletins/region/{zj_region.pk}/").content.decode()


# --- closing and the archive ------------------------------------------------------------------------


def test_closing_files_each_units_materials_and_the_bulletin_in_its_chain(people, inspection, tmp_path):
    record_all(inspection, people["drafter"], 区委办={ChecklistItem.EFFECT: (Grade.AVERAGE, "宣传不足")})
    wj = find_unit(WJ)
    rect = services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=wj, problem="加强宣传", due_on=datetime.date(2026, 8, 31)
    )
    bulletin = services.bulletin_save(actor=people["drafter"], inspection=inspection, title="武江区归档通报", body="正文")
    services.bulletin_submit(actor=people["drafter"], bulletin=bulletin)
    services.bulletin_approve(actor=people["reviewer"], bulletin=bulletin)
    services.bulletin_publish(actor=people["drafter"], bulletin=bulletin)
    assert not ArchiveRecord.objects.filter(kind=RecordKind.BULLETIN, item_ref=bulletin.pk).exists()  # not until closed
    services.rectification_report(actor=people["editor"], rectification=rect, report="已制作宣传展板")
    services.rectification_confirm(actor=people["drafter"], rectification=rect)  # the last one: closes the inspection
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED
    for path in (WJ, WJ_XC):
        unit = find_unit(path)
        records = ArchiveRecord.objects.filter(unit=unit).filter(
            Q(kind=RecordKind.INSPECTION, item_ref=inspection.pk) | Q(kind=RecordKind.BULLETIN, item_ref=bulletin.pk)
        )
        assert sorted(records.values_list("kind", flat=True)) == sorted([RecordKind.BULLETIN, RecordKind.INSPECTION])
        assert verify_archive(unit=unit, check_files=False).ok
    record = ArchiveRecord.objects.get(unit=wj, kind=RecordKind.INSPECTION, item_ref=inspection.pk)
    assert "宣传不足" in record.content_html and "已制作宣传展板" in record.content_html and "已整改" in record.content_html
    # closed: nothing more may be changed
    with pytest.raises(services.InspectionError, match="已结束"):
        services.findings_record(actor=people["drafter"], inspection=inspection, unit=wj, rows=all_good())
    # and the unit's volume for the year holds both records
    import zipfile

    from archive.volumes import export_volume

    volume = export_volume(unit=wj, year=record.year, outdir=tmp_path)
    assert volume.valid
    names = zipfile.ZipFile(volume.zip_path).namelist()
    numbers = ArchiveRecord.objects.filter(unit=wj).filter(
        Q(kind=RecordKind.INSPECTION, item_ref=inspection.pk) | Q(kind=RecordKind.BULLETIN, item_ref=bulletin.pk)
    ).values_list("number", flat=True)
    assert len(numbers) == 2
    for number in numbers:
        assert any(re.search(rf"/data/{number}/record.json$", name) for name in names), number
    catalogue = volume.csv_path.read_text(encoding="utf-8-sig")
    assert "武江区归档通报" in catalogue


def test_closing_needs_every_units_findings_and_asks_first(client, people, inspection):
    client.force_login(people["drafter"])
    page = client.get(f"{ADMIN}/{inspection.pk}/close/").content.decode()
    assert "尚未记录检查结果" in page
    client.post(f"{ADMIN}/{inspection.pk}/close/")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.OPEN
    record_all(inspection, people["drafter"])
    assert "确认结束检查" in client.get(f"{ADMIN}/{inspection.pk}/close/").content.decode()
    client.post(f"{ADMIN}/{inspection.pk}/close/")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED
    assert ArchiveRecord.objects.filter(kind=RecordKind.INSPECTION, item_ref=inspection.pk).count() == 2


# --- the assessment's measure ---------------------------------------------------------------------


def test_findings_closed_counts_rectifications_closed_by_their_due_date(people, inspection):
    wj = find_unit(WJ)
    due = datetime.date(2026, 7, 31)

    def add(problem, due_on):
        return services.rectification_add(actor=people["drafter"], inspection=inspection, unit=wj, problem=problem, due_on=due_on)

    xc_editor = make_user("wj_xc_editor_t", unit_path=WJ_XC, role=Role.EDITOR)

    def close_on(rect, day):
        staff = xc_editor if rect.unit_id != wj.pk else people["editor"]
        services.rectification_report(actor=staff, rectification=rect, report="已整改")
        services.rectification_confirm(actor=people["drafter"], rectification=rect)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))  # late evening, Shanghai
        Rectification.objects.filter(pk=rect.pk).update(closed_at=moment)

    on_time = add("按期整改", due)
    late = add("逾期整改", due)
    add("未整改", due)
    add("明年到期", datetime.date(2027, 1, 15))
    other = services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ_XC), problem="他单位", due_on=due
    )
    close_on(on_time, due)  # on the due date counts
    close_on(late, due + DAY)
    close_on(other, due)
    measure = findings_closed(wj, 2026)
    # by hand: three items of 区委办 due in 2026; one closed on its due date, one a day late, one open
    assert (measure.met, measure.total) == (1, 3)
    assert [row.met for row in measure.evidence] == [True, False, False]
    assert "2026-07-31 确认整改完成" in measure.evidence[0].detail
    assert "待整改" in measure.evidence[2].detail
    assert findings_closed(wj, 2027).total == 1
    assert findings_closed(find_unit(ZJ), 2026).total == 0


# --- demo data ----------------------------------------------------------------------------------------


def test_the_demo_has_a_finished_inspection_of_wujiang_with_a_published_bulletin(db, client):
    from supervision.inspection_demo import TITLE, install_demo

    install_demo(with_users=True)  # a second run changes nothing
    inspection = Inspection.objects.get(title=TITLE)
    assert inspection.state == InspectionState.CLOSED and (inspection.year, inspection.half) == (2026, Half.FIRST)
    assert inspection.units.count() == 3
    assert not inspection.rectifications.exclude(state=RectificationState.CLOSED).exists()
    bulletin = inspection.bulletin
    assert bulletin.state == BulletinState.PUBLISHED and bulletin.reviewed_by.username == "sg_supervisor"
    assert "区委宣传部（一般）：两项事项发布前未见保密审查记录。" in bulletin.body
    assert ArchiveRecord.objects.filter(kind=RecordKind.INSPECTION, item_ref=inspection.pk).count() == 3
    assert ArchiveRecord.objects.filter(kind=RecordKind.BULLETIN, item_ref=bulletin.pk).count() == 3
    assert bulletin.title in client.get(f"/bulletins/region/{inspection.region.pk}/").content.decode()
    assert findings_closed(find_unit("韶关市/武江区/区委宣传部"), 2026).met == 1


# --- notices ------------------------------------------------------------------------------------------


def test_the_unit_and_the_reviewer_are_told_with_a_link_to_act(people, inspection):
    from notices.models import Notice

    rect = services.rectification_add(
        actor=people["drafter"], inspection=inspection, unit=find_unit(WJ), problem="补充公开目录", due_on=datetime.date(2026, 8, 31)
    )
    told = Notice.objects.get(user=people["editor"], subject__startswith="监督检查整改")
    assert "补充公开目录" in told.body and told.url == "/admin/supervision/rectifications/"
    assert not Notice.objects.filter(user=people["zj_editor"], subject__startswith="监督检查整改").exists()
    services.rectification_report(actor=people["editor"], rectification=rect, report="已补充")
    assert Notice.objects.get(user=people["drafter"], subject__startswith="整改情况待确认").url.endswith(f"/inspect/{inspection.pk}/")
    record_all(inspection, people["drafter"])
    bulletin = services.bulletin_save(actor=people["drafter"], inspection=inspection, title="通报（通知测试）", body="正文")
    services.bulletin_submit(actor=people["drafter"], bulletin=bulletin)
    assert Notice.objects.filter(user=people["reviewer"], subject="通报待审核：通报（通知测试）").exists()
    assert not Notice.objects.filter(user=people["drafter"], subject="通报待审核：通报（通知测试）").exists()
    assert not Notice.objects.filter(user=people["outsider"], subject="通报待审核：通报（通知测试）").exists()
