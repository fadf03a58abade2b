"""Writes of 监督检查: open an inspection, record findings, 整改 (add, report, confirm, return), the 通报
(save, submit, approve, return, publish) and closing the inspection, which files its materials in the archive.

Every write asks the one policy (disclosure_pages.permissions) and raises InspectionError with a Chinese
message and the HTTP status a view answers with.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from archive.choices import RecordKind
from archive.services import archive_document, person_name
from disclosure_pages.models import RegionPage, SupervisorReach, UnitMembership, UnitPage
from disclosure_pages.permissions import (
    STAFF_ROLES,
    can_answer_rectification,
    can_change,
    can_review_bulletin,
    roles_for,
)
from notices.services import notify

from .inspection_choices import BulletinState, ChecklistItem, Grade, Half, InspectionState, RectificationState
from .models_inspections import TEXT_MAX, Bulletin, Finding, Inspection, Rectification
from .services import EvaluationError


class InspectionError(EvaluationError):
    """A step of an inspection that cannot be taken (message in Chinese, `status` for the view)."""


# Who is told (站内消息 and mail), with a link to where they act ----------------------------------------


def _unit_staff(unit: UnitPage) -> list:
    return [m.user for m in UnitMembership.objects.filter(unit=unit, role__in=STAFF_ROLES).select_related("user")]


def _supervisors_over(page) -> list:
    step = Page.steplen
    prefixes = [page.path[:n] for n in range(step, len(page.path) + 1, step)]
    return [r.user for r in SupervisorReach.objects.filter(root__path__in=prefixes).select_related("user")]


def _inspect_url(inspection) -> str:
    return reverse("supervision_inspections:inspect", args=[inspection.pk])


def _tell_unit(rectification, subject: str, body: str) -> None:
    notify(_unit_staff(rectification.unit), subject=subject, body=body, url=reverse("supervision_my_rectifications"))


def _clean_text(text: str, *, label: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise InspectionError(f"{label}含有无效字符。")
    if required and not text:
        raise InspectionError(f"请填写{label}。")
    if len(text) > limit:
        raise InspectionError(f"{label}不能超过 {limit} 字。")
    return text


def _supervises(actor, page) -> bool:
    return bool(actor and actor.is_active and (actor.is_superuser or roles_for(actor).supervises(page.path)))


def region_of(page) -> RegionPage:
    specific = page.specific
    if isinstance(specific, RegionPage):
        return specific
    return RegionPage.objects.ancestor_of(page).order_by("-depth").first()


def default_title(region: RegionPage, year: int, half: str) -> str:
    return f"{region.title}{year}年{Half(half).label}党务公开工作监督检查"


@transaction.atomic
def inspection_open(*, actor, target, year: int, half: str, title: str = "", units=None) -> Inspection:
    """The superior opens an inspection over `target` (a region: its live units, or a unit), or over the
    chosen `units` under it; every unit must be in the actor's reach."""
    if not _supervises(actor, target):
        raise InspectionError("您只能对监督范围内的单位或区域发起监督检查。", status=403)
    if not isinstance(target.specific, (RegionPage, UnitPage)):
        raise InspectionError("检查对象必须是公开单位或行政区域。")
    if half not in Half.values:
        raise InspectionError("请选择上半年或下半年。")
    if not 2000 <= int(year) <= 2100:
        raise InspectionError("请填写有效的年度。")
    under = UnitPage.objects.live().filter(path__startswith=target.path).order_by("path")
    chosen = list(under.filter(pk__in=[u.pk for u in units])) if units else list(under)
    if units and len(chosen) != len({u.pk for u in units}):
        raise InspectionError("所选单位须在检查对象之下。")
    if not chosen:
        raise InspectionError("检查对象下没有公开单位。")
    region = region_of(target)
    inspection = Inspection.objects.create(
        target=target,
        region=region,
        year=int(year),
        half=half,
        title=_clean_text(title, label="检查名称", required=False, limit=100) or default_title(region, int(year), half),
        opened_by=actor,
    )
    inspection.units.set(chosen)
    return inspection


def _lock_open(inspection: Inspection, actor) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not can_change(actor, inspection):
        raise InspectionError("您无权办理该监督检查。", status=403)
    if not inspection.is_open:
        raise InspectionError("该监督检查已结束，检查材料已归档，不能再修改。", status=409)
    return inspection


def _check_unit(inspection: Inspection, unit: UnitPage) -> None:
    if not inspection.units.filter(pk=unit.pk).exists():
        raise InspectionError("该单位不在本次检查范围内。", status=404)


