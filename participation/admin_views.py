"""Wagtail admin views: what is due and overdue, a request's timeline, and the actions on it.

Every action has its own page that shows what will happen and asks for the reason:
the confirmation step. Views stay thin: the services check state and permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path
from django.utils import timezone

from disclosure_pages.selectors import paginate

from .choices import FeedbackKind, RequestStatus
from .forms import AnswerForm, ExtendForm, NoteForm, PauseForm, PublishForm, ReasonForm, ReplyForm, Text
from .models import REPLY_MAX, DisclosureRequest
from .selectors import (
    can_see_contact,
    handled_feedback,
    handled_requests,
    handles_any_unit,
    overdue_topics,
    request_deadlines,
)
from .services import (
    RequestError,
    feedback_publish,
    feedback_reply,
    feedback_unpublish,
    request_accept,
    request_answer,
    request_extend,
    request_file,
    request_note,
    request_pause,
    request_refuse,
    request_resume,
)

DUE_FILTERS = [
    ("", "全部"),
    ("open", "办理中"),
    ("overdue", "已超期"),
    ("due_soon", "即将到期"),
    ("paused", "计时暂停"),
]
STATE_ORDER = {"overdue": 0, "due_soon": 1, "ok": 2, "paused": 3, "done": 4}


def _require_handler(request: HttpRequest) -> None:
    if not handles_any_unit(request.user):
        raise PermissionDenied


def _admin_context(title: str, **extra: Any) -> dict[str, Any]:
    return {"header_title": title, "page_title": title, "header_icon": extra.pop("icon", "mail"), **extra}


# --- requests ---------------------------------------------------------------------------------


def request_index(request: HttpRequest) -> HttpResponse:
    _require_handler(request)
    qs = handled_requests(request.user)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(tracking_number__icontains=q) | Q(unit__title__icontains=q) | Q(applicant_name__icontains=q))
    due = request.GET.get("due", "")
    rows = []
    counts = {"overdue": 0, "due_soon": 0, "paused": 0}
    for req in qs:
        deadlines = request_deadlines(req)
        if deadlines.state in counts:
            counts[deadlines.state] += 1
        if due == "open" and deadlines.state == "done":
            continue
        if due in counts and deadlines.state != due:
            continue
        rows.append((req, deadlines))
    # Most urgent first: overdue, then by the pending due date; finished requests last, newest first.
    rows.sort(
        key=lambda row: (
            STATE_ORDER[row[1].state],
            row[1].pending.due.toordinal() if row[1].pending and row[1].pending.due else 0,
            -row[0].submitted_at.timestamp(),
        )
    )
    context = _admin_context(
        "依申请公开办理",
        rows=paginate(request, rows, per_page=50),
        counts=counts,
        statuses=RequestStatus.choices,
        due_filters=DUE_FILTERS,
        current={"status": status, "due": due, "q": q},
    )
    return render(request, "participation/admin/request_index.html", context)


def _handled_request(request: HttpRequest, pk: int) -> DisclosureRequest:
    _require_handler(request)
    return get_object_or_404(handled_requests(request.user), pk=pk)


class NoteRequiredForm(forms.Form):
    note = Text(label="备注", max_length=REPLY_MAX, rows=4)


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.Form]
    explain: str
    danger: bool = False


ACTIONS: dict[str, Action] = {
    "accept": Action("受理", NoteForm, "确认受理后开始计算答复期限。"),
    "refuse": Action("不予受理", ReasonForm, "不予受理须向申请人说明理由，申请人在查询页面可以看到。", danger=True),
    "pause": Action("暂停计时", PauseForm, "补正或第三方征求意见期间不计入办理期限；补正说明申请人可以看到。"),
    "resume": Action("恢复计时", NoteForm, "恢复后继续计算期限，到期日按暂停天数顺延。"),
    "extend": Action("延长答复期限", ExtendForm, "延长须经负责人同意并说明理由，延长天数不得超过规则允许的上限。"),
    "answer": Action(
        "答复", AnswerForm, "答复后申请人可在查询页面看到答复内容；生成的公开事项是草稿，须经审核审批后发布。"
    ),
    "file": Action("报上级备案", NoteForm, "申请事项及办理情况报上一级党组织备案（南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》）。"),
    "note": Action("添加备注", NoteRequiredForm, "备注仅办理人员和上级组织部门可见。"),
}


def available_actions(req: DisclosureRequest) -> list[str]:
    paused = req.is_paused
    if req.status == RequestStatus.SUBMITTED:
        actions = ["resume", "refuse"] if paused else ["accept", "refuse", "pause"]
    elif req.status == RequestStatus.ACCEPTED:
        actions = ["resume"] if paused else ["answer", "pause"]
        if not paused and req.rules.get("max_extension_days", 0) > req.extension_days:
            actions.append("extend")
    elif req.status in (RequestStatus.ANSWERED, RequestStatus.REFUSED):
        actions = ["file"]
    else:
        actions = []
    return actions + ["note"]


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _handled_request(request, pk)
    context = _admin_context(
        f"依申请公开 {req.tracking_number}",
        req=req,
        deadlines=request_deadlines(req),
        events=list(req.events.all().select_related("actor")),
        show_contact=can_see_contact(request.user, req),
        actions=[(name, ACTIONS[name]) for name in available_actions(req)],
        changes=_history(req),
    )
    return render(request, "participation/admin/request_detail.html", context)


def _history(req: DisclosureRequest) -> list[dict[str, Any]]:
    """django-simple-history versions of the row: who changed which fields when."""
    records = list(req.history.select_related("history_user").order_by("history_date"))
    rows, previous = [], None
    for record in records:
        if previous is None:
            fields = ["（创建）"]
        else:
            # diff_against() skips non-editable fields (tracking_number, rules): compare every tracked field.
            fields = [
                str(field.verbose_name)
                for field in record.tracked_fields
                if getattr(record, field.attname) != getattr(previous, field.attname)
            ]
        user = record.history_user
        rows.append(
            {
                "at": record.history_date,
                "user": (user.get_full_name() or user.get_username()) if user else "申请人/系统",
                "fields": fields,
            }
        )
        previous = record
    return list(reversed(rows))


def _form_for(action: str, req: DisclosureRequest, data=None, files=None) -> forms.Form:
    form_class = ACTIONS[action].form
    if form_class is AnswerForm:
        return AnswerForm(data, files, unit=req.unit)
    if form_class is ExtendForm:
        return ExtendForm(data, max_days=req.rules.get("max_extension_days", 0) - req.extension_days)
    return form_class(data)


def _run(action: str, req: DisclosureRequest, user, data: dict[str, Any]) -> None:
    match action:
        case "accept":
            request_accept(request=req, actor=user, note=data["note"])
        case "refuse":
            request_refuse(request=req, actor=user, reason=data["reason"])
        case "pause":
            request_pause(request=req, actor=user, kind=data["kind"], reason=data["reason"])
        case "resume":
            request_resume(request=req, actor=user, note=data["note"])
        case "extend":
            request_extend(request=req, actor=user, days=data["days"], reason=data["reason"])
        case "answer":
            request_answer(
                request=req,
                actor=user,
                outcome=data["outcome"],
                answer_text=data["answer_text"],
                reason=data["reason"],
                draft_node=data["draft_node"],
                draft_title=data["draft_title"],
                attachments=data["attachments"],
            )
        case "file":
            request_file(request=req, actor=user, note=data["note"])
        case "note":
            request_note(request=req, actor=user, text=data["note"])


def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = _handled_request(request, pk)
    if action not in ACTIONS:
        raise Http404
    if action not in available_actions(req):
        messages.error(request, f"申请当前状态为“{req.get_status_display()}”，不能{ACTIONS[action].label}。")
        return redirect("participation_admin:request_detail", pk=req.pk)
    posted = request.method == "POST"
    form = _form_for(action, req, request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            _run(action, req, request.user, form.cleaned_data)
        except RequestError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            req.refresh_from_db()
            if action == "answer" and req.status == RequestStatus.ACCEPTED:  # 不予公开: waits for the superior
                messages.warning(request, f"{req.tracking_number}：不予公开须经上级党组织同意，已报上级，同意后答复自动发出。")
                return redirect("participation_admin:request_detail", pk=req.pk)
            messages.success(request, f"{req.tracking_number}：已{ACTIONS[action].label}。")
            return redirect("participation_admin:request_detail", pk=req.pk)
    context = _admin_context(
        f"{ACTIONS[action].label}：{req.tracking_number}",
        req=req,
        action=action,
        spec=ACTIONS[action],
        form=form,
        deadlines=request_deadlines(req),
    )
    return render(request, "participation/admin/request_action.html", context)


def request_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A file of the answer, for the unit's handlers (and supervisors) only."""
    from .views import attachment_response

    req = _handled_request(request, pk)
    return attachment_response(get_object_or_404(req.answer_attachments, pk=attachment_id))


