"""Demo data of 监督检查: one finished inspection of three 武江区 units for 2026 上半年, its 整改 closed on time
and its 通报 published (and everything filed in the units' archive chains). Safe to run again: an
inspection of that title is left as it is."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from disclosure_pages.selectors import find_unit

from . import inspection_services as services
from .inspection_choices import BulletinState, ChecklistItem, Grade, Half, RectificationState
from .inspection_selectors import bulletin_draft
from .models_inspections import Bulletin, Inspection, Rectification

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "武江区2026年上半年党务公开工作监督检查"
UNITS = ["韶关市/武江区/区委办", "韶关市/武江区/区委宣传部", "韶关市/武江区/区委统战部"]
C = ChecklistItem
GOOD = {item: (Grade.GOOD, "") for item in C.values}
FINDINGS = {
    "韶关市/武江区/区委办": {
        **GOOD,
        C.CONTENT: (Grade.GOOD, "公开目录六类事项齐全，按季度更新。"),
        C.EFFECT: (Grade.FAIR, "党员群众对公开内容知晓率较高。"),
    },
    "韶关市/武江区/区委宣传部": {
        **GOOD,
        C.PROCEDURE: (Grade.AVERAGE, "两项事项发布前未见保密审查记录。"),
        C.FORM: (Grade.FAIR, "以网站和公开栏为主，形式较为单一。"),
    },
    "韶关市/武江区/区委统战部": {
        **GOOD,
        C.RULES: (Grade.AVERAGE, "未制定本单位依申请公开办理流程。"),
        C.EXECUTION: (Grade.FAIR, "个别事项超过公开时限一至两天。"),
    },
}
RECTIFICATIONS = [
    ("韶关市/武江区/区委宣传部", C.PROCEDURE, "建立发布前保密审查台账，补齐两项事项的审查记录。", "2026-07-31", "已建立保密审查台账，两项事项已补办审查手续。", "2026-07-20"),
    ("韶关市/武江区/区委统战部", C.RULES, "制定依申请公开办理流程并在本单位公开。", "2026-08-31", "已印发《依申请公开办理流程》并在公开栏公布。", "2026-08-12"),
]


def _at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


def install_demo(sender=None, *, with_users: bool = True, **kwargs) -> None:
    if not with_users or Inspection.objects.filter(title=TITLE).exists():
        return
    users = get_user_model().objects
    drafter, reviewer = users.get(username="wj_supervisor"), users.get(username="sg_supervisor")
    units = [find_unit(path) for path in UNITS]
    inspection = services.inspection_open(
        actor=drafter, target=units[0].get_parent(), year=2026, half=Half.FIRST, title=TITLE, units=units
    )
    for unit, path in zip(units, UNITS, strict=True):
        services.findings_record(actor=drafter, inspection=inspection, unit=unit, rows=FINDINGS[path])
    for path, item, problem, due, report, closed in RECTIFICATIONS:
        # A finished inspection: the 整改 were reported and confirmed on these (past) dates.
        Rectification.objects.create(
            inspection=inspection, unit=find_unit(path), item=item, problem=problem,
            due_on=datetime.date.fromisoformat(due), state=RectificationState.CLOSED, report=report,
            reported_at=_at(closed, 9), closed_at=_at(closed, 16), closed_by=drafter, created_by=drafter,
        )
    title, body = bulletin_draft(inspection)
    bulletin = services.bulletin_save(actor=drafter, inspection=inspection, title=title, body=body)
    services.bulletin_submit(actor=drafter, bulletin=bulletin)
    services.bulletin_approve(actor=reviewer, bulletin=bulletin)
    services.bulletin_publish(actor=drafter, bulletin=bulletin)
    Bulletin.objects.filter(pk=bulletin.pk).update(
        submitted_at=_at("2026-09-01", 9), reviewed_at=_at("2026-09-02", 15), published_at=_at("2026-09-03", 9)
    )
    services.inspection_close(actor=drafter, inspection=inspection, at=_at("2026-09-03", 10))
    assert Bulletin.objects.get(pk=bulletin.pk).state == BulletinState.PUBLISHED
