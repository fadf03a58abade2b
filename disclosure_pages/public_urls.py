from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from . import feeds, params  # noqa: F401  (params registers the <id:…> converter)
from .sitemaps import PublicSitemap

urlpatterns = [
    path("feeds/rss/", feeds.SiteFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("feeds/unit/<id:unit_id>/rss/", feeds.UnitFeed(), name="unit_feed_rss"),
    path("feeds/unit/<id:unit_id>/atom/", feeds.UnitAtomFeed(), name="unit_feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": PublicSitemap}}, name="sitemap"),
]
