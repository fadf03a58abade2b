"""What follows a superior's decision, per subject (connected in ReviewConfig.ready(); one line each)."""

from __future__ import annotations

from .filings_services import extra_item_draft, withholding_answer_send
from .models import FilingSubject


def draft_extra_item(sender, filing, decision, **kwargs) -> None:
    if filing.subject == FilingSubject.EXTRA_ITEM and decision == "approve":
        extra_item_draft(filing=filing)


def send_withholding_answer(sender, filing, decision, **kwargs) -> None:
    if filing.subject == FilingSubject.WITHHOLDING_ANSWER and decision == "approve":
        withholding_answer_send(filing=filing)
