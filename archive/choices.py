"""Vocabulary of the approval form (审批表) and the archive (归档)."""

from __future__ import annotations

from django.db import models

# The opinions on the form are the workflow's own vocabulary, defined once.
from disclosure_pages.choices import DiscloseOpinion, LeaderOpinion, SecrecyOpinion

__all__ = [
    "DiscloseOpinion", "FormState", "LeaderOpinion", "Platform", "RecordKind", "SecrecyOpinion", "choice_value",
]


class FormState(models.TextChoices):
    OPEN = "open", "填写中"
    USED = "used", "已用于发布"


class Platform(models.TextChoices):
    """公开平台 of seed 002 附件1, in the form's order."""

    MEETING = "meeting", "会议"
    DOCUMENT = "document", "文件"
    BULLETIN = "bulletin", "通报"
    BRIEFING = "briefing", "简报"
    INTRANET = "intranet", "党政内网"
    NOTICE_BOARD = "notice_board", "公开栏"
    INTERNET = "internet", "互联网"
    PRESS = "press", "报刊"
    BROADCAST = "broadcast", "广播电视"
    NEW_MEDIA = "new_media", "新媒体"
    PRESS_CONFERENCE = "press_conference", "新闻发布会"
    OTHER = "other", "其他"


class RecordKind(models.TextChoices):
    PUBLICATION = "publication", "发布"
    IMPORT = "import", "历史导入"
    REVOCATION = "revocation", "撤消"
    ZERO_REPORT = "zero_report", "零上报"
    FILING = "filing", "报备报批"


def choice_value(choices: type[models.TextChoices], value: str, *, field: str) -> str:
    """Accept a choice's value or its Chinese label ("agree" or "同意"); anything else is a clear error."""
    from django.core.exceptions import ValidationError

    text = (value or "").strip()
    if text in choices.values:
        return text
    for key, label in choices.choices:
        if text == label:
            return key
    allowed = "、".join(label for _, label in choices.choices)
    raise ValidationError({field: f"“{text}”不是有效选项，可选：{allowed}。"})


# Words an editor writes in 公开平台 (e.g. "文件、网站、新闻媒体") mapped onto the form's boxes.
PLATFORM_SYNONYMS: dict[str, str] = {
    "网站": Platform.INTERNET,
    "门户网站": Platform.INTERNET,
    "网络": Platform.INTERNET,
    "新闻媒体": Platform.PRESS,
    "媒体": Platform.PRESS,
    "报纸": Platform.PRESS,
    "电视": Platform.BROADCAST,
    "广播": Platform.BROADCAST,
    "数字电视": Platform.BROADCAST,
    "微信": Platform.NEW_MEDIA,
    "微信公众号": Platform.NEW_MEDIA,
    "微博": Platform.NEW_MEDIA,
    "手机短信": Platform.NEW_MEDIA,
    "内网": Platform.INTRANET,
    "党务公开栏": Platform.NOTICE_BOARD,
    "公示栏": Platform.NOTICE_BOARD,
    "宣传栏": Platform.NOTICE_BOARD,
    "党务公开栏（墙）": Platform.NOTICE_BOARD,
    "公开墙": Platform.NOTICE_BOARD,
}


def approval_labels(snapshot: dict) -> dict[str, str]:
    """The Chinese labels of the codes in an approval form's snapshot (never "agree" or "pass" on screen)."""
    from disclosure_pages.choices import DisclosureMethod, DisclosureRequirement

    def label(choices: type[models.TextChoices], value: str) -> str:
        return dict(choices.choices).get(value or "", value or "")

    return {
        "disclose_opinion_label": label(DiscloseOpinion, snapshot.get("disclose_opinion")),
        "secrecy_opinion_label": label(SecrecyOpinion, snapshot.get("secrecy_opinion")),
        "proposer_disclose_opinion_label": label(DiscloseOpinion, snapshot.get("proposer_disclose_opinion")),
        "proposer_secrecy_opinion_label": label(SecrecyOpinion, snapshot.get("proposer_secrecy_opinion")),
        "leader_decision_label": label(LeaderOpinion, snapshot.get("leader_decision")),
        "requirement_label": label(DisclosureRequirement, snapshot.get("requirement")),
        "method_label": label(DisclosureMethod, snapshot.get("method")),
        "platforms_label": "、".join(label(Platform, value) for value in snapshot.get("platforms") or []),
    }
