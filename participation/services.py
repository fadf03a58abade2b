"""Writes: a request's lifecycle and feedback moderation.

Each step is one transaction that checks the request's state, changes it, and appends
a RequestEvent (who, when, what, why); django-simple-history keeps every version of
the request row besides. `at` lets a step be recorded when it happened (tests, data
entry of a paper application); it defaults to now.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from disclosure_pages.choices import PeriodType
from disclosure_pages.documents import upload_error
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage, UnitPage
from disclosure_pages.services import page_slug

from .choices import OUTCOMES_NEEDING_REASON, EventAction, FeedbackKind, Outcome, PauseKind, RequestStatus
from .models import AnswerAttachment, DisclosureRequest, Feedback, RequestEvent
from .selectors import can_handle_unit, find_request, find_topic, is_topic_number, rule_set_for_unit, topic_due
from .signals import feedback_answered, request_concluded

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
TRACKING_PREFIX = "YSQ"
TOPIC_PREFIX = "DT"
DUMMY_HASH = "sha256$00000000000000000000000000000000$" + "0" * 64
MAX_ANSWER_FILES = 10
logger = logging.getLogger(__name__)


class RequestError(ValidationError):
    """A step that cannot be taken in the request's current state (message in Chinese)."""


@dataclass(frozen=True)
class NewRequest:
    request: DisclosureRequest
    secret_code: str  # shown to the applicant once, never stored


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _event(request: DisclosureRequest, action: str, *, actor, at, text: str = "", public: bool = True, **extra):
    pause_kind = extra.pop("pause_kind", "")
    return RequestEvent.objects.create(
        request=request,
        action=action,
        actor=actor,
        at=at,
        text=text,
        is_public=public,
        pause_kind=pause_kind,
        data=extra,
    )


def new_secret_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str, *, salt: str | None = None) -> str:
    """A salted SHA-256 of the normalised code.

    The code carries 60 random bits (12 symbols of 32), so a slow password hash adds
    nothing against guessing but would cost ~0.6 s of CPU on every status check: an
    easy way to load the server. Guessing online is bounded by the rate limit.
    """
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}${_normalise_code(code)}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    """Constant-time comparison of a typed code with the stored hash."""
    try:
        _, salt, _ = stored.split("$", 2)
    except ValueError:
        return False
    return hmac.compare_digest(hash_code(code, salt=salt), stored)


@transaction.atomic
def request_submit(
    *,
    unit: UnitPage,
    applicant_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    request_text: str,
    purpose: str = "",
    at: datetime.datetime | None = None,
) -> NewRequest:
    """File a request; returns it with its secret code (only a salted hash is stored)."""
    at = _now(at)
    rule_set = rule_set_for_unit(unit)
    code = new_secret_code()
    request = DisclosureRequest.objects.create(
        unit=unit,
        applicant_name=applicant_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        request_text=request_text,
        purpose=purpose,
        rule_set=rule_set,
        rules=rule_set.snapshot(),
        submitted_at=at,
        secret_hash=hash_code(code),
    )
    # The primary key makes the number unique without a counter table that two submissions could race for.
    request.tracking_number = f"{TRACKING_PREFIX}-{timezone.localdate(at).year}-{request.pk:06d}"
    request.save(update_fields=["tracking_number"])
    _event(request, EventAction.SUBMITTED, actor=None, at=at, rule_set=rule_set.name)
    return NewRequest(request=request, secret_code=code)


def request_verify(*, tracking_number: str, code: str) -> DisclosureRequest | None:
    """The request when number and code match; None otherwise, with the same work either way.

    The hash is compared in constant time; for an unknown number a dummy hash is
    still computed, so that timing does not tell which of the two was wrong.
    """
    number = (tracking_number or "").strip().upper()
    stored = DisclosureRequest.objects.filter(tracking_number=number).values_list("secret_hash", flat=True).first()
    if not code_matches(code or "", stored or DUMMY_HASH) or stored is None:
        return None
    return find_request(number)


def _check_handler(actor, request: DisclosureRequest) -> None:
    if actor is not None and not can_handle_unit(actor, request.unit):
        raise RequestError("您无权办理该单位的申请。")


def _check_status(request: DisclosureRequest, *allowed: str) -> None:
    if request.status not in allowed:
        raise RequestError(f"申请当前状态为“{request.get_status_display()}”，不能进行此操作。")


