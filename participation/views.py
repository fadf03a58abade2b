"""Public views: file a request, follow it with number + code, give feedback, read the 回音壁.

Abuse: per-address rate limits (django-ratelimit on POST, by client IP — behind a proxy
set RATELIMIT_IP_META_KEY), a honeypot field instead of a CAPTCHA, size limits in the forms.
Requests and feedback count accepted submissions only, so a person who mistypes is never
locked out; status checks and clarifications count every attempt (they guard a secret code).
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage, is_ratelimited

from disclosure_pages.models import DisclosureItemPage, UnitPage
from disclosure_pages.params import parse_id
from disclosure_pages.selectors import can_view_item, paginate, under_live_ancestors

from .choices import FeedbackKind, PauseKind
from .forms import ClarifyForm, FeedbackForm, RequestForm, ResendCodeForm, StatusCheckForm, TopicStatusForm
from .models import AnswerAttachment, DisclosureRequest, Feedback
from .selectors import (
    find_request,
    find_topic,
    is_topic_number,
    published_feedback,
    request_deadlines,
    topic_due,
    topic_state,
)
from .services import (
    RequestError,
    feedback_submit,
    request_clarify,
    request_resend_code,
    request_submit,
    request_verify,
    topic_submit,
    topic_verify,
)

NEW_REQUEST_KEY = "participation_new_request"
VERIFIED_KEY = "participation_verified"
NEW_TOPIC_KEY = "participation_new_topic"
VERIFIED_TOPICS_KEY = "participation_verified_topics"
NOT_FOUND = "申请编号或查询码不正确，或该申请不存在。请核对后重试。"
TOPIC_NOT_FOUND = "点题编号或查询码不正确，或该点题不存在。请核对后重试。"
RESENT = "如申请编号与您提交申请时填写的电子邮箱相符，新的查询码已发送到该邮箱，原查询码随即失效。请查收邮件（也请查看垃圾邮件）。"


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    """Counts this attempt, and says whether it is over the limit."""
    return is_ratelimited(request, group=f"participation.{group}", key="ip", rate=rate, method="POST", increment=True)


def _used_up(request: HttpRequest, group: str, rate: str) -> bool:
    """Whether the address has used all its accepted submissions, without counting this one."""
    usage = get_usage(request, group=f"participation.{group}", key="ip", rate=rate, method="POST", increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def _accepted(request: HttpRequest, group: str, rate: str) -> None:
    """Count a submission that was accepted. Two submissions racing past _used_up may both be
    accepted; the limit is against floods, one over it does no harm."""
    get_usage(request, group=f"participation.{group}", key="ip", rate=rate, method="POST", increment=True)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/rate_limited.html", status=429)


def _neutral(request: HttpRequest) -> HttpResponse:
    """What a filled honeypot gets: a plain thank-you that creates nothing and tells nothing."""
    return render(request, "participation/thanks.html", {"title": "提交成功"})


# --- on-request disclosure --------------------------------------------------------------------


def request_index(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/request_index.html", {"check_form": StatusCheckForm()})


def request_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _used_up(request, "submit", settings.PARTICIPATION_SUBMIT_RATE):
            return _too_many(request)
        form = RequestForm(request.POST)
        if form.is_bot:
            _accepted(request, "submit", settings.PARTICIPATION_SUBMIT_RATE)  # a bot is "accepted" as far as it knows
            return _neutral(request)
        if form.is_valid():
            _accepted(request, "submit", settings.PARTICIPATION_SUBMIT_RATE)
            data = form.cleaned_data
            created = request_submit(
                unit=data["unit"],
                applicant_name=data["applicant_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                request_text=data["request_text"],
                purpose=data["purpose"],
            )
            request.session[NEW_REQUEST_KEY] = {"number": created.request.tracking_number, "code": created.secret_code}
            _remember(request, created.request)
            return redirect("participation:request_received")
    else:
        unit_id = request.GET.get("unit", "")
        form = RequestForm(initial={"unit": unit_id} if parse_id(unit_id) else None)
    return render(request, "participation/request_form.html", {"form": form})


def request_received(request: HttpRequest) -> HttpResponse:
    """Shows the number and the code once: they leave the session as they are shown."""
    receipt = request.session.pop(NEW_REQUEST_KEY, None)
    return render(request, "participation/request_received.html", {"receipt": receipt})


def request_status(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _limited(request, "status", settings.PARTICIPATION_STATUS_RATE):
            return _too_many(request)
        form = StatusCheckForm(request.POST)
        if form.is_valid():
            found = request_verify(tracking_number=form.cleaned_data["tracking_number"], code=form.cleaned_data["code"])
            if found is not None:
                _remember(request, found)
                return redirect("participation:request_detail", number=found.tracking_number)
            form.add_error(None, NOT_FOUND)
    else:
        form = StatusCheckForm(initial={"tracking_number": request.GET.get("number", "")[:20]})
    return render(request, "participation/request_status.html", {"form": form})


def _remember(request: HttpRequest, found: DisclosureRequest) -> None:
    verified = [pk for pk in request.session.get(VERIFIED_KEY, []) if pk != found.pk][-19:]
    request.session[VERIFIED_KEY] = verified + [found.pk]


def _verified(request: HttpRequest, number: str) -> DisclosureRequest | None:
    found = find_request(number)
    if found is None or found.pk not in request.session.get(VERIFIED_KEY, []):
        return None
    return found


def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    found = _verified(request, number)
    if found is None:
        return redirect(f"{reverse('participation:request_status')}?number={number[:20]}")
    return _render_detail(request, found, ClarifyForm())


def _render_detail(request: HttpRequest, found: DisclosureRequest, clarify_form: ClarifyForm, status: int = 200):
    pause = found.open_pause
    return render(
        request,
        "participation/request_detail.html",
        {
            "req": found,
            "deadlines": request_deadlines(found),
            "events": [event for event in found.events.all() if event.is_public],
            "pause": pause,
            "clarify_form": clarify_form if pause is not None and pause.pause_kind == PauseKind.CLARIFY else None,
        },
        status=status,
    )


def request_resend(request: HttpRequest) -> HttpResponse:
    """A forgotten code goes to the address on file. Every attempt counts against the limit, and the
    answer is the same whether or not the number exists or the address matches."""
    if request.method == "POST":
        if _limited(request, "resend", settings.PARTICIPATION_RESEND_RATE):
            return _too_many(request)
        form = ResendCodeForm(request.POST)
        if form.is_bot:
            return render(request, "participation/request_resend.html", {"form": ResendCodeForm(), "sent": RESENT})
        if form.is_valid():
            request_resend_code(tracking_number=form.cleaned_data["tracking_number"], email=form.cleaned_data["email"])
            return render(request, "participation/request_resend.html", {"form": ResendCodeForm(), "sent": RESENT})
    else:
        form = ResendCodeForm(initial={"tracking_number": request.GET.get("number", "")[:20]})
    return render(request, "participation/request_resend.html", {"form": form})


def attachment_response(attachment: AnswerAttachment) -> FileResponse:
    """Always a download, never shown inline (the same headers as documents get)."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("文件不存在。") from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def request_attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A file of the answer: for the applicant who gave number and code in this session only."""
    found = _verified(request, number)
    if found is None:
        raise Http404
    return attachment_response(get_object_or_404(found.answer_attachments, pk=attachment_id))


