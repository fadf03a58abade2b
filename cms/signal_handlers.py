from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.middleware import bump_version
from disclosure_pages.signals import items_imported


def retire_cached_pages(**kwargs) -> None:
    """A publication, revocation, move, import or decided 目录变更: retire the cached pages now, and
    again once it is committed. Pages are read outside any transaction (cms/transactions.py), so a
    reader between the two sees the rows as they were before the commit; what it caches under the
    intermediate version is retired by the second bump."""
    bump_version()
    transaction.on_commit(bump_version)


def retire_after_commit(**kwargs) -> None:
    """A row a public page shows was saved or deleted: retire the cached pages once it is committed."""
    transaction.on_commit(bump_version)


def retire_after_wall_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A reply shown on, taken off or changed on the 回音壁 (participation.Feedback) retires the cached
    pages and the 互动交流 fragment, once the change is committed (a fragment rendered meanwhile from the
    old rows would otherwise be cached under the new version)."""
    if instance.is_published or (update_fields is not None and "is_published" in update_fields):
        transaction.on_commit(bump_version)


def connect() -> None:
    # Cached pages and cached fragments (cms.context_processors.public_fragments) retire together;
    # bulk imports publish without page_published, so they announce themselves with items_imported.
    for signal in (page_published, page_unpublished, post_page_move, items_imported):
        signal.connect(retire_cached_pages, dispatch_uid=f"cms-page-cache-{signal}")
    # An approved 目录变更 shows on its unit's page with its 说明.
    from review.filings_signals import filing_decided

    filing_decided.connect(retire_cached_pages, dispatch_uid="cms-page-cache-filing-decided")
    for signal in (post_save, post_delete):
        signal.connect(retire_after_wall_change, sender="participation.Feedback", dispatch_uid=f"cms-page-cache-wall-{signal}")
        # Public pages of the supervision app: 监督员 lists, 通报, 年度报告.
        for model in ("supervision.DisclosureMonitor", "supervision.Bulletin", "supervision.AnnualReport"):
            signal.connect(retire_after_commit, sender=model, dispatch_uid=f"cms-page-cache-{model}-{signal}")
