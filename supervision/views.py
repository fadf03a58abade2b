"""Member-facing pages of 党员评议 on the public site, for logged-in members (/accounts/login/).

Rating takes two steps: the form, then a page that shows what will be submitted and says it cannot
be changed afterwards (提交后不可修改); only the second POST (confirm=1) writes. A refusal is a 4xx
page that says why, and nothing is stored.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from deadlines import clock
from disclosure_pages.models import UnitPage
from disclosure_pages.permissions import can_read_evaluation_results, is_party_member

from .choices import PeriodState, Satisfaction
from .forms import RatingForm
from .models import EvaluationPeriod
from .selectors import evaluation_results, evaluations_for_member, has_cast, may_read_results
from .services import ALREADY_CAST, EvaluationError, rating_cast


def _refuse(request: HttpRequest, message: str, status: int, **context) -> HttpResponse:
    return render(request, "supervision/refused.html", {"message": message, **context}, status=status)


@login_required
def my_evaluations(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/my_evaluations.html", {"rows": evaluations_for_member(request.user)})


def _period_and_unit(period_id: int, unit_id: int) -> tuple[EvaluationPeriod, UnitPage]:
    period = get_object_or_404(EvaluationPeriod.objects.select_related("target"), pk=period_id)
    unit = get_object_or_404(UnitPage.objects.live(), pk=unit_id)
    return period, unit


@login_required
def rate(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    period, unit = _period_and_unit(period_id, unit_id)
    context = {"period": period, "unit": unit}
    if not period.covers(unit):
        return _refuse(request, "该单位不在本次评议范围内。", 404, **context)
    if not is_party_member(request.user, unit):
        return _refuse(request, "只有本单位党员可以参加评议。", 403, **context)
    state = period.state(clock.today())
    if state != PeriodState.OPEN:
        message = (
            f"评议尚未开始，开始日期为{period.starts_on:%Y年%-m月%-d日}。"
            if state == PeriodState.UPCOMING
            else f"评议已于{period.ends_on:%Y年%-m月%-d日}结束，不能再提交。"
        )
        return _refuse(request, message, 403, **context)
    if has_cast(request.user, period, unit):
        return _refuse(request, ALREADY_CAST, 409, **context)
    if request.method != "POST":
        return render(request, "supervision/rate.html", {**context, "form": RatingForm()})
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(request, "supervision/rate.html", {**context, "form": form}, status=400)
    data = form.cleaned_data
    if request.POST.get("edit") == "1":  # back from the confirmation, with what was typed
        return render(request, "supervision/rate.html", {**context, "form": form})
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "supervision/rate_confirm.html",
            {**context, "form": form, "choice_label": Satisfaction(data["choice"]).label, "comment": data["comment"]},
        )
    try:
        rating_cast(
            period=period,
            unit=unit,
            member=request.user,
            choice=data["choice"],
            comment=data["comment"],
            today=clock.today(),
        )
    except EvaluationError as error:
        return _refuse(request, error.message, error.status, **context)
    return render(request, "supervision/rated.html", context)


@login_required
def results(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    period, unit = _period_and_unit(period_id, unit_id)
    context = {"period": period, "unit": unit}
    if not period.covers(unit) or not can_read_evaluation_results(request.user, unit):
        return _refuse(request, "评议结果只向本单位党员和上级党组织公布。", 403, **context)
    if not may_read_results(request.user, unit, period, today=clock.today()):
        return _refuse(request, f"评议结束后（{period.ends_on:%Y年%-m月%-d日}之后）公布结果。", 403, **context)
    return render(request, "supervision/results.html", {**context, "results": evaluation_results(unit, period)})