# --- feedback ---------------------------------------------------------------------------------

FEEDBACK_STATES = [
    ("", "全部"),
    ("new", "待答复"),
    ("overdue", "点题已超期未答复"),
    ("replied", "已答复未公开"),
    ("published", "已在回音壁公开"),
]


def feedback_index(request: HttpRequest) -> HttpResponse:
    _require_handler(request)
    qs = handled_feedback(request.user)
    kind = request.GET.get("kind", "")
    if kind in FeedbackKind.values:
        qs = qs.filter(kind=kind)
    state = request.GET.get("state", "")
    if state == "new":
        qs = qs.filter(replied_at__isnull=True)
    elif state == "overdue":
        qs = qs.filter(pk__in=overdue_topics(request.user).values("pk"))
    elif state == "replied":
        qs = qs.filter(replied_at__isnull=False, is_published=False)
    elif state == "published":
        qs = qs.filter(is_published=True)
    context = _admin_context(
        "意见建议与点题",
        icon="comment",
        entries=paginate(request, qs.order_by("-submitted_at"), per_page=50),
        kinds=FeedbackKind.choices,
        states=FEEDBACK_STATES,
        current={"kind": kind, "state": state},
        today=timezone.localdate(),
    )
    return render(request, "participation/admin/feedback_index.html", context)


