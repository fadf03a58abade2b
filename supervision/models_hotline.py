"""党务公开监督员 and their 直通车: who a unit's superior appointed to watch its disclosure work, and the
opinions (监督意见) they file, which the unit must answer by a due date in working days.

南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》（监督检查制度）：“实行党务公开监督员制度，基层党组织可通过聘请
党代表、党员人大代表和政协委员、普通党员作为党务公开监督员……通过监督员意见‘直通车’，定期征求党务公开监督员意见建议……
并及时进行核实处理”；《龙口市科技局党支部党务公开工作实施方案》（强化监督考核）：“从企业代表、基层党员群众、离退休老同志中
聘请一定比例的代表为党务公开监督员”。

Neither text sets a time limit for answering an opinion (“及时”); the default of 10 working days
(settings.SUPERVISION_HOTLINE_ANSWER_DAYS) is ours.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

OPINION_MAX = 2000
ANSWER_MAX = 2000
HOTLINE_PREFIX = "ZTC"  # 直通车


class MonitorIdentity(models.TextChoices):
    """Whom the two texts name as 监督员 (南湖区 实施意见; 龙口市科技局 实施方案)."""

    CONGRESS_DELEGATE = "party_delegate", "党代表"
    PEOPLES_CONGRESS = "npc_deputy", "党员人大代表"
    CPPCC = "cppcc_member", "政协委员"
    MEMBER = "party_member", "普通党员"
    ENTERPRISE = "enterprise", "企业代表"
    RETIRED = "retired", "离退休老同志"


class DisclosureMonitor(models.Model):
    """One appointment of a 监督员 to one unit, for a term, by a supervisor whose reach covers the unit."""

    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="监督单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=50)
    identity = models.CharField("身份", max_length=20, choices=MonitorIdentity.choices)
    term_starts = models.DateField("聘期开始")
    term_ends = models.DateField("聘期结束", help_text="含当日；聘期内监督员账号可阅读所授权范围的本单位公开事项。")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="可不设；设置后监督员登录本平台可阅读授权范围的事项、通过“直通车”提出监督意见。",
    )
    reads_party = models.BooleanField("可阅读党内公开事项", default=True)
    reads_committee = models.BooleanField("可阅读委员范围事项", default=False)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="聘任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    appointed_at = models.DateTimeField("聘任时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="监督员变更记录")

    class Meta:
        verbose_name = "党务公开监督员"
        verbose_name_plural = "党务公开监督员"
        ordering = ["unit__path", "-term_ends", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term_ends__gte=F("term_starts")), name="monitor_term_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_identity_display()}）"

    def clean(self):
        super().clean()
        if self.term_starts and self.term_ends and self.term_ends < self.term_starts:
            raise ValidationError({"term_ends": "聘期结束日期不能早于开始日期。"})

    def serves_on(self, day) -> bool:
        return self.term_starts <= day <= self.term_ends

    @property
    def scopes_label(self) -> str:
        parts = ["社会公开"]
        if self.reads_party:
            parts.append("党内公开")
        if self.reads_committee:
            parts.append("委员范围")
        return "、".join(parts)


class MonitorOpinion(models.Model):
    """A 监督意见 filed through the 直通车; the unit's staff answer it by `due_date` (working days)."""

    number = models.CharField("意见编号", max_length=20, unique=True, null=True, editable=False)
    monitor = models.ForeignKey(
        DisclosureMonitor, verbose_name="监督员", on_delete=models.PROTECT, related_name="opinions"
    )
    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("意见内容", max_length=OPINION_MAX)
    filed_at = models.DateTimeField("提出时间")
    due_date = models.DateField("答复期限", help_text="自提出之日起按工作日计算（节假日安排见公开时限的节假日设置）。")
    answer = models.TextField("答复内容", max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_at = models.DateTimeField(
        "报上级时间", null=True, blank=True, help_text="逾期未答复时提请上级督办的时间。"
    )

    history = HistoricalRecords(verbose_name="监督意见变更记录")

    class Meta:
        verbose_name = "监督意见"
        verbose_name_plural = "监督意见"
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["unit", "answered_at", "due_date"], name="opinion_unit_open_due")]

    def __str__(self) -> str:
        return self.number or f"监督意见#{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, today) -> bool:
        return not self.is_answered and today > self.due_date

    def state_label(self, today) -> str:
        if self.is_answered:
            return "已答复"
        return "已逾期" if self.is_overdue(today) else "待答复"
