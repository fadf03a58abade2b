"""Reads for the display pages: which region or unit a 党务公开栏 screen shows."""

from __future__ import annotations

from wagtail.models import Page

from disclosure_pages.models import RegionPage, UnitPage
from disclosure_pages.selectors import under_live_ancestors


def kiosk_target(page_id: int) -> RegionPage | UnitPage | None:
    """The live region or unit with this page id (under live ancestors), or None."""
    page = under_live_ancestors(Page.objects.live().type(RegionPage, UnitPage)).filter(pk=page_id).first()
    return page.specific if page else None
