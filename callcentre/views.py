"""The operator's console: search as the public, read an item aloud, file for the caller.

Every view asks callcentre.permissions.can_use_console (坐席员 and superusers); Wagtail's admin
wrapper sends the anonymous to the login page first. What is found and read out is what the
anonymous public sees: an internal (党内, 委员) or withdrawn item is a 404 here, whoever asks."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from disclosure_pages.params import parse_id
from search.views import UNAVAILABLE

from .forms import OnBehalfFeedbackForm, OnBehalfRequestForm
from .models import CallRecord
from .permissions import can_use_console
from .selectors import console_item, console_items, console_search, read_aloud
from .services import call_feedback_file, call_request_file

logger = logging.getLogger(__name__)

OPENED_KEY = "callcentre_opened_items"
MAX_OPENED = 20
FORBIDDEN = "只有坐席员可以使用人工坐席工作台。"


def forbidden(request) -> TemplateResponse:
    return TemplateResponse(request, "callcentre/forbidden.html", {"message": FORBIDDEN}, status=403)


def opened_ids(request) -> list[int]:
    """The items opened since the last call was logged (this operator's session)."""
    return [pk for pk in request.session.get(OPENED_KEY, []) if isinstance(pk, int)]


def remember_opened(request, pk: int) -> None:
    ids = [i for i in opened_ids(request) if i != pk][-(MAX_OPENED - 1) :]
    request.session[OPENED_KEY] = ids + [pk]


def forget_opened(request) -> None:
    request.session.pop(OPENED_KEY, None)


class OperatorsOnly:
    """A 403 that says why, for anyone but operators and superusers (Wagtail's generic views would
    redirect to the admin home instead)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_use_console(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class ConsoleMixin(OperatorsOnly, WagtailAdminTemplateMixin):
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("callcentre:console"), "label": "人工坐席"},
            {"url": "", "label": self.get_page_title()},
        ]


class ConsoleView(ConsoleMixin, TemplateView):
    page_title = "坐席工作台"
    template_name = "callcentre/console.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("clear") == "1":
            forget_opened(request)
            return redirect("callcentre:console")
        text = " ".join(str(request.GET.get("q", "")).split())
        results, unavailable = None, False
        if text:
            try:
                results = console_search(text, page=parse_id(request.GET.get("page", "")) or 1)
            except Exception:  # noqa: BLE001 - the index is down: say so, the operator can still browse the site
                logger.exception("call-centre search failed for %r", text[:50])
                unavailable = True
        context = self.get_context_data(
            q=text,
            results=results,
            unavailable=unavailable,
            unavailable_message=UNAVAILABLE,
            opened=console_items(opened_ids(request)),
            add_url=reverse("callcentre_calls:add"),
        )
        return self.render_to_response(context, status=503 if unavailable else 200)


class ReadAloudView(ConsoleMixin, TemplateView):
    page_title = "朗读"
    template_name = "callcentre/read_aloud.html"

    def get(self, request, pk: int, *args, **kwargs):
        item = console_item(pk)
        if item is None:
            raise Http404("该事项不存在或不面向社会公开。")
        remember_opened(request, item.pk)
        self.page_title = item.title
        context = self.get_context_data(item=item, text=read_aloud(item), add_url=reverse("callcentre_calls:add"))
        return self.render_to_response(context)


class FileForCallerView(ConsoleMixin, View):
    """代为提交: the public form, prefilled from the call (question → content, the cited item's unit)."""

    template_name = "callcentre/file_for_caller.html"
    form_class = None
    submit_label = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.call = None

    def dispatch(self, request, *args, **kwargs):
        if can_use_console(request.user):
            self.call = get_object_or_404(CallRecord, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("callcentre:console"), "label": "人工坐席"},
            {"url": reverse("callcentre_calls:inspect", args=[self.call.pk]), "label": str(self.call)},
            {"url": "", "label": self.page_title},
        ]

    def cited_unit_id(self) -> int | None:
        item = console_items(list(self.call.items.order_by("path").values_list("pk", flat=True)))[:1]
        unit = item[0].unit if item else None
        return unit.pk if unit is not None else None

    def render(self, form, status=200, **extra):
        context = self.get_context_data(form=form, call=self.call, submit_label=self.submit_label, **extra)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render(self.form_class(initial=self.initial()))

    def post(self, request, pk: int):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            return self.file(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form, status=400)


class FileRequestView(FileForCallerView):
    page_title = "代为提交依申请公开"
    form_class = OnBehalfRequestForm
    submit_label = "提交申请"

    def initial(self) -> dict:
        return {"unit": self.cited_unit_id(), "request_text": self.call.question}

    def file(self, data):
        created = call_request_file(
            call=self.call,
            unit=data["unit"],
            applicant_name=data["applicant_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            request_text=data["request_text"],
            purpose=data["purpose"],
        )
        # The code is shown on this page only (never stored in plain text): read it to the caller now.
        context = self.get_context_data(call=self.call, created=created.request, code=created.secret_code)
        self.page_title = "已代为提交依申请公开"
        context["page_title"] = context["header_title"] = self.page_title
        return TemplateResponse(self.request, "callcentre/request_filed.html", context)


class FileFeedbackView(FileForCallerView):
    page_title = "代为提交意见建议"
    form_class = OnBehalfFeedbackForm
    submit_label = "提交意见建议"

    def initial(self) -> dict:
        return {"unit": self.cited_unit_id(), "content": self.call.question}

    def file(self, data):
        feedback = call_feedback_file(
            call=self.call,
            unit=data["unit"],
            kind=data["kind"],
            content=data["content"],
            name=data["name"],
            contact=data["contact"],
        )
        messages.success(
            self.request, f"已代来电人向{feedback.unit.display_name}提交{feedback.get_kind_display()}（#{feedback.pk}）。"
        )
        return redirect("callcentre_calls:inspect", self.call.pk)