@require_POST
def request_clarify_view(request: HttpRequest, number: str) -> HttpResponse:
    found = _verified(request, number)
    if found is None:
        return redirect(f"{reverse('participation:request_status')}?number={number[:20]}")
    if _limited(request, "clarify", settings.PARTICIPATION_SUBMIT_RATE):
        return _too_many(request)
    form = ClarifyForm(request.POST)
    if form.is_valid():
        try:
            request_clarify(request=found, text=form.cleaned_data["text"])
        except RequestError as error:
            form.add_error(None, error.message)
        else:
            return redirect("participation:request_detail", number=found.tracking_number)
    return _render_detail(request, find_request(number), form, status=400)


# --- feedback and the 回音壁 -----------------------------------------------------------------


def feedback_wall(request: HttpRequest) -> HttpResponse:
    entries = paginate(request, published_feedback(limit=None), per_page=20)
    return render(request, "participation/feedback_wall.html", {"entries": entries})


def feedback_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(under_live_ancestors(UnitPage.objects.live()), pk=unit_id)
    return _feedback(request, unit=unit, item=None)


def feedback_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(DisclosureItemPage, pk=item_id)
    if not can_view_item(request.user, item):
        raise Http404
    return _feedback(request, unit=item.unit, item=item)


def _feedback(request: HttpRequest, *, unit: UnitPage, item: DisclosureItemPage | None) -> HttpResponse:
    if request.method == "POST":
        if _used_up(request, "feedback", settings.PARTICIPATION_FEEDBACK_RATE):
            return _too_many(request)
        form = FeedbackForm(request.POST)
        if form.is_bot:
            _accepted(request, "feedback", settings.PARTICIPATION_FEEDBACK_RATE)
            return _neutral(request)
        if form.is_valid():
            _accepted(request, "feedback", settings.PARTICIPATION_FEEDBACK_RATE)
            data = form.cleaned_data
            if data["kind"] == FeedbackKind.TOPIC:
                created = topic_submit(
                    unit=unit, item=item, content=data["content"], name=data["name"], contact=data["contact"]
                )
                number = created.topic.tracking_number
                request.session[NEW_TOPIC_KEY] = {"number": number, "code": created.secret_code}
                _remember_topic(request, created.topic)
                return redirect("participation:topic_received")
            feedback_submit(
                unit=unit,
                item=item,
                kind=data["kind"],
                content=data["content"],
                name=data["name"],
                contact=data["contact"],
            )
            return render(request, "participation/thanks.html", {"title": "提交成功", "unit": unit, "item": item})
    else:
        initial_kind = request.GET.get("kind")
        form = FeedbackForm(
            initial={"kind": initial_kind} if initial_kind in dict(Feedback._meta.get_field("kind").choices) else None
        )
    wall = published_feedback(item=item) if item is not None else published_feedback(unit=unit)
    return render(request, "participation/feedback_form.html", {"form": form, "unit": unit, "item": item, "wall": wall})


