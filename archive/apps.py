from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "档案管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from disclosure_pages import providers
        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded, item_revoked, items_created_published, items_imported

        from . import checks, history, signal_handlers  # noqa: F401

        providers.register(providers.TIMELINE, history.timeline_entries)

        # Synchronous receivers of signals sent inside the sender's transaction: a filing that
        # fails makes the publication, revocation or import fail. dispatch_uid: ready() may run
        # twice in some test runners.
        page_published.connect(
            signal_handlers.file_publication, sender=DisclosureItemPage, dispatch_uid="archive.file_publication"
        )
        item_revoked.connect(signal_handlers.file_revocation, dispatch_uid="archive.file_revocation")
        items_created_published.connect(signal_handlers.file_created_items, dispatch_uid="archive.file_created_items")
        items_imported.connect(signal_handlers.file_imported_items, dispatch_uid="archive.file_imported_items")
        # 报备/报批: each superior's decision is filed (review sends, the archive receives; review never imports archive).
        from review.filings_signals import filing_decided

        filing_decided.connect(signal_handlers.file_filing_decision, dispatch_uid="archive.file_filing_decision")
        # 依申请公开 and 意见建议/点题 (第三十五条（四）): filed when concluded, in the concluding step's transaction.
        from participation.signals import feedback_answered, request_concluded

        request_concluded.connect(signal_handlers.file_concluded_request, dispatch_uid="archive.file_concluded_request")
        feedback_answered.connect(signal_handlers.file_answered_feedback, dispatch_uid="archive.file_answered_feedback")
        demo_loaded.connect(
            signal_handlers.file_demo_participation, sender=DisclosureItemPage, dispatch_uid="archive.file_demo_participation"
        )
