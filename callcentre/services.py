"""Writes of the call centre: the call log, and requests or feedback filed for a caller.

Filing goes through participation.services (request_submit, feedback_submit), the same services
the public forms call: the operator files what the caller would have filed themselves."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure_pages.models import DisclosureItemPage, UnitPage
from disclosure_pages.selectors import public_items
from participation.models import Feedback
from participation.services import NewRequest, feedback_submit, request_submit

from .choices import CallOutcome
from .models import CallRecord

NOT_PUBLIC = "只能引用面向社会公开的事项，以下事项不能引用：{}。"


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def phone_digest(phone: str) -> str:
    """A keyed hash of the number's digits: the same number gives the same digest (to find a
    caller's earlier calls), and without the site's secret key the digest cannot be reversed by
    trying every number (there are only some 10^11 of them)."""
    digits = _digits(phone)
    if not digits:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"callcentre-phone:{digits}".encode(), hashlib.sha256).hexdigest()


def phone_masked(phone: str) -> str:
    """138****5678 for a mobile number; the last four digits for any other."""
    digits = _digits(phone)
    if not digits:
        return ""
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def check_public(item_ids: Iterable[int]) -> list[DisclosureItemPage]:
    """The items, when every one is public and live (disclosure_pages.selectors.public_items);
    a ValidationError in Chinese naming the others."""
    ids = sorted({int(pk) for pk in item_ids})
    found = list(public_items().filter(pk__in=ids))
    refused = sorted(set(ids) - {item.pk for item in found})
    if refused:
        raise ValidationError(NOT_PUBLIC.format("、".join(f"#{pk}" for pk in refused)), code="not_public")
    return found


@transaction.atomic
def call_record_create(
    *,
    operator,
    question: str,
    answer: str = "",
    item_ids: Iterable[int] = (),
    caller_phone: str = "",
    outcome: str = CallOutcome.ANSWERED,
    started_at: datetime.datetime | None = None,
) -> CallRecord:
    items = check_public(item_ids)
    call = CallRecord.objects.create(
        operator=operator,
        question=question.strip(),
        answer=answer.strip(),
        caller_phone_masked=phone_masked(caller_phone),
        caller_phone_hash=phone_digest(caller_phone),
        outcome=outcome,
        started_at=started_at or timezone.now(),
    )
    call.items.set(items)
    return call


@transaction.atomic
def call_record_update(
    *,
    call: CallRecord,
    question: str,
    answer: str = "",
    item_ids: Iterable[int] = (),
    caller_phone: str = "",
    outcome: str,
    started_at: datetime.datetime,
) -> CallRecord:
    """An edit keeps the stored number unless a new one is typed (the plain number is not kept to show)."""
    items = check_public(item_ids)
    call.question, call.answer, call.outcome, call.started_at = question.strip(), answer.strip(), outcome, started_at
    if _digits(caller_phone):
        call.caller_phone_masked, call.caller_phone_hash = phone_masked(caller_phone), phone_digest(caller_phone)
    call.save()
    call.items.set(items)
    return call


class AlreadyFiled(ValidationError):
    pass


@transaction.atomic
def call_request_file(
    *,
    call: CallRecord,
    unit: UnitPage,
    applicant_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    request_text: str,
    purpose: str = "",
) -> NewRequest:
    """File a 依申请公开 request for the caller and link it to the call. The returned secret code is
    read to the caller once; like every request's, only its hash is stored."""
    call = CallRecord.objects.select_for_update().get(pk=call.pk)
    if call.disclosure_request_id is not None:
        raise AlreadyFiled(f"本次来电已代为提交依申请公开（编号 {call.tracking_number}）。")
    created = request_submit(
        unit=unit,
        applicant_name=applicant_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        request_text=request_text,
        purpose=purpose,
    )
    call.disclosure_request = created.request
    call.outcome = CallOutcome.REQUEST_FILED
    call.save(update_fields=["disclosure_request", "outcome"])
    return created


@transaction.atomic
def call_feedback_file(
    *,
    call: CallRecord,
    unit: UnitPage,
    content: str,
    kind: str,
    name: str = "",
    contact: str = "",
) -> Feedback:
    """File an opinion (意见建议) or a topic request (点题) for the caller and link it to the call;
    it concerns the call's cited item of that unit, when there is one."""
    call = CallRecord.objects.select_for_update().get(pk=call.pk)
    if call.feedback_id is not None:
        raise AlreadyFiled("本次来电已代为提交意见建议。")
    item = public_items().filter(pk__in=call.items.values("pk"), path__startswith=unit.path).order_by("path").first()
    feedback = feedback_submit(unit=unit, item=item, kind=kind, content=content, name=name, contact=contact)
    call.feedback = feedback
    call.outcome = CallOutcome.FEEDBACK_FILED
    call.save(update_fields=["feedback", "outcome"])
    return feedback