def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_handler(request)
    feedback = get_object_or_404(handled_feedback(request.user), pk=pk)
    data = request.POST if request.method == "POST" else None
    reply_form = ReplyForm(data, initial={"reply": feedback.reply})
    if request.method == "POST" and reply_form.is_valid():
        try:
            feedback_reply(feedback=feedback, actor=request.user, reply=reply_form.cleaned_data["reply"])
        except RequestError as error:
            reply_form.add_error(None, error.messages[0])
        else:
            messages.success(request, "答复已保存。如需在回音壁公开，请点击“审核公开”。")
            return redirect("participation_admin:feedback_detail", pk=feedback.pk)
    context = _admin_context(
        "意见建议与点题", icon="comment", feedback=feedback, reply_form=reply_form, today=timezone.localdate()
    )
    return render(request, "participation/admin/feedback_detail.html", context)


def feedback_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_handler(request)
    feedback = get_object_or_404(handled_feedback(request.user), pk=pk)
    if action not in ("publish", "unpublish"):
        raise Http404
    data = request.POST if request.method == "POST" else None
    if action == "publish":
        form = PublishForm(data, initial={"public_content": feedback.public_content or feedback.content})
    else:
        form = forms.Form(data)
    if request.method == "POST" and form.is_valid():
        try:
            if action == "publish":
                feedback_publish(
                    feedback=feedback, actor=request.user, public_content=form.cleaned_data["public_content"]
                )
            else:
                feedback_unpublish(feedback=feedback, actor=request.user)
        except RequestError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "已在回音壁公开。" if action == "publish" else "已从回音壁撤下。")
            return redirect("participation_admin:feedback_detail", pk=feedback.pk)
    label = "审核公开到回音壁" if action == "publish" else "从回音壁撤下"
    context = _admin_context(label, icon="comment", feedback=feedback, form=form, action=action, label=label)
    return render(request, "participation/admin/feedback_action.html", context)


admin_urlpatterns = [
    path("requests/", request_index, name="request_index"),
    path("requests/<id:pk>/", request_detail, name="request_detail"),
    path("requests/<id:pk>/files/<id:attachment_id>/", request_attachment, name="request_attachment"),
    path("requests/<id:pk>/<slug:action>/", request_action, name="request_action"),
    path("feedback/", feedback_index, name="feedback_index"),
    path("feedback/<id:pk>/", feedback_detail, name="feedback_detail"),
    path("feedback/<id:pk>/<slug:action>/", feedback_action, name="feedback_action"),
]

urls = include((admin_urlpatterns, "participation_admin"), namespace="participation_admin")