def _check_running(request: DisclosureRequest) -> None:
    if request.is_paused:
        raise RequestError("计时暂停中（补正或第三方征求意见），请先恢复计时。")


def _refresh(request: DisclosureRequest) -> DisclosureRequest:
    """Re-read under a row lock so that two staff members acting at once cannot both pass the checks."""
    return DisclosureRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_accept(*, request: DisclosureRequest, actor, note: str = "", at: datetime.datetime | None = None):
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.SUBMITTED)
    _check_running(request)
    at = _now(at)
    request.status = RequestStatus.ACCEPTED
    request.accepted_at = at
    request.save(update_fields=["status", "accepted_at"])
    _event(request, EventAction.ACCEPTED, actor=actor, at=at, text=note)
    return request


@transaction.atomic
def request_refuse(*, request: DisclosureRequest, actor, reason: str, at: datetime.datetime | None = None):
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.SUBMITTED)
    if not reason.strip():
        raise RequestError("不予受理必须说明理由。")
    at = _now(at)
    request.status = RequestStatus.REFUSED
    request.refused_at = at
    request.refusal_reason = reason.strip()
    request.save(update_fields=["status", "refused_at", "refusal_reason"])
    _event(request, EventAction.REFUSED, actor=actor, at=at, text=reason.strip())
    request_concluded.send(sender=DisclosureRequest, request=request)
    _mail_applicant(
        request,
        subject=f"【党务公开】您的依申请公开申请 {request.tracking_number} 不予受理",
        lines=[f"您向{request.unit.display_name}提交的依申请公开申请（编号 {request.tracking_number}）不予受理，理由见查询页面。"],
    )
    return request


@transaction.atomic
def request_pause(
    *, request: DisclosureRequest, actor, kind: str, reason: str, at: datetime.datetime | None = None
) -> DisclosureRequest:
    """Stop the clock: 补正 (ask the applicant to clarify) or 第三方征求意见."""
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.SUBMITTED, RequestStatus.ACCEPTED)
    if request.is_paused:
        raise RequestError("计时已处于暂停状态。")
    if kind not in PauseKind.values:
        raise RequestError("请选择暂停原因。")
    if not reason.strip():
        raise RequestError("暂停计时必须说明原因（补正时写明需要补充的内容）。")
    _event(request, EventAction.PAUSED, actor=actor, at=_now(at), text=reason.strip(), pause_kind=kind)
    if kind == PauseKind.CLARIFY:
        _mail_applicant(
            request,
            subject=f"【党务公开】您的依申请公开申请 {request.tracking_number} 需要补正",
            lines=[f"{request.unit.display_name}请您补充说明申请（编号 {request.tracking_number}）的内容，补正前暂停计时。请在查询页面查看需要补充的内容并提交补正。"],
        )
    return request


@transaction.atomic
def request_resume(
    *,
    request: DisclosureRequest,
    actor,
    note: str = "",
    at: datetime.datetime | None = None,
    action: str = EventAction.RESUMED,
) -> DisclosureRequest:
    request = _refresh(request)
    _check_handler(actor, request)
    if not request.is_paused:
        raise RequestError("计时未暂停，无需恢复。")
    _event(request, EventAction.RESUMED, actor=actor, at=_now(at), text=note.strip())
    return request


@transaction.atomic
def request_clarify(*, request: DisclosureRequest, text: str, at: datetime.datetime | None = None) -> DisclosureRequest:
    """The applicant answers a 补正 request on the status page: recorded, and the clock runs again."""
    request = _refresh(request)
    pause = request.open_pause
    if pause is None or pause.pause_kind != PauseKind.CLARIFY:
        raise RequestError("当前无需补正。")
    if not text.strip():
        raise RequestError("请填写补正内容。")
    at = _now(at)
    _event(request, EventAction.CLARIFIED, actor=None, at=at, text=text.strip())
    _event(request, EventAction.RESUMED, actor=None, at=at, text="申请人已补正，恢复计时。")
    return request


