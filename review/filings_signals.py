"""Domain signals of filings (报备/报批). Sent inside the deciding transaction: a receiver that fails
undoes the decision. Receivers: the archive files each decision; review.filings_receivers runs each
subject's follow-up."""

from django.dispatch import Signal

# filing=Filing: a unit sent something up to its superior.
filing_submitted = Signal()
# filing=Filing, decision="acknowledge" | "approve" | "refuse": the superior answered.
filing_decided = Signal()
