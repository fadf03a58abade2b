from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "档案管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import items_imported

        from . import checks, signal_handlers  # noqa: F401

        # No dispatch_uid-less duplicates: ready() may run twice in some test runners.
        page_published.connect(
            signal_handlers.file_publication, sender=DisclosureItemPage, dispatch_uid="archive.file_publication"
        )
        items_imported.connect(signal_handlers.file_imported_items, dispatch_uid="archive.file_imported_items")
        # 报备/报批: each superior's decision is filed (review sends, the archive receives; review never imports archive).
        from review.filings_signals import filing_decided

        filing_decided.connect(signal_handlers.file_filing_decision, dispatch_uid="archive.file_filing_decision")