@transaction.atomic
def findings_record(*, actor, inspection: Inspection, unit: UnitPage, rows: dict[str, tuple[str, str]]) -> list[Finding]:
    """Record (or correct) the findings of one unit: {checklist item: (grade, text)}; all six are required."""
    inspection = _lock_open(inspection, actor)
    _check_unit(inspection, unit)
    missing = [ChecklistItem(item).label for item in ChecklistItem.values if not (rows.get(item) or ("", ""))[0]]
    if missing:
        raise InspectionError("请对每项检查内容作出结论：" + "、".join(missing) + "。")
    saved = []
    for item in ChecklistItem.values:
        grade, text = rows[item]
        if grade not in Grade.values:
            raise InspectionError(f"“{ChecklistItem(item).label}”的检查结果无效。")
        finding, _ = Finding.objects.update_or_create(
            inspection=inspection,
            unit=unit,
            item=item,
            defaults={
                "grade": grade,
                "text": _clean_text(text, label=f"“{ChecklistItem(item).label}”的情况说明", required=False),
                "recorded_by": actor,
            },
        )
        saved.append(finding)
    return saved


@transaction.atomic
def rectification_add(
    *, actor, inspection: Inspection, unit: UnitPage, problem: str, due_on: datetime.date, item: str = ""
) -> Rectification:
    inspection = _lock_open(inspection, actor)
    _check_unit(inspection, unit)
    if item and item not in ChecklistItem.values:
        raise InspectionError("检查内容无效。")
    if due_on is None:
        raise InspectionError("请填写整改期限。")
    rectification = Rectification.objects.create(
        inspection=inspection,
        unit=unit,
        item=item,
        problem=_clean_text(problem, label="问题及整改要求"),
        due_on=due_on,
        created_by=actor,
    )
    _tell_unit(
        rectification,
        f"监督检查整改：{unit.title}",
        f"“{inspection.title}”对本单位提出整改要求：{rectification.problem}\n整改期限：{due_on:%Y-%m-%d}。请按期整改并报告整改情况。",
    )
    return rectification


def _lock_rectification(rectification: Rectification) -> Rectification:
    return Rectification.objects.select_for_update(of=("self",)).select_related("inspection", "unit").get(pk=rectification.pk)


@transaction.atomic
def rectification_report(*, actor, rectification: Rectification, report: str) -> Rectification:
    """The unit's staff report what they did; the superior then confirms or returns it."""
    rectification = _lock_rectification(rectification)
    if not can_answer_rectification(actor, rectification):
        if rectification.state != RectificationState.OPEN:
            raise InspectionError("该整改事项已报告，等待上级确认。", status=409)
        raise InspectionError("只有被检查单位的工作人员可以报告整改情况。", status=403)
    if not rectification.inspection.is_open:
        raise InspectionError("该监督检查已结束。", status=409)
    rectification.report = _clean_text(report, label="整改情况")
    rectification.state = RectificationState.REPORTED
    rectification.reported_by = actor
    rectification.reported_at = timezone.now()
    rectification.save()
    inspection = rectification.inspection
    notify(
        {u.pk: u for u in (inspection.opened_by, rectification.created_by) if u is not None}.values(),
        subject=f"整改情况待确认：{rectification.unit.title}",
        body=f"{rectification.unit.display_name}报告了整改情况：{rectification.report}\n请确认整改完成或退回。",
        url=_inspect_url(inspection),
    )
    return rectification


@transaction.atomic
def rectification_confirm(*, actor, rectification: Rectification) -> Rectification:
    """The superior confirms the 整改 done. The last one confirmed closes the inspection when every unit's
    findings are recorded (and so files its materials)."""
    rectification = _lock_rectification(rectification)
    _lock_open(rectification.inspection, actor)
    if rectification.state != RectificationState.REPORTED:
        raise InspectionError("单位尚未报告整改情况，不能确认整改完成。", status=409)
    rectification.state = RectificationState.CLOSED
    rectification.closed_by = actor
    rectification.closed_at = timezone.now()
    rectification.save()
    inspection = rectification.inspection
    if not inspection.rectifications.exclude(state=RectificationState.CLOSED).exists() and not missing_findings(inspection):
        inspection_close(actor=actor, inspection=inspection)
    return rectification


