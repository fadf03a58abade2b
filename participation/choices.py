"""Vocabulary of on-request disclosure (依申请公开) and feedback (意见建议, 点题)."""

from __future__ import annotations

from django.db import models


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交（待受理）"
    ACCEPTED = "accepted", "已受理（办理中）"
    REFUSED = "refused", "不予受理"
    ANSWERED = "answered", "已答复"
    FILED = "filed", "已报备案"


class Outcome(models.TextChoices):
    DISCLOSED = "disclosed", "予以公开"
    PARTLY = "partly", "部分公开"
    NOT_DISCLOSABLE = "not_disclosable", "不予公开"
    NOT_HELD = "not_held", "信息不存在（本单位不掌握）"


OUTCOMES_NEEDING_REASON = {Outcome.PARTLY, Outcome.NOT_DISCLOSABLE, Outcome.NOT_HELD}


class PauseKind(models.TextChoices):
    CLARIFY = "clarify", "补正（请申请人补充说明）"
    THIRD_PARTY = "third_party", "第三方征求意见"


class AnswerFrom(models.TextChoices):
    ACCEPTED = "accepted", "自受理之日起"
    SUBMITTED = "submitted", "自收到申请之日起"


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", "提交申请"
    ACCEPTED = "accepted", "受理"
    REFUSED = "refused", "不予受理"
    PAUSED = "paused", "暂停计时"
    RESUMED = "resumed", "恢复计时"
    CLARIFIED = "clarified", "申请人补正"
    EXTENDED = "extended", "延长答复期限"
    ANSWERED = "answered", "答复"
    ITEM_DRAFTED = "item_drafted", "生成公开事项草稿"
    FILED = "filed", "报上级备案"
    NOTE = "note", "办理备注"
    CODE_RESENT = "code_resent", "重新发送查询码"


class FeedbackKind(models.TextChoices):
    OPINION = "opinion", "意见建议"
    TOPIC = "topic", "点题（希望公开的事项）"
