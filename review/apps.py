from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The review procedure: workflow tasks and their states, the approval
    form (审批表), the pre-screen, filings with the superior (报备/报批)."""

    name = "review"
    verbose_name = "审核与报批"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosure_pages import providers
        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded

        from . import prescreen, selectors, signal_handlers

        # What the item editor shows but the review owns: the pre-screen, the proposer's part of the form.
        providers.register(providers.PRESCREEN, prescreen.scan_item)
        providers.register(providers.PROPOSAL_INITIAL, selectors.proposal_initial)
        demo_loaded.connect(signal_handlers.install_demo, sender=DisclosureItemPage, dispatch_uid="review.install_demo")