@transaction.atomic
def rectification_return(*, actor, rectification: Rectification, reason: str) -> Rectification:
    rectification = _lock_rectification(rectification)
    _lock_open(rectification.inspection, actor)
    if rectification.state != RectificationState.REPORTED:
        raise InspectionError("只有单位已报告的整改事项可以退回。", status=409)
    rectification.return_reason = _clean_text(reason, label="退回理由")
    rectification.state = RectificationState.OPEN
    rectification.save()
    _tell_unit(
        rectification,
        f"整改情况被退回：{rectification.unit.title}",
        f"整改事项“{rectification.problem[:40]}”被退回，理由：{rectification.return_reason}\n请重新整改并报告。",
    )
    return rectification


def missing_findings(inspection: Inspection) -> list[UnitPage]:
    """Units of the inspection whose six findings are not all recorded."""
    counts: dict[int, int] = {}
    for unit_id in inspection.findings.values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return [unit for unit in inspection.units.order_by("path") if counts.get(unit.pk, 0) < len(ChecklistItem.values)]


# 通报 ---------------------------------------------------------------------------------------------


@transaction.atomic
def bulletin_save(*, actor, inspection: Inspection, title: str, body: str) -> Bulletin:
    """Create or edit the draft (a returned one is a draft again); the one who saves it is its drafter."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not can_change(actor, inspection):
        raise InspectionError("您无权起草该通报。", status=403)
    title = _clean_text(title, label="通报标题", limit=150)
    body = _clean_text(body, label="通报正文", limit=20000)
    bulletin = Bulletin.objects.select_for_update().filter(inspection=inspection).first()
    if bulletin is None:
        return Bulletin.objects.create(inspection=inspection, title=title, body=body, drafted_by=actor)
    if bulletin.state != BulletinState.DRAFT:
        raise InspectionError(f"通报{bulletin.get_state_display()}，不能再修改。", status=409)
    bulletin.title, bulletin.body, bulletin.drafted_by = title, body, actor
    bulletin.save()
    return bulletin


def _lock_bulletin(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update(of=("self",)).select_related("inspection").get(pk=bulletin.pk)


@transaction.atomic
def bulletin_submit(*, actor, bulletin: Bulletin) -> Bulletin:
    bulletin = _lock_bulletin(bulletin)
    if not can_change(actor, bulletin):
        raise InspectionError("您无权办理该通报。", status=403)
    if bulletin.state != BulletinState.DRAFT:
        raise InspectionError("只有草稿可以送审。", status=409)
    bulletin.state = BulletinState.SUBMITTED
    bulletin.submitted_at = timezone.now()
    bulletin.save()
    reviewers = [u for u in _supervisors_over(bulletin.inspection.target) if u.pk != bulletin.drafted_by_id]
    notify(
        reviewers,
        subject=f"通报待审核：{bulletin.title}",
        body=f"《{bulletin.title}》已送审，请审核同意或退回修改。",
        url=_inspect_url(bulletin.inspection),
    )
    return bulletin


def _check_reviewer(actor, bulletin: Bulletin) -> None:
    if not can_review_bulletin(actor, bulletin):
        if can_change(actor, bulletin):
            raise InspectionError("起草人不能审核自己起草的通报，请由同一监督范围内的另一位上级审核。", status=403)
        raise InspectionError("您无权审核该通报。", status=403)
    if bulletin.state != BulletinState.SUBMITTED:
        raise InspectionError("该通报不在待审核状态。", status=409)


@transaction.atomic
def bulletin_approve(*, actor, bulletin: Bulletin) -> Bulletin:
    bulletin = _lock_bulletin(bulletin)
    _check_reviewer(actor, bulletin)
    bulletin.state = BulletinState.APPROVED
    bulletin.reviewed_by = actor
    bulletin.reviewed_at = timezone.now()
    bulletin.return_reason = ""
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_return(*, actor, bulletin: Bulletin, reason: str) -> Bulletin:
    bulletin = _lock_bulletin(bulletin)
    _check_reviewer(actor, bulletin)
    bulletin.return_reason = _clean_text(reason, label="退回理由")
    bulletin.state = BulletinState.DRAFT
    bulletin.reviewed_by = actor
    bulletin.reviewed_at = timezone.now()
    bulletin.save()
    notify(
        [bulletin.drafted_by],
        subject=f"通报被退回：{bulletin.title}",
        body=f"《{bulletin.title}》被退回修改，理由：{bulletin.return_reason}",
        url=_inspect_url(bulletin.inspection),
    )
    return bulletin


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    """Publish an approved 通报 on the public site (in the region's list); filed in the archive once the
    inspection is closed (now, if it already is)."""
    bulletin = _lock_bulletin(bulletin)
    if not can_change(actor, bulletin):
        raise InspectionError("您无权发布该通报。", status=403)
    if bulletin.state != BulletinState.APPROVED:
        raise InspectionError("通报须经审核同意后才能发布。", status=409)
    bulletin.state = BulletinState.PUBLISHED
    bulletin.published_by = actor
    bulletin.published_at = timezone.now()
    bulletin.save()
    if not bulletin.inspection.is_open:
        _archive_bulletin(bulletin)
    return bulletin


# Closing and the archive ------------------------------------------------------------------------


@transaction.atomic
def inspection_close(*, actor, inspection: Inspection, at: datetime.datetime | None = None) -> Inspection:
    """End the inspection: each unit's materials (findings, 整改 and their handling) become an archive
    record of kind 监督检查 in that unit's chain; a published 通报 is filed too. 整改 still open are filed
    as they stand (the record says so)."""
    inspection = _lock_open(inspection, actor)
    missing = missing_findings(inspection)
    if missing:
        raise InspectionError("以下单位尚未记录检查结果，不能结束检查：" + "、".join(u.title for u in missing) + "。")
    now = at or timezone.now()
    inspection.state = InspectionState.CLOSED
    inspection.closed_by = actor
    inspection.closed_at = now
    inspection.save()
    for unit in inspection.units.order_by("path"):
        archive_document(
            unit=unit,
            kind=RecordKind.INSPECTION,
            ref=inspection.pk,
            title=f"{inspection.title}：{unit.title}检查材料",
            content=inspection_materials(inspection, unit),
            template="archive/inspection_content.html",
            filed_at=now,
            actor=actor,
        )
    bulletin = Bulletin.objects.filter(inspection=inspection, state=BulletinState.PUBLISHED).first()
    if bulletin is not None:
        _archive_bulletin(bulletin)
    return inspection


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def inspection_materials(inspection: Inspection, unit: UnitPage) -> dict:
    """What the archive keeps of one unit's inspection (plain JSON)."""
    findings = {f.item: f for f in inspection.findings.filter(unit=unit)}
    return {
        "inspection": inspection.title,
        "period": inspection.period_label,
        "target": inspection.target.title,
        "opened_by": person_name(inspection.opened_by),
        "opened_at": _local(inspection.created_at),
        "closed_by": person_name(inspection.closed_by),
        "closed_at": _local(inspection.closed_at),
        "findings": [
            {
                "item": label,
                "grade": findings[item].get_grade_display() if item in findings else "",
                "text": findings[item].text if item in findings else "",
                "recorded_by": person_name(findings[item].recorded_by) if item in findings else "",
            }
            for item, label in ChecklistItem.choices
        ],
        "rectifications": [
            {
                "item": r.get_item_display(),
                "problem": r.problem,
                "due_on": r.due_on.isoformat(),
                "state": r.get_state_display(),
                "report": r.report,
                "reported_by": person_name(r.reported_by),
                "reported_at": _local(r.reported_at),
                "return_reason": r.return_reason,
                "closed_by": person_name(r.closed_by),
                "closed_at": _local(r.closed_at),
            }
            for r in inspection.rectifications.filter(unit=unit).select_related("reported_by", "closed_by")
        ],
    }


def _archive_bulletin(bulletin: Bulletin) -> None:
    """The archive is per unit and a supervisor has no unit of their own (a reach names a subtree): the
    通报 is filed in the chain of every unit it reports on, so each unit's volume holds it."""
    if bulletin.archived:
        return
    inspection = bulletin.inspection
    content = {
        "title": bulletin.title,
        "body": bulletin.body,
        "inspection": inspection.title,
        "period": inspection.period_label,
        "region": inspection.region.title,
        "drafted_by": person_name(bulletin.drafted_by),
        "reviewed_by": person_name(bulletin.reviewed_by),
        "reviewed_at": _local(bulletin.reviewed_at),
        "published_by": person_name(bulletin.published_by),
        "published_at": _local(bulletin.published_at),
    }
    for unit in inspection.units.order_by("path"):
        archive_document(
            unit=unit,
            kind=RecordKind.BULLETIN,
            ref=bulletin.pk,
            title=bulletin.title,
            content=content,
            template="archive/bulletin_content.html",
            filed_at=bulletin.published_at,
            actor=bulletin.published_by,
        )
    Bulletin.objects.filter(pk=bulletin.pk).update(archived=True)
    bulletin.archived = True
