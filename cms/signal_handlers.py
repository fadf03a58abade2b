from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.middleware import bump_version
from disclosure_pages.signals import items_imported


def retire_cached_pages(**kwargs) -> None:
    bump_version()


def connect() -> None:
    # Cached pages and cached fragments (cms.context_processors.public_fragments) retire together;
    # bulk imports publish without page_published, so they announce themselves with items_imported.
    for signal in (page_published, page_unpublished, post_page_move, items_imported):
        signal.connect(retire_cached_pages, dispatch_uid=f"cms-page-cache-{signal}")
    # An approved 目录变更 shows on its unit's page with its 说明.
    from review.filings_signals import filing_decided

    filing_decided.connect(retire_cached_pages, dispatch_uid="cms-page-cache-filing-decided")
