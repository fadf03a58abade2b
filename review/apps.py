from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The review procedure: workflow tasks and their states, the approval
    form (审批表), the pre-screen, filings with the superior (报备/报批)."""

    name = "review"
    verbose_name = "审核与报批"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from disclosure_pages import providers
        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded

        from . import filings_hooks, filings_receivers, prescreen, selectors, signal_handlers  # noqa: F401
        from .filings_signals import filing_decided
        from .filings_views import FilingPermissionPolicy
        from .models import Filing

        # What the item editor shows but the review owns: the pre-screen, the proposer's part of the form.
        providers.register(providers.PRESCREEN, prescreen.scan_item)
        providers.register(providers.PROPOSAL_INITIAL, selectors.proposal_initial)
        demo_loaded.connect(signal_handlers.install_demo, sender=DisclosureItemPage, dispatch_uid="review.install_demo")
        # Filings (报备/报批): filings_hooks registers Wagtail hooks; decisions draft items and send held answers.
        register_permission_policy(Filing, FilingPermissionPolicy(Filing), exact_class=True)
        filing_decided.connect(filings_receivers.draft_extra_item, dispatch_uid="review.draft_extra_item")
        filing_decided.connect(filings_receivers.send_withholding_answer, dispatch_uid="review.send_withholding_answer")
