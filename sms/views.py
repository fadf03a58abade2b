"""Public pages: subscribe (number → code → confirm), unsubscribe (number → code), short links.

Rate limits per client address (django-ratelimit, as the participation forms) and per number
(codes per hour, in the services). A code request is counted whether it succeeds or not."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.core import is_ratelimited

from disclosure_pages.params import parse_id
from disclosure_pages.selectors import public_items

from .forms import ConfirmForm, NumberForm
from .models import ShortLink, VerificationPurpose
from .selectors import TARGET_TYPES, subscription_target, target_name
from .services import SHORT_CODE_CHARS, SmsError, code_request, subscription_confirm, unsubscribe_confirm

SHORT_CODE = re.compile(f"[{SHORT_CODE_CHARS}]{{4,12}}")


def _limited(request: HttpRequest, group: str) -> bool:
    return is_ratelimited(
        request, group=f"sms.{group}", key="ip", rate=settings.SMS_FORM_RATE, method="POST", increment=True
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/rate_limited.html", status=429)


def _target(request: HttpRequest):
    for kind in TARGET_TYPES:
        if kind in request.GET or kind in request.POST:
            raw = request.POST.get(kind, request.GET.get(kind))
            page_id = parse_id(raw)
            page = subscription_target(kind, page_id) if page_id is not None else None
            if page is None:
                raise Http404("没有这个可订阅的单位、区域或目录。")
            return kind, page
    raise Http404("请从单位、区域或目录页面进入短信订阅。")


def subscribe(request: HttpRequest) -> HttpResponse:
    kind, page = _target(request)
    context = {"kind": kind, "page": page, "target_name": target_name(page), "daily_limit": settings.SMS_DAILY_LIMIT}
    step = request.POST.get("step", "number") if request.method == "POST" else "number"
    if request.method == "POST" and _limited(request, step):
        return _too_many(request)
    if step == "confirm":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                subscription_confirm(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            except SmsError as exc:
                form.add_error("code", str(exc))
            else:
                return render(request, "sms/subscribed.html", context)
        return render(request, "sms/confirm.html", {**context, "form": form}, status=400)
    form = NumberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                code_request(number=form.cleaned_data["number"], purpose=VerificationPurpose.SUBSCRIBE, page=page)
            except SmsError as exc:
                form.add_error("number", str(exc))
            else:
                confirm = ConfirmForm(initial={"number": form.cleaned_data["number"]})
                return render(request, "sms/confirm.html", {**context, "form": confirm})
        return render(request, "sms/subscribe.html", {**context, "form": form}, status=400)
    return render(request, "sms/subscribe.html", {**context, "form": form})


def unsubscribe(request: HttpRequest) -> HttpResponse:
    step = request.POST.get("step", "number") if request.method == "POST" else "number"
    if request.method == "POST" and _limited(request, f"unsubscribe.{step}"):
        return _too_many(request)
    if step == "confirm":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                unsubscribe_confirm(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            except SmsError as exc:
                form.add_error("code", str(exc))
            else:
                return render(request, "sms/unsubscribed.html")
        return render(request, "sms/unsubscribe_confirm.html", {"form": form}, status=400)
    form = NumberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                code_request(number=form.cleaned_data["number"], purpose=VerificationPurpose.UNSUBSCRIBE)
            except SmsError as exc:
                form.add_error("number", str(exc))
            else:
                confirm = ConfirmForm(initial={"number": form.cleaned_data["number"]})
                return render(request, "sms/unsubscribe_confirm.html", {"form": confirm})
        return render(request, "sms/unsubscribe.html", {"form": form}, status=400)
    return render(request, "sms/unsubscribe.html", {"form": form})


def short_link(request: HttpRequest, code: str) -> HttpResponse:
    # Only codes of the issued form reach the database (PostgreSQL refuses a NUL in a string literal).
    if not SHORT_CODE.fullmatch(code):
        raise Http404("没有这个短链接。")
    link = get_object_or_404(ShortLink, code=code)
    item = public_items().filter(pk=link.page_id).first()
    if item is None:
        raise Http404("该链接指向的事项不存在或已不再公开。")
    return redirect(item.get_url(request))