@transaction.atomic
def request_extend(
    *, request: DisclosureRequest, actor, days: int, reason: str, at: datetime.datetime | None = None
) -> DisclosureRequest:
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.ACCEPTED)
    allowed = request.rules["max_extension_days"] - request.extension_days
    if allowed <= 0:
        raise RequestError(f"规则“{request.rules['name']}”不允许（再）延期。")
    if days < 1 or days > allowed:
        raise RequestError(f"延长天数须在1至{allowed}之间。")
    if not reason.strip():
        raise RequestError("延长答复期限必须说明理由。")
    request.extension_days += days
    request.save(update_fields=["extension_days"])
    _event(request, EventAction.EXTENDED, actor=actor, at=_now(at), text=reason.strip(), days=days)
    return request


@transaction.atomic
def request_answer(
    *,
    request: DisclosureRequest,
    actor,
    outcome: str,
    answer_text: str,
    reason: str = "",
    draft_node: CatalogNodePage | None = None,
    draft_title: str = "",
    attachments: Sequence = (),
    at: datetime.datetime | None = None,
) -> DisclosureRequest:
    """Answer the applicant; with `draft_node`, also start a draft disclosure item that then goes through review.

    `attachments` (uploaded files) are checked like every upload (documents.upload_error) and kept
    privately: only the applicant (number + code) and the unit's handlers can download them. An
    applicant who gave an e-mail address is told, after the commit (the mail carries no code or answer)."""
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.ACCEPTED)
    _check_running(request)
    if outcome not in Outcome.values:
        raise RequestError("请选择答复结果。")
    if not answer_text.strip():
        raise RequestError("请填写答复内容。")
    if outcome in OUTCOMES_NEEDING_REASON and not reason.strip():
        raise RequestError(f"答复结果为“{Outcome(outcome).label}”时必须说明理由。")
    if len(attachments) > MAX_ANSWER_FILES:
        raise RequestError(f"答复附件最多{MAX_ANSWER_FILES}个。")
    for uploaded in attachments:
        error = upload_error(uploaded)
        if error:
            raise RequestError(error)
    if outcome == Outcome.NOT_DISCLOSABLE:  # 经上级党组织同意，可以不作公开: the answer waits for the superior
        from review.filings_services import withholding_gate

        gate = withholding_gate(request=request, actor=actor, answer_text=answer_text.strip(), reason=reason.strip())
        if gate == "pending":
            raise RequestError("不予公开的答复已报上级党组织，请等待上级同意后再发出。")
        if gate == "asked":
            return request  # filed for consent; sent to the applicant when the superior agrees
    at = _now(at)
    request.status = RequestStatus.ANSWERED
    request.answered_at = at
    request.outcome = outcome
    request.answer_text = answer_text.strip()
    request.outcome_reason = reason.strip()
    if draft_node is not None:
        if outcome not in (Outcome.DISCLOSED, Outcome.PARTLY):
            raise RequestError("只有“予以公开”或“部分公开”的答复才能生成公开事项。")
        request.disclosure_item = _draft_item(request, draft_node, draft_title, actor, at)
    request.save(update_fields=["status", "answered_at", "outcome", "answer_text", "outcome_reason", "disclosure_item"])
    files = [
        AnswerAttachment.objects.create(
            request=request, file=uploaded, name=uploaded.name[:255], size=uploaded.size, uploaded_at=at, uploaded_by=actor
        )
        for uploaded in attachments
    ]
    _event(
        request,
        EventAction.ANSWERED,
        actor=actor,
        at=at,
        text=answer_text.strip(),
        outcome=outcome,
        reason=reason.strip(),
        files=[attachment.name for attachment in files],
    )
    _mail_applicant(
        request,
        subject=f"【党务公开】您的依申请公开申请 {request.tracking_number} 已答复",
        lines=[
            f"您向{request.unit.display_name}提交的依申请公开申请（编号 {request.tracking_number}）已答复：{Outcome(outcome).label}。"
            + (f"答复附有{len(files)}个文件。" if files else ""),
        ],
    )
    if request.disclosure_item is not None:
        _event(
            request,
            EventAction.ITEM_DRAFTED,
            actor=actor,
            at=at,
            text=f"已在“{draft_node.code} {draft_node.title}”下生成公开事项草稿，经审核后发布。",
            public=False,
            item_id=request.disclosure_item.pk,
        )
    request_concluded.send(sender=DisclosureRequest, request=request)
    return request


# --- telling the applicant ------------------------------------------------------------------------


