"""Vocabulary shared by pages, workflow, archive and search."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    PUBLIC = "public", "社会公开"
    PARTY = "party", "党内公开（全体党员）"
    COMMITTEE = "committee", "委员（党支部委员、纪检组）"


# Every 公开范围 wording of the source catalogues, mapped to who may see. A wording is looked up
# whole (whitespace runs, such as the line break in "党支部委员\n第二纪检组", count as one space),
# never searched for a word: "不向社会公开" contains 社会 and must not become public.
SCOPE_WORDINGS: dict[str, str] = {
    # 《韶关市党风廉政信息公开平台规范》, 龙口市科技局 and 平罗县编办 catalogues
    "社会": Scope.PUBLIC,
    "向社会公开": Scope.PUBLIC,
    "党内": Scope.PARTY,
    "全体党员": Scope.PARTY,
    "党支部委员": Scope.COMMITTEE,
    "党支部委员 第二纪检组": Scope.COMMITTEE,
    "党支部委员、第二纪检组": Scope.COMMITTEE,
    # 《中共惠农区委党务公开细化目录（试行）》 (its 公开方式 column)
    "社会公开": Scope.PUBLIC,
    "党内公开": Scope.PARTY,
    # The choice is left to each item: the node takes the narrower 党内, an item is public only
    # when someone says so.
    "党内公开或社会公开": Scope.PARTY,
    # The values themselves and their labels.
    **{value: value for value in Scope.values},
    **{label: value for value, label in Scope.choices},
}


class UnknownScope(ValueError):
    def __init__(self, text: str) -> None:
        shown = " ".join(text.split())
        wordings = "".join(f"“{w}”" for w in SCOPE_WORDINGS if w not in Scope.values)
        super().__init__(f"公开范围“{shown}”无法识别。可用的值：{'、'.join(Scope.values)}，或目录原文{wordings}")


def scope_from_text(text: str | None) -> str:
    """The Scope value for a catalogue's 公开范围 wording or a Scope value; UnknownScope otherwise."""
    value = SCOPE_WORDINGS.get(" ".join((text or "").split()))
    if value is None:
        raise UnknownScope(text or "")
    return value


class Schedule(models.TextChoices):
    ANNUAL = "annual", "年度"
    SEMIANNUAL = "semiannual", "半年"
    QUARTERLY = "quarterly", "季度"
    MONTHLY = "monthly", "月度"
    IMMEDIATE = "immediate", "即时（事后5日内）"
    FIXED = "fixed", "固定（5个工作日内，长期公开）"
    STAGED = "staged", "逐段（分阶段，年末总结）"


class PeriodType(models.TextChoices):
    YEAR = "year", "年度"
    HALF = "half", "半年"
    QUARTER = "quarter", "季度"
    MONTH = "month", "月度"
    EVENT = "event", "事项（按发生日期）"
    NONE = "none", "长期"


class Retention(models.TextChoices):
    PERMANENT = "permanent", "永久"
    Y30 = "30y", "30年"
    Y10 = "10y", "10年"


class Role(models.TextChoices):
    EDITOR = "editor", "录入人（经办科室）"
    REVIEWER = "reviewer", "审核人（分管负责人）"
    LEADER = "leader", "审批人（主要负责人）"
    # 《中共惠农区委党务公开若干制度（试行）》第二十六条（三）: 分管保密工作的负责人协同进行保密审查.
    SECRECY = "secrecy", "保密审查人（分管保密负责人）"
    MEMBER = "member", "党员"
    COMMITTEE = "committee", "委员"


class AttachmentAttribute(models.TextChoices):
    ACTIVE = "active", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class DisclosureRequirement(models.TextChoices):
    LONG_TERM = "long_term", "长期公开"
    REGULAR = "regular", "定期公开"
    STAGED = "staged", "分阶段公开"
    ANYTIME = "anytime", "随时公开"


class DisclosureMethod(models.TextChoices):
    PARTY = "party", "党内公开"
    SOCIETY = "society", "社会公开"
    ROUTINE = "routine", "例行公开"


# Opinions recorded by the workflow (《中共惠农区委党务公开若干制度（试行）》附件1《党务公开事项审批表》). The values are the
# ones archive.services accepts, so the approval form and the task states speak one vocabulary.
class DiscloseOpinion(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"


class SecrecyOpinion(models.TextChoices):
    PASS = "pass", "通过"
    FAIL = "fail", "不通过"
    DECLASSIFY = "declassify", "需脱密处理"


# 分管领导意见 and 主要领导意见 are given in the same words as 公开意见.
LeaderOpinion = DiscloseOpinion


class WithdrawalKind(models.TextChoices):
    """How a published item left the site; each leaves a public notice at its address.

    南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：公开事项如需变更、撤销或终止，由制定党务公开目录的
    党组织批准……及时公布并作说明。《中共惠农区委党务公开若干制度（试行）》第二十条：不符合要求的，必须立即更正，并作出说明。
    """

    REVOKED = "revoked", "撤消"
    CHANGED = "changed", "变更"
    WITHDRAWN = "withdrawn", "撤销"
    TERMINATED = "terminated", "终止"
    CORRECTED = "corrected", "更正"


# What the unit itself may choose on the withdrawal form (撤消 is the supervisor's, 更正 goes through review).
UNIT_WITHDRAWAL_KINDS = (WithdrawalKind.CHANGED, WithdrawalKind.WITHDRAWN, WithdrawalKind.TERMINATED)
