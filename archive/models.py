"""The approval form (审批表) of each publication and the append-only archive (归档).

An ArchiveRecord is written once and never changed: save() refuses updates, delete()
refuses, and the manager's update()/delete() raise. Each record carries the hash of
every one of its columns and of its unit's previous record, so an edit made behind the
ORM's back (raw SQL, a database console) shows up in `manage.py verify_archive`; each
unit's chain head is signed (SignedHead, archive/signing.py, where the threat model is),
so a forger who recomputes the hashes shows up too.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from disclosure_pages.choices import DisclosureMethod, DisclosureRequirement, Retention

from .choices import DiscloseOpinion, FormState, LeaderOpinion, Platform, RecordKind, SecrecyOpinion


class ApprovalForm(models.Model):
    """《党务公开事项审批表》 (《中共惠农区委党务公开若干制度（试行）》附件1): one per item and publication."""

    item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="公开事项",
        on_delete=models.CASCADE,
        related_name="approval_forms",
    )
    state = models.CharField("状态", max_length=8, choices=FormState.choices, default=FormState.OPEN)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="发布的版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField("发布时间", null=True, blank=True)

    # 提出: filled by the unit's editor (相关部门及工作责任人).
    department = models.CharField("部门", max_length=255, blank=True)
    filled_on = models.DateField("填表日期", default=datetime.date.today)
    content = models.TextField("公开内容", blank=True)
    disclosure_time = models.CharField("公开时间", max_length=100, blank=True)
    requirement = models.CharField(
        "公开要求",
        max_length=12,
        choices=DisclosureRequirement.choices,
        blank=True,
        help_text="长期、定期、分阶段或随时公开。",
    )
    method = models.CharField(
        "公开方式", max_length=12, choices=DisclosureMethod.choices, blank=True, help_text="党内、社会或例行公开。"
    )
    scope_text = models.CharField("公开范围", max_length=255, blank=True)
    platforms = models.JSONField("公开平台", default=list, blank=True)
    new_media_text = models.CharField("新媒体（名称）", max_length=100, blank=True)
    platform_other = models.CharField("其他平台", max_length=255, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填表人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 《中共惠农区委党务公开若干制度（试行）》第二十六条（一）: the proposing department gives its
    # preliminary opinion on disclosure and on secrecy, before the reviewer's.
    proposer_disclose_opinion = models.CharField(
        "初步公开意见", max_length=10, choices=DiscloseOpinion.choices, blank=True
    )
    proposer_disclose_reason = models.TextField("初步公开意见理由", blank=True)
    proposer_secrecy_opinion = models.CharField(
        "初步保密意见", max_length=12, choices=SecrecyOpinion.choices, blank=True
    )
    proposer_secrecy_reason = models.TextField("初步保密意见理由", blank=True)

    # 审核: the reviewer (分管负责人) decides whether to disclose and reviews secrecy.
    disclose_opinion = models.CharField("公开意见", max_length=10, choices=DiscloseOpinion.choices, blank=True)
    disclose_reason = models.TextField("公开意见理由", blank=True)
    secrecy_opinion = models.CharField("保密审核", max_length=12, choices=SecrecyOpinion.choices, blank=True)
    secrecy_reason = models.TextField("保密审核理由", blank=True)
    prescreen_confirmed = models.BooleanField(
        "确认自动预审提示", default=False, help_text="自动预审发现疑似涉密或个人信息时，审核人确认后仍予公开。"
    )
    prescreen_reason = models.TextField("确认理由", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_opinion = models.TextField("分管领导意见", blank=True)
    reviewed_on = models.DateField("分管领导签署日期", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    # 审批: the leader (主要负责人), for important items (《中共惠农区委党务公开若干制度（试行）》第十五条).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主要领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_decision = models.CharField("主要领导审批", max_length=10, choices=LeaderOpinion.choices, blank=True)
    leader_opinion = models.TextField("主要领导意见", blank=True)
    leader_on = models.DateField("主要领导签署日期", null=True, blank=True)
    leader_at = models.DateTimeField("审批时间", null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="审批表变更记录")

    class Meta:
        verbose_name = "党务公开事项审批表"
        verbose_name_plural = "党务公开事项审批表"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(state="open"), name="one_open_approval_form_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content or self.item_id} · {self.get_state_display()}"

    @property
    def platform_labels(self) -> list[str]:
        labels = dict(Platform.choices)
        return [labels[value] for value in self.platforms if value in labels]

    def columns(self) -> dict[str, Any]:
        """Every column of the row as stored (ids for links): the archive checks the live row against it."""
        values = {}
        for model_field in self._meta.concrete_fields:
            value = getattr(self, model_field.attname)
            if isinstance(value, datetime.datetime):
                value = _utc(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            values[model_field.attname] = value
        return values

    def snapshot(self) -> dict[str, Any]:
        """The form as it stands, readable without this table (stored in archive records).

        "columns" holds every column of the row, so that the record's hash covers the whole form.
        """

        def person(user) -> str:
            if user is None:
                return ""
            return user.get_full_name() or user.get_username()

        def day(value) -> str:
            return value.isoformat() if value else ""

        def moment(value) -> str:
            return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

        return {
            "id": self.pk,
            "department": self.department,
            "filled_on": day(self.filled_on),
            "content": self.content,
            "disclosure_time": self.disclosure_time,
            "requirement": self.requirement,
            "method": self.method,
            "scope_text": self.scope_text,
            "platforms": list(self.platforms),
            "new_media_text": self.new_media_text,
            "platform_other": self.platform_other,
            "filled_by": person(self.filled_by),
            "submitted_at": moment(self.submitted_at),
            "proposer_disclose_opinion": self.proposer_disclose_opinion,
            "proposer_disclose_reason": self.proposer_disclose_reason,
            "proposer_secrecy_opinion": self.proposer_secrecy_opinion,
            "proposer_secrecy_reason": self.proposer_secrecy_reason,
            "disclose_opinion": self.disclose_opinion,
            "disclose_reason": self.disclose_reason,
            "secrecy_opinion": self.secrecy_opinion,
            "secrecy_reason": self.secrecy_reason,
            "prescreen_confirmed": self.prescreen_confirmed,
            "prescreen_reason": self.prescreen_reason,
            "reviewer": person(self.reviewer),
            "reviewer_opinion": self.reviewer_opinion,
            "reviewed_on": day(self.reviewed_on),
            "reviewed_at": moment(self.reviewed_at),
            "leader": person(self.leader),
            "leader_decision": self.leader_decision,
            "leader_opinion": self.leader_opinion,
            "leader_on": day(self.leader_on),
            "leader_at": moment(self.leader_at),
            "superior_approval": self._superior_approval(),
            "columns": self.columns(),
        }

    def _superior_approval(self) -> str:
        # 目录外事项: the superior's consent (a 报批 of the review app) belongs on the form.
        from review.filings_selectors import approval_reference

        return approval_reference(self.item) if self.item_id else ""


class ArchiveImmutableError(Exception):
    """Raised by every attempt to change or remove an archive record."""

    def __init__(self, message: str = "归档记录一经形成不得修改或删除；如有变更，请重新发布形成新的归档记录。") -> None:
        super().__init__(message)


# Links to rows that may go away (an item deleted later, a purged revision, a removed user).
# Deleting those rows nulls the link (on_delete=SET_NULL, which Django does through
# QuerySet.update). The hash covers each link through its `*_ref` copy, taken at filing;
# verify_archive checks that the link is that value, or null because its row is gone.
LINK_REFS = {
    "item_id": "item_ref",
    "revision_id": "revision_ref",
    "approval_form_id": "approval_form_ref",
    "actor_id": "actor_ref",
}
DETACHABLE_LINKS = set(LINK_REFS) | {name.removesuffix("_id") for name in LINK_REFS}
HASH_VERSION = 2


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ArchiveImmutableError()

    def delete(self):
        raise ArchiveImmutableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise ArchiveImmutableError()

    def update_or_create(self, *args, **kwargs):
        raise ArchiveImmutableError()


class ArchiveRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if kwargs and set(kwargs) <= DETACHABLE_LINKS and all(value is None for value in kwargs.values()):
            return super().update(**kwargs)
        raise ArchiveImmutableError()

    def delete(self):
        raise ArchiveImmutableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise ArchiveImmutableError()

    def bulk_create(self, objs, *args, **kwargs):
        # Records are written one at a time by archive.services, which allocates 件号 and hashes.
        raise ArchiveImmutableError("归档记录只能通过归档服务逐条形成。")

    def update_or_create(self, *args, **kwargs):
        raise ArchiveImmutableError()


ArchiveRecordManager = models.Manager.from_queryset(ArchiveRecordQuerySet)


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text; what content_hash is taken over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class ArchiveRecord(models.Model):
    """One filed publication, import, revocation or zero report (归档文件), append-only."""

    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, related_name="archive_records"
    )
    unit_path = models.CharField("单位全称", max_length=500)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    sequence = models.PositiveIntegerField("年度内序号")
    number = models.CharField("件号", max_length=20, help_text="按单位、年度连续编号，如 2026-0001。")
    chain_index = models.PositiveIntegerField("单位内顺序号")
    kind = models.CharField("类别", max_length=12, choices=RecordKind.choices, default=RecordKind.PUBLICATION)

    # The item may be deleted later; its identifying text stays here.
    item = models.ForeignKey(
        "disclosure_pages.DisclosureItemPage",
        verbose_name="公开事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
    )
    item_ref = models.PositiveBigIntegerField("事项编号")
    title = models.CharField("题名", max_length=255)
    catalog_code = models.CharField("目录代码", max_length=20, blank=True, db_index=True)
    catalog_level1 = models.CharField("一级目录", max_length=255, blank=True)
    catalog_path = models.CharField("目录", max_length=800, blank=True)
    period_label = models.CharField("公开周期", max_length=50, blank=True)
    scope = models.CharField("公开范围", max_length=12, blank=True)

    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="页面版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision_ref = models.PositiveBigIntegerField("版本编号", null=True, blank=True)
    content = models.JSONField("公开内容（数据）", default=dict)
    content_html = models.TextField("公开内容（版式）")
    approval_form = models.ForeignKey(
        ApprovalForm, verbose_name="审批表", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_form_ref = models.PositiveBigIntegerField("审批表编号", null=True, blank=True)
    approval_snapshot = models.JSONField("审批表（归档时）", null=True, blank=True)
    attachments = models.JSONField("附件及校验值", default=list, blank=True)
    published_at = models.DateTimeField("发布时间")
    retention = models.CharField("保管期限", max_length=12, choices=Retention.choices, default=Retention.Y30)
    reason = models.TextField("撤消理由", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_ref = models.PositiveBigIntegerField("操作人编号", null=True, blank=True)
    actor_name = models.CharField("操作人姓名", max_length=255, blank=True)
    created_at = models.DateTimeField("归档时间", default=timezone.now)
    # 1: records filed before every column was hashed (kept as they were: records are never re-hashed).
    hash_version = models.PositiveSmallIntegerField("校验算法版本", default=HASH_VERSION)

    prev_hash = models.CharField("前一记录校验值", max_length=64, blank=True)
    content_hash = models.CharField("本记录校验值", max_length=64)

    objects = ArchiveRecordManager()

    class Meta:
        verbose_name = "归档记录"
        verbose_name_plural = "归档记录"
        base_manager_name = "objects"
        ordering = ["unit_id", "chain_index"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "sequence"], name="unique_archive_sequence"),
            models.UniqueConstraint(fields=["unit", "number"], name="unique_archive_number"),
            models.UniqueConstraint(fields=["unit", "chain_index"], name="unique_archive_chain_index"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="archive_unit_year")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # Immutability ---------------------------------------------------------------------------
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ArchiveImmutableError()
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ArchiveImmutableError()

    # Hash chain -----------------------------------------------------------------------------
    def hashed_payload(self) -> dict[str, Any]:
        """Every column of the record but its id and content_hash; links through their `*_ref` copies."""
        if self.hash_version == 1:
            return self._payload_v1()
        payload = {}
        for model_field in self._meta.concrete_fields:
            name = model_field.attname
            if name in ("id", "content_hash") or name in LINK_REFS:
                continue
            value = getattr(self, name)
            if isinstance(value, datetime.datetime):
                value = _utc(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            payload[name] = value
        return payload

    def _payload_v1(self) -> dict[str, Any]:
        """What records filed before hash version 2 were hashed over (they are checked the same way)."""
        return {
            "unit": self.unit_id,
            "unit_path": self.unit_path,
            "year": self.year,
            "sequence": self.sequence,
            "number": self.number,
            "chain_index": self.chain_index,
            "kind": self.kind,
            "item_ref": self.item_ref,
            "title": self.title,
            "catalog_code": self.catalog_code,
            "catalog_level1": self.catalog_level1,
            "catalog_path": self.catalog_path,
            "period_label": self.period_label,
            "scope": self.scope,
            "revision_ref": self.revision_ref,
            "content": self.content,
            "content_html": self.content_html,
            "approval_snapshot": self.approval_snapshot,
            "attachments": self.attachments,
            "published_at": _utc(self.published_at),
            "retention": self.retention,
            "reason": self.reason,
            "actor_name": self.actor_name,
            "created_at": _utc(self.created_at),
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hash_text(canonical_json(self.hashed_payload()))

    @property
    def retention_label(self) -> str:
        return self.get_retention_display()


class ArchiveChainHead(models.Model):
    """The end of a unit's hash chain; its row lock serialises record numbering per unit.

    Keeping the head apart from the records also shows a deleted *last* record: the
    head still names a hash no remaining record has.
    """

    unit = models.OneToOneField(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    head_hash = models.CharField("最新记录校验值", max_length=64, blank=True)
    length = models.PositiveIntegerField("记录数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "归档链"
        verbose_name_plural = "归档链"

    def __str__(self) -> str:
        return f"{self.unit_id}：{self.length} 条"


SignedHeadManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class SignedHead(models.Model):
    """A unit's chain head as signed at a filing (Ed25519, archive/signing.py); append-only.

    The signature covers the unit, this head's sequence number, the chain length and head
    hash, the time and `prev`, the SHA-256 of the unit's previous signature: removing a
    signed head breaks the chain of signatures.
    """

    unit = models.ForeignKey(
        "disclosure_pages.UnitPage", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField("单位全称", max_length=500)
    sequence = models.PositiveIntegerField("签名序号")
    length = models.PositiveIntegerField("记录数")
    head_hash = models.CharField("链头校验值", max_length=64)
    prev = models.CharField("前一签名的校验值", max_length=64, blank=True)
    signature = models.CharField("签名（Ed25519，base64）", max_length=100)
    key_id = models.CharField("公钥标识", max_length=16)
    signed_at = models.DateTimeField("签名时间")

    objects = SignedHeadManager()

    class Meta:
        verbose_name = "已签名的链头"
        verbose_name_plural = "已签名的链头"
        base_manager_name = "objects"
        ordering = ["unit_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["unit", "sequence"], name="unique_signed_head_sequence")]

    def __str__(self) -> str:
        return f"{self.unit_path} 第 {self.sequence} 次签名：{self.length} 条"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ArchiveImmutableError("已签名的链头不得修改或删除。")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ArchiveImmutableError("已签名的链头不得修改或删除。")

    def message(self) -> bytes:
        from .signing import head_message

        return head_message(
            unit_id=self.unit_id,
            unit_path=self.unit_path,
            sequence=self.sequence,
            length=self.length,
            head_hash=self.head_hash,
            prev=self.prev,
            signed_at=self.signed_at,
        )

    def witness_entry(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id,
            "unit_path": self.unit_path,
            "sequence": self.sequence,
            "length": self.length,
            "head_hash": self.head_hash,
            "prev": self.prev,
            "signature": self.signature,
            "key_id": self.key_id,
            "signed_at": _utc(self.signed_at),
        }


class RecordRendering(models.Model):
    """A record's PDF (or its approval form's), rendered once and kept in the archive store by SHA-256.

    Rendered after the filing's commit (archive/tasks.py) or at first use, never again: downloads,
    exports and volumes read the stored file. Kept beside the record because the record's own hash
    is taken before its PDF exists; the PDF is derived from the signed record and can be checked
    against it. Append-only.
    """

    KINDS = [("record", "归档文件（PDF）"), ("approval_form", "审批表（PDF）")]

    record = models.ForeignKey(ArchiveRecord, verbose_name="归档记录", on_delete=models.PROTECT, related_name="renderings")
    kind = models.CharField("类别", max_length=16, choices=KINDS)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    pages = models.PositiveIntegerField("页数")
    rendered_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = SignedHeadManager()

    class Meta:
        verbose_name = "归档 PDF"
        verbose_name_plural = "归档 PDF"
        base_manager_name = "objects"
        constraints = [models.UniqueConstraint(fields=["record", "kind"], name="one_rendering_per_record_and_kind")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ArchiveImmutableError("归档 PDF 一经生成不得修改或删除。")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ArchiveImmutableError("归档 PDF 一经生成不得修改或删除。")
