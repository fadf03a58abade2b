"""The public site's side of 监督员 and 直通车: a 监督员 files 监督意见 and reads the answers (logged in,
/accounts/login/); everyone reads each unit's list of 监督员 serving today."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from deadlines import clock
from disclosure_pages.models import UnitPage

from .hotline_forms import OpinionForm
from .hotline_selectors import appointments_of, current_monitors, opinions_of
from .hotline_services import HotlineError, answer_days, opinion_file
from .models_hotline import HOTLINE_PREFIX

NUMBER_RE = re.compile(rf"{HOTLINE_PREFIX}-\d{{4}}-\d{{6,}}")
NOT_A_MONITOR = (
    "直通车供党务公开监督员在聘期内使用。您的账号目前没有受聘为任何单位的监督员；如有疑问，请联系聘任您的上级党组织。"
)


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "supervision/hotline/refused.html", {"message": message}, status=status)


@login_required
def hotline_index(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    appointments = list(appointments_of(request.user, today=today))
    opinions = list(opinions_of(request.user))
    if not appointments and not opinions:
        return _refuse(request, NOT_A_MONITOR, 403)
    rows = [(opinion, opinion.state_label(today)) for opinion in opinions]
    return render(
        request,
        "supervision/hotline/index.html",
        {"appointments": appointments, "rows": rows, "days": answer_days()},
    )


@login_required
def hotline_new(request: HttpRequest) -> HttpResponse:
    appointments = appointments_of(request.user, today=clock.today())
    if not appointments.exists():
        return _refuse(request, NOT_A_MONITOR, 403)
    if request.method != "POST":
        form = OpinionForm(appointments=appointments)
        return render(request, "supervision/hotline/new.html", {"form": form, "days": answer_days()})
    form = OpinionForm(request.POST, appointments=appointments)
    if not form.is_valid():
        return render(request, "supervision/hotline/new.html", {"form": form, "days": answer_days()}, status=400)
    try:
        opinion = opinion_file(
            monitor=form.cleaned_data["appointment"], user=request.user, content=form.cleaned_data["content"]
        )
    except HotlineError as error:
        form.add_error(None, error.message)
        return render(
            request, "supervision/hotline/new.html", {"form": form, "days": answer_days()}, status=error.status
        )
    return redirect(f"{opinion_url(opinion.number)}?filed=1")


def opinion_url(number: str) -> str:
    return reverse("supervision:hotline_detail", args=[number])


@login_required
def hotline_detail(request: HttpRequest, number: str) -> HttpResponse:
    if not NUMBER_RE.fullmatch(number):
        raise Http404("没有这条监督意见。")
    opinion = get_object_or_404(opinions_of(request.user), number=number)
    return render(
        request,
        "supervision/hotline/detail.html",
        {
            "opinion": opinion,
            "state_label": opinion.state_label(clock.today()),
            "filed": request.GET.get("filed") == "1",
        },
    )


def monitor_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Each unit's list of 监督员 is public: name, identity and term only (no account, no contact)."""
    unit = get_object_or_404(UnitPage.objects.live(), pk=unit_id)
    monitors = current_monitors(unit, today=clock.today())
    return render(request, "supervision/hotline/monitor_list.html", {"unit": unit, "monitors": monitors})
