"""Filing of on-request disclosure (依申请公开) and feedback (意见建议, 点题) as archive records.

《中共惠农区委党务公开若干制度（试行）》第三十五条（四）: “通过各种形式收集的党员和群众反映的意见、建议的原件、
负责人签批意见的原件、整改措施及反馈意见的资料等” are archived. A request is filed (kind 依申请公开) when it is
concluded (answered, or refused with its reason); an opinion or 点题 (kind 意见建议) when it is answered. Each is
filed in its unit's chain inside the concluding step's transaction (participation.signals → archive.signal_handlers),
and once: a conclusion carries a fingerprint of what was concluded, and filing it again files nothing. A request
re-opened and concluded anew, or feedback whose answer is changed, is a new conclusion: it is filed as a further
record naming the one it follows (the archive never replaces what was filed).

Personal data. The archive is internal (archivists and supervisors read it) but kept for decades and can never be
corrected or erased, so it keeps what the record needs and no more: the applicant's or submitter's name as given
(whom the answer was addressed to), and their text word for word (the original is what the rule asks to keep);
phone numbers and e-mail addresses served only to deliver the answer, so only enough of them to match a record to
a person who asks about it (138****5678, z***@example.com). The query code's hash is never filed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from participation.choices import EventAction, FeedbackKind, Outcome, RequestStatus
from participation.models import DisclosureRequest, Feedback

from .choices import RecordKind
from .models import ArchiveRecord, canonical_json
from .services import archive_document, person_name, store_file

logger = logging.getLogger(__name__)

CONCLUDED_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.FILED)
ANSWER_ATTACHMENT = "participation.answer_attachment"


# Personal data ---------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """Keep the first three and last four digits of a number long enough to be a phone number."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_email(email: str) -> str:
    local, at, domain = (email or "").strip().partition("@")
    if not at:
        return "***" if local else ""
    return f"{local[:1]}***@{domain}"


def mask_contact(contact: str) -> str:
    """A free-text contact (phone, e-mail or anything else) reduced the same way."""
    text = (contact or "").strip()
    if not text:
        return ""
    if "@" in text:
        return mask_email(text)
    if len(re.sub(r"\D", "", text)) >= 7:
        return mask_phone(text)
    return "（已隐去）"


# Shared ----------------------------------------------------------------------------------------


