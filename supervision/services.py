"""Writes of 党员评议: opening a period, and casting a rating (the marker and the rating in one transaction)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deadlines import clock
from disclosure_pages.models import RegionPage, UnitPage
from disclosure_pages.permissions import can_change, can_open_evaluation, is_party_member

from .choices import PeriodState, Satisfaction
from .models import COMMENT_MAX, BallotCast, EvaluationPeriod, Rating

ALREADY_CAST = "您已参加本单位本次评议。每位党员每次评议只能提交一次，提交后不可修改。"


class EvaluationError(ValidationError):
    """A step that cannot be taken (message in Chinese); `status` is the HTTP status a view answers with."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


def _check_period_fields(*, target, title: str, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if not isinstance(target.specific, (RegionPage, UnitPage)):
        raise EvaluationError("评议对象必须是公开单位或行政区域。")
    if not title.strip():
        raise EvaluationError("请填写评议名称。")
    if ends_on < starts_on:
        raise EvaluationError("结束日期不能早于开始日期。")


@transaction.atomic
def period_open(
    *, actor, target, title: str, starts_on: datetime.date, ends_on: datetime.date
) -> EvaluationPeriod:
    """The superior (a supervisor whose reach covers the unit or region) opens a period of 党员评议."""
    if not can_open_evaluation(actor, target):
        raise EvaluationError("您只能对监督范围内的单位或区域发起评议。", status=403)
    _check_period_fields(target=target, title=title, starts_on=starts_on, ends_on=ends_on)
    return EvaluationPeriod.objects.create(
        target=target, title=title.strip(), starts_on=starts_on, ends_on=ends_on, opened_by=actor
    )


@transaction.atomic
def period_update(
    *, period: EvaluationPeriod, actor, title: str, starts_on: datetime.date, ends_on: datetime.date, target=None
) -> EvaluationPeriod:
    """Title and dates may change; once a ballot is cast the target and the start date stay as they were
    (members rated that unit in that period)."""
    period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
    if not can_change(actor, period):
        raise EvaluationError("您无权修改该评议。", status=403)
    target = target or period.target
    if period.ballots.exists() and (target.pk != period.target_id or starts_on != period.starts_on):
        raise EvaluationError("已有党员参加评议，不能再修改评议对象和开始日期。")
    if target.pk != period.target_id and not can_open_evaluation(actor, target):
        raise EvaluationError("您只能对监督范围内的单位或区域发起评议。", status=403)
    _check_period_fields(target=target, title=title, starts_on=starts_on, ends_on=ends_on)
    period.target, period.title, period.starts_on, period.ends_on = target, title.strip(), starts_on, ends_on
    period.save()
    return period


@transaction.atomic
def rating_cast(
    *,
    period: EvaluationPeriod,
    unit: UnitPage,
    member,
    choice: str,
    comment: str = "",
    today: datetime.date | None = None,
) -> None:
    """A party member of `unit` rates its disclosure work, once per period, anonymously.

    The marker (who) and the rating (what) are written in this one transaction and share nothing but
    the period and the unit; nothing is returned, so that not even the caller holds the pair. A
    second ballot fails on the marker's unique constraint and rolls the rating back with it.
    """
    today = today or clock.today()
    if not period.covers(unit) or not unit.live:
        raise EvaluationError("该单位不在本次评议范围内。", status=404)
    if not is_party_member(member, unit):
        raise EvaluationError("只有本单位党员可以参加评议。", status=403)
    state = period.state(today)
    if state == PeriodState.UPCOMING:
        raise EvaluationError(f"评议尚未开始，开始日期为{period.starts_on:%Y年%-m月%-d日}。", status=403)
    if state == PeriodState.ENDED:
        raise EvaluationError(f"评议已于{period.ends_on:%Y年%-m月%-d日}结束，不能再提交。", status=403)
    if choice not in Satisfaction.values:
        raise EvaluationError("请选择评议意见：满意、基本满意或不满意。")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise EvaluationError(f"意见建议不能超过{COMMENT_MAX}字。")
    if BallotCast.objects.filter(period=period, unit=unit, member=member).exists():
        raise EvaluationError(ALREADY_CAST, status=409)
    try:
        with transaction.atomic():
            BallotCast.objects.create(period=period, unit=unit, member=member)
    except IntegrityError as error:  # a second submission that raced past the check above
        raise EvaluationError(ALREADY_CAST, status=409) from error
    Rating.objects.create(period=period, unit=unit, choice=choice, comment=comment)