def _status_url(request: DisclosureRequest) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}{reverse('participation:request_status')}?number={request.tracking_number}"


def _mail_applicant(request: DisclosureRequest, *, subject: str, lines: list[str], code: str = "") -> bool:
    """Mail the applicant after the commit, when an address was given. The mail says what happened
    and where to look; the answer itself stays behind the number and code (a mailbox can be read by others)."""
    address = request.contact_email.strip()
    if not address:
        return False
    body = "\n".join(
        [f"{request.applicant_name}：", "", *lines, ""]
        + ([f"新的查询码：{code}（原查询码已失效，请妥善保存）", ""] if code else [])
        + [f"查询办理进度：{_status_url(request)}", "（凭申请编号和查询码查看）", "", "党务公开平台（本邮件由系统发送，请勿回复）"]
    )

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
        except Exception:  # the step has committed; the status page shows it anyway
            logger.exception("申请人通知邮件发送失败：%s", request.tracking_number)

    transaction.on_commit(send)
    return True


@transaction.atomic
def request_resend_code(*, tracking_number: str, email: str) -> None:
    """A forgotten query code: a new one goes to the address on file when number and address match.

    The old code cannot be sent (only its hash is kept), so a new one replaces it. Nothing is
    returned and the caller answers the same either way, so the form tells nobody whether a
    number exists or which address it has."""
    number = (tracking_number or "").strip().upper()
    address = (email or "").strip()
    request = DisclosureRequest.objects.select_for_update().filter(tracking_number=number).first()
    code = new_secret_code()
    if request is None or not address or request.contact_email.strip().lower() != address.lower():
        hash_code(code)  # the same work as a match
        return
    request.secret_hash = hash_code(code)
    request.save(update_fields=["secret_hash"])
    _event(request, EventAction.CODE_RESENT, actor=None, at=timezone.now(), public=False)
    _mail_applicant(
        request,
        subject=f"【党务公开】依申请公开申请 {request.tracking_number} 的查询码",
        lines=[f"您申请重新发送申请（编号 {request.tracking_number}）的查询码。如非本人操作，请忽略本邮件，并使用下面的新查询码。"],
        code=code,
    )


def _draft_item(request: DisclosureRequest, node: CatalogNodePage, title: str, actor, at) -> DisclosureItemPage:
    """A draft, never live: publishing goes through the unit's review workflow like any item."""
    node = node.specific
    if not isinstance(node, CatalogNodePage) or node.level != 3 or not node.is_descendant_of(request.unit):
        raise RequestError("请选择本单位的三级公开目录。")
    title = (title.strip() or f"依申请公开：{request.request_text.strip()[:40]}")[:255]
    taken = set(node.get_children().values_list("slug", flat=True))
    base = page_slug(title, "item")[:60]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    answered_on = timezone.localdate(at)
    item = DisclosureItemPage(
        title=title,
        slug=slug,
        live=False,
        period_type=PeriodType.EVENT,
        event_date=answered_on,
        year=answered_on.year,
        scope=node.scope,
        body="".join(f"<p>{escape(line)}</p>" for line in request.answer_text.splitlines() if line.strip()),
    )
    item._creation_parent = node
    node.add_child(instance=item)
    item.save_revision(user=actor, clean=False)
    return item


@transaction.atomic
def request_file(*, request: DisclosureRequest, actor, note: str = "", at: datetime.datetime | None = None):
    """报上级备案: seed 004 “申请事项及办理情况应报上一级党组织备案”."""
    request = _refresh(request)
    _check_handler(actor, request)
    _check_status(request, RequestStatus.ANSWERED, RequestStatus.REFUSED)
    at = _now(at)
    request.status = RequestStatus.FILED
    request.filed_at = at
    request.filed_note = note.strip()
    request.save(update_fields=["status", "filed_at", "filed_note"])
    supervisor = request.unit.get_parent()
    from review.filings_services import request_handling_file  # 申请事项及办理情况报上一级党组织备案

    request_handling_file(request=request, actor=actor, note=note.strip())
    _event(
        request,
        EventAction.FILED,
        actor=actor,
        at=at,
        text=note.strip(),
        filed_with=supervisor.title if supervisor else "",
    )
    return request


