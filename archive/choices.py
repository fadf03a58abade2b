"""Vocabulary of the archive (归档); the approval form's (审批表) is the review app's."""

from __future__ import annotations

from django.db import models

from review.choices import (
    PLATFORM_SYNONYMS,
    DiscloseOpinion,
    FormState,
    LeaderOpinion,
    Platform,
    SecrecyOpinion,
    approval_labels,
    choice_value,
)

__all__ = [
    "DiscloseOpinion", "FormState", "ITEM_KINDS", "LeaderOpinion", "Platform", "RecordKind", "SecrecyOpinion", "choice_value",
    "PLATFORM_SYNONYMS", "approval_labels",
]


class RecordKind(models.TextChoices):
    PUBLICATION = "publication", "发布"
    IMPORT = "import", "历史导入"
    REVOCATION = "revocation", "撤消"
    ZERO_REPORT = "zero_report", "零上报"
    FILING = "filing", "报备报批"
    # 《中共惠农区委党务公开若干制度（试行）》第三十五条: feedback, requests and their handling, inspection materials.
    FEEDBACK = "feedback", "意见建议"
    REQUEST = "request", "依申请公开"
    INSPECTION = "inspection", "监督检查"
    BULLETIN = "bulletin", "通报"


# Records of an item's publication: their item_ref is the item's page id. The other kinds file a document
# (a 报备, a request, feedback…) and their item_ref is that document's own id, which may equal some page's.
ITEM_KINDS = (RecordKind.PUBLICATION, RecordKind.IMPORT, RecordKind.REVOCATION, RecordKind.ZERO_REPORT)
