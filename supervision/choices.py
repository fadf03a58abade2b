from django.db import models


class Satisfaction(models.TextChoices):
    """党员评议: how a member judges the unit's disclosure work. The values sort in this order, which is
    the order ratings are listed in (never the order they were cast)."""

    SATISFIED = "1_satisfied", "满意"
    BASIC = "2_basic", "基本满意"
    DISSATISFIED = "3_dissatisfied", "不满意"


class PeriodState(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "进行中"
    ENDED = "ended", "已结束"