def _moment(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(canonical_json(list(parts)).encode("utf-8")).hexdigest()


def _filed_before(kind: str, ref: int) -> list[ArchiveRecord]:
    return list(ArchiveRecord.objects.filter(kind=kind, item_ref=ref).order_by("unit_id", "chain_index"))


def _already_filed(previous: list[ArchiveRecord], fingerprint: str) -> ArchiveRecord | None:
    for record in previous:
        if isinstance(record.content, dict) and record.content.get("fingerprint") == fingerprint:
            return record
    return None


def _item_ref(item) -> dict[str, Any] | None:
    return {"id": item.pk, "title": item.title} if item is not None else None


# Requests --------------------------------------------------------------------------------------


def request_fingerprint(request: DisclosureRequest) -> str:
    """What a conclusion is: an answer (when, what, why) or a refusal (when, why). A later 报备 is not one."""
    if request.answered_at:
        return _fingerprint("answered", request.answered_at, request.outcome, request.answer_text, request.outcome_reason)
    return _fingerprint("refused", request.refused_at, request.refusal_reason)


def _answer_files(request: DisclosureRequest) -> list[dict[str, Any]]:
    """The answer's attachments copied into the archive store under their SHA-256 (the live files are private
    and may be removed; the archive keeps its own copies)."""
    entries = []
    for attachment in request.answer_attachments.select_related("uploaded_by").order_by("pk"):
        entry = {
            "source": ANSWER_ATTACHMENT,
            "attachment": attachment.pk,
            "title": attachment.name,
            "file": attachment.file.name,
            "uploaded_at": _moment(attachment.uploaded_at),
            "uploaded_by": person_name(attachment.uploaded_by),
            "sha256": "",
            "size": 0,
        }
        try:
            entry["sha256"], entry["size"] = store_file(attachment.file)
        except (FileNotFoundError, OSError, ValueError):
            # Filed anyway, as for items: verify_archive reports the missing copy.
            logger.warning("归档时答复附件文件缺失：%s", attachment.file.name)
            entry["missing"] = True
        entries.append(entry)
    return entries


def _consent(request: DisclosureRequest) -> dict[str, Any] | None:
    """The superior's consent to a 不予公开 answer (报批), the answer's basis besides its reason."""
    from review.filings_selectors import consent_for
    from review.models import FilingSubject

    filing = consent_for(request, subject=FilingSubject.WITHHOLDING_ANSWER)
    if filing is None:
        return None
    return {
        "number": filing.number,
        "superior": filing.superior.title,
        "decided_by": person_name(filing.decided_by),
        "decided_at": _moment(filing.decided_at),
        "state": filing.get_state_display(),
    }


def request_content(request: DisclosureRequest, files: list[dict[str, Any]]) -> dict[str, Any]:
    events = [
        {
            "action": event.label,
            "actor": event.actor_label,
            "at": _moment(event.at),
            "text": event.text,
            "internal": not event.is_public,
        }
        for event in request.events.select_related("actor").order_by("at", "pk")
    ]
    answered = bool(request.answered_at)
    rules = request.rules if isinstance(request.rules, dict) else {}
    return {
        "tracking_number": request.tracking_number or "",
        "applicant": {
            "name": request.applicant_name,
            "phone": mask_phone(request.contact_phone),
            "email": mask_email(request.contact_email),
        },
        "request_text": request.request_text,
        "purpose": request.purpose,
        "submitted_at": _moment(request.submitted_at),
        "rules": {"name": rules.get("name") or request.rule_set.name, "basis": request.rule_set.basis},
        "conclusion": "answered" if answered else "refused",
        "conclusion_label": request.get_outcome_display() if answered else RequestStatus.REFUSED.label,
        "accepted_at": _moment(request.accepted_at),
        "refused_at": _moment(request.refused_at),
        "refusal_reason": request.refusal_reason,
        "extension_days": request.extension_days,
        "answered_at": _moment(request.answered_at),
        "outcome": request.outcome,
        "answer_text": request.answer_text,
        "outcome_reason": request.outcome_reason,
        "consent": _consent(request) if request.outcome == Outcome.NOT_DISCLOSABLE else None,
        "disclosure_item": _item_ref(request.disclosure_item),
        "events": events,
        "files": [{"title": f["title"], "sha256": f["sha256"], "size": f["size"]} for f in files],
    }


def _conclusion_actor(request: DisclosureRequest):
    action = EventAction.ANSWERED if request.answered_at else EventAction.REFUSED
    event = request.events.filter(action=action).select_related("actor").order_by("-at", "-pk").first()
    return event.actor if event is not None else None


def archive_request(*, request: DisclosureRequest) -> ArchiveRecord | None:
    """File a concluded request (kind 依申请公开): the request as submitted, every step with who and when, the
    answer with its reason and basis, the answer's files. Returns the record, the one already filed for this
    conclusion, or None when the request is not concluded."""
    return file_request(request=request)[0]


@transaction.atomic
def file_request(*, request: DisclosureRequest) -> tuple[ArchiveRecord | None, bool]:
    """archive_request, and whether it filed a new record."""
    # The row lock (taken already when called from the concluding step) makes a back-fill running beside a
    # live conclusion wait, then find the record: one conclusion, one record.
    request = DisclosureRequest.objects.select_for_update(of=("self",)).select_related("unit", "rule_set").get(pk=request.pk)
    if request.status not in CONCLUDED_STATUSES or not (request.answered_at or request.refused_at):
        return None, False
    fingerprint = request_fingerprint(request)
    previous = _filed_before(RecordKind.REQUEST, request.pk)
    filed = _already_filed(previous, fingerprint)
    if filed is not None:
        return filed, False
    files = _answer_files(request)
    content = request_content(request, files)
    content["fingerprint"] = fingerprint
    content["follows"] = previous[-1].number if previous else ""
    label = content["conclusion_label"]
    number = request.tracking_number or f"#{request.pk}"
    record = archive_document(
        unit=request.unit,
        kind=RecordKind.REQUEST,
        ref=request.pk,
        title=f"依申请公开 {number}（{label}）：{request.request_text.strip()[:40]}",
        content=content,
        template="archive/request_content.html",
        filed_at=request.answered_at or request.refused_at,
        actor=_conclusion_actor(request),
        attachments=files,
    )
    return record, True


# Feedback --------------------------------------------------------------------------------------


def feedback_fingerprint(feedback: Feedback) -> str:
    # Saving the same answer again moves replied_at but concludes nothing new: the answer's text is the conclusion.
    return _fingerprint("reply", feedback.reply.strip())


def feedback_content(feedback: Feedback) -> dict[str, Any]:
    kind = "点题" if feedback.kind == FeedbackKind.TOPIC else FeedbackKind.OPINION.label
    return {
        "kind": kind,
        "tracking_number": feedback.tracking_number or "",
        "item": _item_ref(feedback.item),
        "submitter": {"name": feedback.name, "contact": mask_contact(feedback.contact)},
        "content": feedback.content,
        "submitted_at": _moment(feedback.submitted_at),
        "due_date": feedback.due_date.isoformat() if feedback.due_date else "",
        "reply": feedback.reply,
        "replied_at": _moment(feedback.replied_at),
        "replied_by": person_name(feedback.replied_by),
        "on_time": (
            None
            if feedback.due_date is None or feedback.replied_at is None
            else timezone.localdate(feedback.replied_at) <= feedback.due_date
        ),
        "public_content": feedback.public_content,
        "is_published": feedback.is_published,
    }


def archive_feedback(*, feedback: Feedback) -> ArchiveRecord | None:
    """File answered feedback (kind 意见建议): the original text, the answer, who gave it and when. Returns the
    record, the one already filed for this answer, or None when it is not answered."""
    return file_feedback(feedback=feedback)[0]


@transaction.atomic
def file_feedback(*, feedback: Feedback) -> tuple[ArchiveRecord | None, bool]:
    """archive_feedback, and whether it filed a new record."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("unit", "item", "replied_by").get(pk=feedback.pk)
    if not feedback.reply.strip() or feedback.replied_at is None:
        return None, False
    fingerprint = feedback_fingerprint(feedback)
    previous = _filed_before(RecordKind.FEEDBACK, feedback.pk)
    filed = _already_filed(previous, fingerprint)
    if filed is not None:
        return filed, False
    content = feedback_content(feedback)
    content["fingerprint"] = fingerprint
    content["follows"] = previous[-1].number if previous else ""
    number = f" {feedback.tracking_number}" if feedback.tracking_number else ""
    record = archive_document(
        unit=feedback.unit,
        kind=RecordKind.FEEDBACK,
        ref=feedback.pk,
        title=f"{content['kind']}{number}：{feedback.content.strip()[:40]}",
        content=content,
        template="archive/feedback_content.html",
        filed_at=feedback.replied_at,
        actor=feedback.replied_by,
    )
    return record, True


# The past --------------------------------------------------------------------------------------


@dataclass
class BackfillReport:
    requests_filed: int = 0
    requests_present: int = 0
    feedback_filed: int = 0
    feedback_present: int = 0


def archive_past_participation(*, progress: Callable[[str], None] = lambda message: None) -> BackfillReport:
    """File every concluded request and answered feedback that has no record of its conclusion yet (a site
    upgraded from before these kinds, the demo's), oldest conclusion first; safe to run again. Each is its own
    transaction, so a run stopped halfway keeps what it filed."""
    report = BackfillReport()
    requests = list(
        DisclosureRequest.objects.filter(status__in=CONCLUDED_STATUSES)
        .annotate(concluded_at=Coalesce("answered_at", "refused_at"))
        .order_by("concluded_at", "pk")
    )
    for index, request in enumerate(requests, start=1):
        record, created = file_request(request=request)
        if created:
            report.requests_filed += 1
        elif record is not None:
            report.requests_present += 1
        if index % 50 == 0 or index == len(requests):
            progress(f"依申请公开：已处理 {index}/{len(requests)} 件，新归档 {report.requests_filed} 件")
    answered = list(Feedback.objects.filter(replied_at__isnull=False).exclude(reply="").order_by("replied_at", "pk"))
    for index, feedback in enumerate(answered, start=1):
        record, created = file_feedback(feedback=feedback)
        if created:
            report.feedback_filed += 1
        elif record is not None:
            report.feedback_present += 1
        if index % 50 == 0 or index == len(answered):
            progress(f"意见建议与点题：已处理 {index}/{len(answered)} 件，新归档 {report.feedback_filed} 件")
    return report
