"""What the search app keeps in Django's database: synonyms, and index
updates that failed and wait for a retry. The index itself lives elsewhere
(search.backends)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from search.analysis import query_chunks

# Terms are separated by line breaks or arrows / equals signs, never by 、or
# ，: a term may itself be a list, as in the full form of 三重一大.
TERM_SEPARATORS_RE = re.compile(r"\s*(?:\r?\n|<->|↔|⇔|=)\s*")
MAX_TERM_LENGTH = 100
MAX_TERMS = 12


def split_terms(text: str) -> list[str]:
    """The distinct terms of a synonym group, in the order typed."""
    terms: list[str] = []
    for term in TERM_SEPARATORS_RE.split(text or ""):
        term = " ".join(term.split())
        if term and term not in terms:
            terms.append(term)
    return terms


class Synonym(models.Model):
    """A group of interchangeable terms: searching any one finds the others."""

    terms = models.TextField(
        "同义词与简称",
        help_text="每行一个词语（也可用“↔”分隔），同组词语在检索时互相替代，"
        "如“纪委 ↔ 纪律检查委员会”。词语本身可以含顿号、逗号，如“三重一大”的全称"
        "“重大事项决策、重要干部任免、重大项目安排和大额度资金使用”。",
    )
    note = models.CharField("说明", max_length=200, blank=True, help_text="供管理人员参考，如词语出处。")
    enabled = models.BooleanField("启用", default=True, help_text="停用后不再参与检索，但保留以备恢复。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检索同义词"
        verbose_name_plural = "检索同义词"
        ordering = ["pk"]

    def __str__(self) -> str:
        return " ↔ ".join(self.term_list())

    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self) -> None:
        super().clean()
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError({"terms": "一组同义词至少要有两个不同的词语，请每行填写一个。"})
        if len(terms) > MAX_TERMS:
            raise ValidationError({"terms": f"一组最多 {MAX_TERMS} 个词语，请拆成几组。"})
        for term in terms:
            if len(term) > MAX_TERM_LENGTH:
                raise ValidationError({"terms": f"词语“{term[:20]}…”超过 {MAX_TERM_LENGTH} 个字。"})
            if not query_chunks(term):
                raise ValidationError({"terms": f"“{term}”中没有可检索的文字或数字。"})
        self.terms = "\n".join(terms)


class PendingIndexUpdate(models.Model):
    """An item whose index update failed (index unreachable, say).

    The row only says "bring this item's index entry up to date": what that
    means (add, replace or remove) is decided from the database when the
    retry runs, so retries can never apply an outdated change.
    """

    # Not a foreign key: the item may be deleted, and then its removal from the
    # index is exactly what is pending.
    item_id = models.BigIntegerField("事项ID", unique=True)
    attempts = models.PositiveIntegerField("已尝试次数", default=1)
    last_error = models.TextField("最近一次错误", blank=True)
    first_failed_at = models.DateTimeField("首次失败时间", auto_now_add=True)
    last_failed_at = models.DateTimeField("最近失败时间")
    next_attempt_at = models.DateTimeField("下次重试时间", db_index=True)

    class Meta:
        verbose_name = "待同步的索引更新"
        verbose_name_plural = "待同步的索引更新"
        ordering = ["next_attempt_at", "item_id"]

    def __str__(self) -> str:
        return f"事项 {self.item_id}（已尝试 {self.attempts} 次）"
