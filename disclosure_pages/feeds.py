"""RSS/Atom feeds of public items: the whole site and per unit. Public (社会) items only."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from .models import UnitPage
from .selectors import attach_units, public_items, under_live_ancestors

FEED_SIZE = 50


class SiteFeed(Feed):
    title = "党务公开平台 · 最新公开"
    description = "各单位经审核、审批后向社会公开的党务信息。"

    def link(self):
        return "/"

    def items(self, obj=None):
        qs = public_items()
        if obj is not None:
            qs = qs.descendant_of(obj)
        return attach_units(list(qs.order_by("-first_published_at", "-pk")[:FEED_SIZE]))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.body)[:300]

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.unit_display_name

    def item_categories(self, item):
        return [item.period_label] if item.period_label else []


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed
    subtitle = SiteFeed.description


class UnitFeed(SiteFeed):
    def get_object(self, request, unit_id: int):
        unit = under_live_ancestors(UnitPage.objects.live()).filter(pk=unit_id).first()
        if unit is None:
            raise Http404
        return unit

    def title(self, obj):
        return f"{obj.title} · 党务公开"

    def link(self, obj):
        return obj.url

    def description(self, obj):
        return f"{obj.unit_path} 向社会公开的党务信息。"


class UnitAtomFeed(UnitFeed):
    feed_type = Atom1Feed
