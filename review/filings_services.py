"""Writes of filings (报备/报批): submit, decide, follow up.

Each is one transaction that checks, changes the filing, appends a FilingEvent (who, when, what,
why), tells the people concerned through the admin inbox, and sends a domain signal
(review.filings_signals) inside the transaction: the archive files the decision and the
subject's own follow-up (a draft item for an approved 目录外事项, the answer to the applicant
for an approved 不予公开) runs in receivers, so a failed follow-up undoes the decision.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deadlines.calendar import WorkCalendar
from disclosure_pages.models import UnitPage
from disclosure_pages.permissions import STAFF_ROLES, can_change, roles_for
from notices.models import NoticeKind
from notices.services import notify

from .filings_selectors import superior_of, superior_users
from .filings_signals import filing_decided, filing_submitted
from .models import SUBJECT_KINDS, Filing, FilingAction, FilingEvent, FilingKind, FilingState, FilingSubject

# How long the superior has: five working days, as the platform rule for 固定 items
# (《韶关市党风廉政信息公开平台规范》: 事项确定后5个工作日内); the seed texts set none for 报备/报批.
DUE_WORKING_DAYS = 5

DECISIONS = {
    "acknowledge": (FilingState.ACKNOWLEDGED, FilingAction.ACKNOWLEDGED),
    "approve": (FilingState.APPROVED, FilingAction.APPROVED),
    "refuse": (FilingState.REFUSED, FilingAction.REFUSED),
}
DECISIONS_FOR_KIND = {FilingKind.RECORD: ("acknowledge",), FilingKind.CONSENT: ("approve", "refuse")}


class FilingError(ValidationError):
    """A filing step that cannot be taken (message in Chinese)."""


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "系统"


def filing_url(filing: Filing) -> str:
    return reverse("review_filings:inspect", args=[filing.pk])


def due_date_for(start: datetime.date, *, calendar: WorkCalendar | None = None) -> datetime.date:
    calendar = calendar or WorkCalendar.from_db()
    return calendar.add_working_days(start, DUE_WORKING_DAYS)[0]


def _unit_staff(unit: UnitPage):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        ._default_manager.filter(unit_memberships__unit=unit, unit_memberships__role__in=STAFF_ROLES, is_active=True)
        .distinct()
    )


def _event(filing: Filing, action: str, *, actor, at: datetime.datetime, text: str = "") -> FilingEvent:
    return FilingEvent.objects.create(filing=filing, action=action, actor=actor, at=at, text=text)


@transaction.atomic
def filing_submit(
    *,
    subject: str,
    unit: UnitPage,
    actor,
    title: str,
    obj: Any = None,
    statement: str = "",
    details: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> Filing:
    """Send something up to the unit's superior: 报备 or 报批 according to the subject."""
    if subject not in FilingSubject.values:
        raise FilingError("请选择报备报批的事项类型。")
    if actor is not None and not actor.is_superuser:
        roles = roles_for(actor)
        if not (roles.has_role_over(unit.path, *STAFF_ROLES) or roles.supervises(unit.path)):
            raise PermissionDenied("只有本单位的录入、审核、审批人员可以向上级报备报批。")
    title = (title or "").strip()
    if not title:
        raise FilingError({"title": "请填写标题。"})
    superior = superior_of(unit)
    if superior is None:
        raise FilingError("本单位不在任何行政区域之下，找不到上级党组织。")
    at = at or timezone.now()
    filing = Filing.objects.create(
        kind=SUBJECT_KINDS[subject],
        subject=subject,
        unit=unit,
        superior=superior,
        content_type=ContentType.objects.get_for_model(type(obj)) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        title=title[:255],
        statement=(statement or "").strip(),
        details=details or {},
        submitted_by=actor,
        submitted_at=at,
        due_date=due_date_for(timezone.localdate(at)),
    )
    _event(filing, FilingAction.SUBMITTED, actor=actor, at=at, text=filing.statement)
    verb = "审批" if filing.kind == FilingKind.CONSENT else "备案"
    notify(
        superior_users(superior),
        subject=f"【{filing.get_kind_display()}】{unit.display_name}：{filing.title}",
        body=(
            f"{unit.display_name}报送{filing.get_subject_display()}“{filing.title}”，请于"
            f"{filing.due_date:%Y年%m月%d日}前{verb}。\n{filing.statement}"
        ).strip(),
        url=filing_url(filing),
        kind=NoticeKind.TASK,
    )
    filing_submitted.send(sender=Filing, filing=filing)
    return filing


