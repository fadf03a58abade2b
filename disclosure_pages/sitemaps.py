"""The sitemap: Wagtail's, without the pages under an unpublished node, unit or region."""

from __future__ import annotations

from wagtail.contrib.sitemaps import Sitemap

from .selectors import under_live_ancestors


class PublicSitemap(Sitemap):
    def items(self):
        # Items say for themselves whether they are public (DisclosureItemPage.get_sitemap_urls).
        return under_live_ancestors(super().items())