# --- following a 点题 with its number and code ----------------------------------------------------


def topic_received(request: HttpRequest) -> HttpResponse:
    """Shows the number, the code and the due date once: they leave the session as they are shown."""
    receipt = request.session.pop(NEW_TOPIC_KEY, None)
    topic = find_topic(receipt["number"]) if receipt else None
    return render(request, "participation/topic_received.html", {"receipt": receipt, "topic": topic})


def topic_status(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _limited(request, "status", settings.PARTICIPATION_STATUS_RATE):
            return _too_many(request)
        form = TopicStatusForm(request.POST)
        if form.is_valid():
            found = topic_verify(tracking_number=form.cleaned_data["tracking_number"], code=form.cleaned_data["code"])
            if found is not None:
                _remember_topic(request, found)
                return redirect("participation:topic_detail", number=found.tracking_number)
            form.add_error(None, TOPIC_NOT_FOUND)
    else:
        typed = request.GET.get("number", "")[:20]
        form = TopicStatusForm(initial={"tracking_number": typed if is_topic_number(typed) else ""})
    return render(request, "participation/topic_status.html", {"form": form})


def _remember_topic(request: HttpRequest, topic: Feedback) -> None:
    verified = [pk for pk in request.session.get(VERIFIED_TOPICS_KEY, []) if pk != topic.pk][-19:]
    request.session[VERIFIED_TOPICS_KEY] = verified + [topic.pk]


def topic_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A number not of the issued form (DT-<year>-<digits>) is a 404 before any query; a well-formed
    one not verified in this session goes to the form that asks for its code."""
    if not is_topic_number(number):
        return render(request, "participation/topic_not_found.html", status=404)
    found = find_topic(number)
    if found is None or found.pk not in request.session.get(VERIFIED_TOPICS_KEY, []):
        return redirect(f"{reverse('participation:topic_status')}?number={number.strip().upper()}")
    state, label = topic_state(found)
    counted = topic_due(timezone.localdate(found.submitted_at)) if found.due_date else None
    if counted is not None and counted.due != found.due_date:
        counted = None  # the calendar changed since: the date told at submission stands, unexplained
    return render(
        request,
        "participation/topic_detail.html",
        {
            "topic": found,
            "state": state,
            "state_label": label,
            "counted": counted,
        },
    )
