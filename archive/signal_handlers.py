"""Signal handlers of the archive, connected in ArchiveConfig.ready(); each is one line of side effect."""

from __future__ import annotations

from django.db import transaction

from .participation_records import archive_feedback, archive_past_participation, archive_request
from .services import archive_filing, archive_imported, archive_imported_ids, archive_publication, archive_revocation


def file_publication(sender, instance, revision, **kwargs) -> None:
    # page_published also fires when a first publication is only *scheduled* (not live yet): file it when it goes live.
    if instance.live and instance.live_revision_id == revision.pk:
        archive_publication(item=instance, revision=revision, user=revision.user)


def file_revocation(sender, item, user, reason, **kwargs):
    return archive_revocation(item=item, user=user, reason=reason)


def file_created_items(sender, items, **kwargs) -> None:
    archive_imported(items)


def file_imported_items(sender, item_ids, **kwargs) -> None:
    archive_imported_ids(item_ids)


def file_filing_decision(sender, filing, **kwargs) -> None:
    archive_filing(filing=filing)


def file_concluded_request(sender, request, **kwargs) -> None:
    archive_request(request=request)


def file_answered_feedback(sender, feedback, **kwargs) -> None:
    archive_feedback(feedback=feedback)


def file_demo_participation(sender, **kwargs) -> None:
    # After the demo's commit: every app's demo rows exist by then, whichever order the receivers ran in.
    transaction.on_commit(archive_past_participation)
