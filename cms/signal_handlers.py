from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.middleware import bump_version


def retire_cached_pages(**kwargs) -> None:
    bump_version()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(retire_cached_pages, dispatch_uid=f"cms-page-cache-{signal}")
    # An approved 目录变更 shows on its unit's page with its 说明.
    from review.filings_signals import filing_decided

    filing_decided.connect(retire_cached_pages, dispatch_uid="cms-page-cache-filing-decided")
