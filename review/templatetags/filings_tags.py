"""The public side of filings: approved changes to a unit's catalogue, each with its 说明."""

from django import template

from review.filings_selectors import published_catalogue_changes

register = template.Library()


@register.inclusion_tag("review/filings/catalogue_changes.html")
def catalogue_changes(unit):
    return {"changes": published_catalogue_changes(unit)}