@transaction.atomic
def request_note(*, request: DisclosureRequest, actor, text: str, at: datetime.datetime | None = None):
    _check_handler(actor, request)
    if not text.strip():
        raise RequestError("请填写备注内容。")
    _event(request, EventAction.NOTE, actor=actor, at=_now(at), text=text.strip(), public=False)
    return request


# --- feedback ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTopic:
    topic: Feedback
    secret_code: str  # shown to the submitter once, never stored


@transaction.atomic
def feedback_submit(
    *,
    unit: UnitPage,
    content: str,
    kind: str = FeedbackKind.OPINION,
    item: DisclosureItemPage | None = None,
    name: str = "",
    contact: str = "",
    at: datetime.datetime | None = None,
) -> Feedback:
    if kind == FeedbackKind.TOPIC:
        return topic_submit(unit=unit, content=content, item=item, name=name, contact=contact, at=at).topic
    return Feedback.objects.create(
        unit=unit, item=item, kind=kind, content=content, name=name, contact=contact, submitted_at=_now(at)
    )


@transaction.atomic
def topic_submit(
    *,
    unit: UnitPage,
    content: str,
    item: DisclosureItemPage | None = None,
    name: str = "",
    contact: str = "",
    at: datetime.datetime | None = None,
) -> NewTopic:
    """File a 点题: it gets its answer's due date (working days, on the holiday calendar), a number
    DT-<year>-<digits> and a secret query code to follow it on the public status page."""
    at = _now(at)
    code = new_secret_code()
    topic = Feedback.objects.create(
        unit=unit,
        item=item,
        kind=FeedbackKind.TOPIC,
        content=content,
        name=name,
        contact=contact,
        submitted_at=at,
        secret_hash=hash_code(code),
        due_date=topic_due(timezone.localdate(at)).due,
    )
    # As for requests: the primary key makes the number unique without a counter two submissions could race for.
    topic.tracking_number = f"{TOPIC_PREFIX}-{timezone.localdate(at).year}-{topic.pk:06d}"
    topic.save(update_fields=["tracking_number"])
    return NewTopic(topic=topic, secret_code=code)


def topic_verify(*, tracking_number: str, code: str) -> Feedback | None:
    """The 点题 when number and code match; None otherwise, with the same work either way (see request_verify).
    A number not of the issued form never reaches the database."""
    number = (tracking_number or "").strip().upper()
    stored = None
    if is_topic_number(number):
        stored = (
            Feedback.objects.filter(kind=FeedbackKind.TOPIC, tracking_number=number)
            .values_list("secret_hash", flat=True)
            .first()
        )
    if not code_matches(code or "", stored or DUMMY_HASH) or not stored:
        return None
    return find_topic(number)


@transaction.atomic
def feedback_reply(*, feedback: Feedback, actor, reply: str, at: datetime.datetime | None = None) -> Feedback:
    if not can_handle_unit(actor, feedback.unit):
        raise RequestError("您无权答复该单位的意见建议。")
    if not reply.strip():
        raise RequestError("请填写答复内容。")
    feedback.reply = reply.strip()
    feedback.replied_at = _now(at)
    feedback.replied_by = actor
    feedback.save(update_fields=["reply", "replied_at", "replied_by"])
    feedback_answered.send(sender=Feedback, feedback=feedback)
    return feedback


@transaction.atomic
def feedback_publish(
    *, feedback: Feedback, actor, public_content: str = "", at: datetime.datetime | None = None
) -> Feedback:
    """Moderation: only a reply a staff member marks publishable reaches the 回音壁; contact details never do."""
    if not can_handle_unit(actor, feedback.unit):
        raise RequestError("您无权公开该单位的意见建议。")
    if not feedback.reply.strip():
        raise RequestError("请先答复，再在回音壁公开。")
    feedback.public_content = public_content.strip()
    feedback.is_published = True
    feedback.published_at = _now(at)
    feedback.published_by = actor
    feedback.save(update_fields=["public_content", "is_published", "published_at", "published_by"])
    return feedback


@transaction.atomic
def feedback_unpublish(*, feedback: Feedback, actor) -> Feedback:
    if not can_handle_unit(actor, feedback.unit):
        raise RequestError("您无权撤下该单位的意见建议。")
    feedback.is_published = False
    feedback.save(update_fields=["is_published"])
    return feedback