@transaction.atomic
def filing_decide(
    *, filing: Filing, actor, decision: str, reason: str = "", at: datetime.datetime | None = None
) -> Filing:
    """The superior's answer: 报备 acknowledged (确认备案); 报批 approved (同意) or refused (不同意, with a reason)."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)  # two supervisors at once: one decides
    if not can_change(actor, filing):
        raise PermissionDenied(f"只有{filing.superior.title}的党组织（上级组织部门）可以处理本单位的报备报批。")
    if filing.state != FilingState.PENDING:
        raise FilingError(f"该{filing.get_kind_display()}已处理（{filing.get_state_display()}），不能重复处理。")
    if decision not in DECISIONS_FOR_KIND[filing.kind]:
        allowed = "、".join(
            {"acknowledge": "确认备案", "approve": "同意", "refuse": "不同意"}[d]
            for d in DECISIONS_FOR_KIND[filing.kind]
        )
        raise FilingError(f"{filing.get_kind_display()}只能{allowed}。")
    reason = (reason or "").strip()
    if decision == "refuse" and not reason:
        raise FilingError({"reason": "不同意须说明理由。"})
    state, action = DECISIONS[decision]
    at = at or timezone.now()
    filing.state = state
    filing.decided_by = actor
    filing.decided_at = at
    filing.reason = reason
    filing.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _event(filing, action, actor=actor, at=at, text=reason)
    people = set(_unit_staff(filing.unit))
    if filing.submitted_by is not None:
        people.add(filing.submitted_by)
    notify(
        people,
        subject=f"【{filing.get_state_display()}】{filing.get_subject_display()}：{filing.title}",
        body=f"{filing.superior.title}（{_person(actor)}）：{filing.get_state_display()}。{reason}".strip(),
        url=filing_url(filing),
        kind=NoticeKind.RETURNED if state == FilingState.REFUSED else NoticeKind.TASK,
    )
    filing_decided.send(sender=Filing, filing=filing, decision=decision)
    return filing


@transaction.atomic
def filing_follow_up(*, filing: Filing, obj: Any = None, actor=None, text: str) -> Filing:
    """Record what came of a decision (the item drafted, the answer sent), optionally re-pointing the filing at it."""
    if obj is not None:
        filing.content_type = ContentType.objects.get_for_model(type(obj))
        filing.object_id = obj.pk
        filing.save(update_fields=["content_type", "object_id"])
    _event(filing, FilingAction.FOLLOWED_UP, actor=actor, at=timezone.now(), text=text)
    return filing


# --- 目录外事项 (items outside the catalogue) ------------------------------------------------------

EXTRA_NODE_TITLE = "目录外事项"
EXTRA_GROUP_TITLE = "经上级审核同意公开的目录外事项"
PLAN_FIELDS = {
    "content": "公开内容",
    "scope": "公开范围",
    "forms": "公开形式",
    "time_limit": "公开时限",
    "reason": "公开理由",
}


@transaction.atomic
def extra_item_propose(
    *,
    unit: UnitPage,
    actor,
    title: str,
    content: str,
    scope: str,
    forms: str,
    time_limit: str,
    reason: str,
) -> Filing:
    """An editor proposes an item with no catalogue row, with its 工作方案 (报批 to the catalogue's maker).

    《关于在全区基层党组织中推进和深化党务公开工作的实施意见》五(一)2：如有目录外需要公开的事项，基层党组织应制定工作方案，
    报经制定党务公开目录的党组织审核同意后进行公开。"""
    from disclosure_pages.choices import Role, Scope

    if actor is not None and not actor.is_superuser and not roles_for(actor).has_role_over(unit.path, Role.EDITOR):
        raise PermissionDenied("只有本单位的录入人可以提出目录外事项。")
    plan = {"content": content, "scope": scope, "forms": forms, "time_limit": time_limit, "reason": reason}
    plan = {key: (value or "").strip() for key, value in plan.items()}
    errors = {key: f"工作方案须写明{label}。" for key, label in PLAN_FIELDS.items() if not plan[key]}
    if not (title or "").strip():
        errors["title"] = "请填写事项名称。"
    if plan["scope"] and plan["scope"] not in Scope.values:
        errors["scope"] = "请选择公开范围。"
    if errors:
        raise FilingError(errors)
    plan["scope_label"] = Scope(plan["scope"]).label
    return filing_submit(
        subject=FilingSubject.EXTRA_ITEM,
        unit=unit,
        actor=actor,
        title=title,
        obj=unit,
        statement=plan["reason"],
        details={"plan": plan},
    )


def _extra_node(filing: Filing):
    """The unit's 目录外事项 row for this filing, created as catalogue data (catalog_install) when missing."""
    from disclosure_pages.models import CatalogNodePage
    from disclosure_pages.services import catalog_install

    unit = filing.unit
    tops = list(CatalogNodePage.objects.child_of(unit))
    top = next((node for node in tops if node.title == EXTRA_NODE_TITLE), None)
    if top is not None:
        number = top.code
    else:
        codes = [int(node.code.split("-")[0]) for node in tops if node.code.split("-")[0].isdigit()]
        number = str(max(codes, default=0) + 1)
    group_code = f"{number}-1"
    group = CatalogNodePage.objects.filter(path__startswith=unit.path, code=group_code, level=2).first()
    taken = len(group.get_children()) if group is not None else 0
    plan = filing.details.get("plan", {})
    row_code = f"{group_code}-{taken + 1}"
    catalog_install(
        unit=unit,
        catalog={
            "levels": [
                {
                    "code": number,
                    "name": EXTRA_NODE_TITLE,
                    "children": [
                        {
                            "code": group_code,
                            "name": EXTRA_GROUP_TITLE,
                            "children": [
                                {
                                    "code": row_code,
                                    "name": filing.title,
                                    "content": plan.get("content", ""),
                                    "scope": plan.get("scope_label", ""),
                                    "forms": plan.get("forms", ""),
                                    "time_limit": plan.get("time_limit", ""),
                                    "schedule": "fixed",
                                    "note": f"目录外事项，经{filing.superior.title}审核同意（{filing.number}）。",
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    )
    node = CatalogNodePage.objects.get(path__startswith=unit.path, code=row_code, level=3)
    if plan.get("scope") and node.scope != plan["scope"]:
        node.scope = plan["scope"]  # the plan's choice, not a guess from its wording
        node.save(update_fields=["scope"])
    return node


@transaction.atomic
def extra_item_draft(*, filing: Filing):
    """After the superior's consent: the row under 目录外事项 and a draft item there, reviewed like any item."""
    from django.utils.html import escape

    from disclosure_pages.choices import DisclosureMethod, PeriodType
    from disclosure_pages.forms import REQUIREMENT_FOR_SCHEDULE, methods_for
    from disclosure_pages.models import DisclosureItemPage
    from disclosure_pages.services import page_slug

    if filing.subject != FilingSubject.EXTRA_ITEM or filing.state != FilingState.APPROVED:
        raise FilingError("只有上级已同意的目录外事项才能生成公开事项。")
    node = _extra_node(filing)
    plan = filing.details.get("plan", {})
    today = timezone.localdate()
    item = DisclosureItemPage(
        title=filing.title,
        slug=page_slug(filing.title, "item")[:60],
        live=False,
        period_type=PeriodType.EVENT,
        event_date=today,
        year=today.year,
        scope=node.scope,
        body="".join(f"<p>{escape(line)}</p>" for line in plan.get("content", "").splitlines() if line.strip()),
        disclosure_time=plan.get("time_limit", "")[:100],
        # The 审批表's 公开要求 and 公开方式, preset from the new row as the item form does for any row.
        requirement=REQUIREMENT_FOR_SCHEDULE.get(node.schedule, ""),
        method=DisclosureMethod.SOCIETY if node.scope == "public" else methods_for(node.scope_text)[0],
        platforms=plan.get("forms", "")[:255],
    )
    item._creation_parent = node
    node.add_child(instance=item)
    item.save_revision(user=filing.submitted_by, clean=False)
    filing_follow_up(
        filing=filing,
        obj=item,
        actor=filing.decided_by,
        text=f"已在“{node.code} {node.title}”下生成公开事项草稿，经本单位审核审批后发布。",
    )
    if filing.submitted_by is not None:
        notify(
            [filing.submitted_by],
            subject=f"【目录外事项】可以录入：{filing.title}",
            body=f"{filing.superior.title}已同意公开目录外事项“{filing.title}”，草稿已生成，请完善后提交审核。",
            url=reverse("wagtailadmin_pages:edit", args=[item.pk]),
            kind=NoticeKind.TASK,
        )
    return item


# --- 依申请公开: 不予公开 needs the superior's consent --------------------------------------------------


@transaction.atomic
def withholding_consent_ask(*, request, actor, answer_text: str, reason: str) -> Filing:
    """报批 a 不予公开 answer (《…实施意见》六.2：暂时不宜公开或不能公开的，经上级党组织同意，可以不作公开).

    The answer is kept with the filing and sent to the applicant when the superior agrees."""
    from .filings_selectors import pending_about

    pending = pending_about(request, subject=FilingSubject.WITHHOLDING_ANSWER)
    if pending is not None:
        raise FilingError(f"不予公开的答复已报上级党组织（{pending.number}），请等待上级同意。")
    return filing_submit(
        subject=FilingSubject.WITHHOLDING_ANSWER,
        unit=request.unit,
        actor=actor,
        title=f"依申请公开 {request.tracking_number} 拟不予公开",
        obj=request,
        statement=reason,
        details={"answer_text": answer_text, "reason": reason, "request_text": request.request_text[:2000]},
    )


def withholding_gate(*, request, actor, answer_text: str, reason: str) -> str:
    """Before a 不予公开 answer goes out: "consented" (the latest 报批 was agreed: send it), "pending"
    (one waits for the superior) or "asked" (a 报批 was filed now; the answer goes out on consent)."""
    from .filings_selectors import filings_about

    latest = filings_about(request, subject=FilingSubject.WITHHOLDING_ANSWER).order_by("-submitted_at", "-pk").first()
    if latest is not None and latest.state == FilingState.APPROVED:
        return "consented"
    if latest is not None and latest.state == FilingState.PENDING:
        return "pending"
    withholding_consent_ask(request=request, actor=actor, answer_text=answer_text, reason=reason)
    return "asked"


@transaction.atomic
def withholding_answer_send(*, filing: Filing):
    """The superior agreed: the 不予公开 answer the handler wrote goes to the applicant now."""
    from participation.choices import Outcome
    from participation.services import request_answer

    request = filing.subject_object
    request_answer(
        request=request,
        actor=filing.submitted_by,
        outcome=Outcome.NOT_DISCLOSABLE,
        answer_text=filing.details.get("answer_text", ""),
        reason=filing.details.get("reason", ""),
    )
    return filing_follow_up(
        filing=filing, actor=filing.decided_by, text="经上级党组织同意，已向申请人发出不予公开的答复并说明理由。"
    )


def request_handling_file(*, request, actor, note: str = "") -> Filing:
    """依申请办理情况报备 (申请事项及办理情况应报上一级党组织备案)."""
    details = {
        "tracking_number": request.tracking_number,
        "status": request.get_status_display(),
        "outcome": request.get_outcome_display() if request.outcome else "",
        "answer_text": request.answer_text,
        "reason": request.outcome_reason or request.refusal_reason,
    }
    return filing_submit(
        subject=FilingSubject.REQUEST_HANDLING,
        unit=request.unit,
        actor=actor,
        title=f"依申请公开 {request.tracking_number} 办理情况",
        obj=request,
        statement=note,
        details=details,
    )


# --- 目录备案, 目录变更, 暂不宜公开 --------------------------------------------------------------------


def catalogue_file(*, unit: UnitPage, actor, statement: str = "") -> Filing:
    """目录备案: the unit files its catalogue as it stands (codes and titles of every row) with its superior."""
    from disclosure_pages.selectors import catalog_rows

    rows = [
        {key: row.get(key, "") for key in ("code", "level1", "level2", "level3", "content", "scope")}
        for row in catalog_rows(unit)
    ]
    if not rows:
        raise FilingError("本单位尚无公开目录，无法备案。")
    return filing_submit(
        subject=FilingSubject.CATALOGUE,
        unit=unit,
        actor=actor,
        title=f"{unit.display_name}党务公开目录（{len(rows)}项）",
        obj=unit,
        statement=statement,
        details={"rows": rows},
    )


def catalogue_change_propose(*, unit: UnitPage, actor, title: str, change: str, statement: str) -> Filing:
    """目录变更: a change to the catalogue needs the catalogue-maker's approval and is published with a 说明."""
    errors = {}
    if not (change or "").strip():
        errors["change"] = "请写明目录如何变更。"
    if not (statement or "").strip():
        errors["statement"] = "目录变更须作说明（公布时一并公开）。"
    if errors:
        raise FilingError(errors)
    return filing_submit(
        subject=FilingSubject.CATALOGUE_CHANGE,
        unit=unit,
        actor=actor,
        title=title,
        obj=unit,
        statement=statement,
        details={"change": change.strip()},
    )


def withheld_item_file(*, item, actor, reason: str) -> Filing:
    """暂不宜公开事项报备: an item of the catalogue not published for now, with the reason."""
    from disclosure_pages.selectors import unit_of_page

    if not (reason or "").strip():
        raise FilingError({"reason": "暂不宜公开须说明理由。"})
    unit = unit_of_page(item)
    if unit is None:
        raise FilingError("该事项不在任何单位之下。")
    return filing_submit(
        subject=FilingSubject.WITHHELD_ITEM,
        unit=unit,
        actor=actor,
        title=f"暂不宜公开：{item.title}",
        obj=item.specific if hasattr(item, "specific") else item,
        statement=reason,
    )
