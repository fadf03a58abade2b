"""Vocabulary of 监督检查 (inspections), their 整改 items and 通报."""

from django.db import models


class Half(models.TextChoices):
    FIRST = "1", "上半年"
    SECOND = "2", "下半年"


class ChecklistItem(models.TextChoices):
    """南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》（监督检查制度）：上级党组织“重点检查公开的内容
    是否全面、程序是否规范、形式是否恰当、制度是否健全、执行是否到位、效果是否明显”。The values sort in that order."""

    CONTENT = "1_content", "内容是否全面"
    PROCEDURE = "2_procedure", "程序是否规范"
    FORM = "3_form", "形式是否恰当"
    RULES = "4_rules", "制度是否健全"
    EXECUTION = "5_execution", "执行是否到位"
    EFFECT = "6_effect", "效果是否明显"


class Grade(models.TextChoices):
    """A finding on one checklist item. The six items ask how far (全面, 规范, 恰当, 健全, 到位, 明显), not
    whether a written standard is met, so a graded scale reads right where 符合/不符合 would need a
    standard the inspection does not have; it is also how 通报 of inspections commonly phrase it."""

    GOOD = "1_good", "好"
    FAIR = "2_fair", "较好"
    AVERAGE = "3_average", "一般"
    POOR = "4_poor", "差"


PROBLEM_GRADES = frozenset({Grade.AVERAGE, Grade.POOR})


class InspectionState(models.TextChoices):
    OPEN = "open", "检查中"
    CLOSED = "closed", "已结束"


class RectificationState(models.TextChoices):
    OPEN = "open", "待整改"
    REPORTED = "reported", "待确认"
    CLOSED = "closed", "已整改"


class BulletinState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核待发布"
    PUBLISHED = "published", "已发布"
