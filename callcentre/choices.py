from django.db import models


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "已当场答复"
    REQUEST_FILED = "request", "已代为提交依申请公开"
    FEEDBACK_FILED = "feedback", "已代为提交意见建议"
    CALL_BACK = "call_back", "需回电"
    NOT_FOUND = "not_found", "未找到相关信息"
    OTHER = "other", "其他"
