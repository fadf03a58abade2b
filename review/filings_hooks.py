"""Wagtail hooks of filings (imported by ReviewConfig.ready()): the 报备报批 viewset and the superior's
dashboard panel (the notices app's panels: a superior sees what waits for them, with the link to act)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from notices.dashboard import DashboardPanel, waited_text

from .filings_views import filing_viewset


@hooks.register("register_admin_viewset")
def register_filing_viewset():
    return filing_viewset


@dataclass
class FilingRow:
    title: str
    label: str
    unit: str
    waited: str
    due: object
    overdue: bool
    url: str


class AwaitingFilingsPanel(DashboardPanel):
    name = "review_awaiting_filings"
    heading = "待我处理的报备报批"
    template_name = "review/filings/panel.html"
    order = 62

    def rows(self) -> list[FilingRow]:
        from .filings_selectors import awaiting_decision

        today = timezone.localdate()
        return [
            FilingRow(
                title=filing.title,
                label=f"{filing.get_kind_display()}·{filing.get_subject_display()}",
                unit=filing.unit.display_name,
                waited=waited_text(filing.submitted_at),
                due=filing.due_date,
                overdue=filing.due_date < today,
                url=reverse("review_filings:decide", args=[filing.pk]),
            )
            for filing in awaiting_decision(self.request.user).order_by("due_date", "pk")[:20]
        ]


@hooks.register("construct_homepage_panels")
def add_filing_panel(request, panels):
    panels.append(AwaitingFilingsPanel(request))


@hooks.register("register_page_header_buttons")
def withheld_item_button(page, user, view_name, next_url=None):
    """暂不宜公开报备 on an unpublished item's admin pages, for its unit's staff."""
    from wagtail.admin.widgets.button import Button

    from disclosure_pages.permissions import STAFF_ROLES, roles_for
    from disclosure_pages.selectors import is_item_page

    if not is_item_page(page) or page.live or not roles_for(user).has_role_over(page.path, *STAFF_ROLES):
        return
    yield Button(
        "暂不宜公开报备", reverse("review_filings:withhold_item", args=[page.pk]), icon_name="warning", priority=70
    )
