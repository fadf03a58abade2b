import re

from django import template
from wagtail.models import Page

register = template.Library()

MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


@register.filter
def mask_mobile(value) -> str:
    """Hide the middle four digits of personal mobile numbers: 13812345678 → 138****5678."""
    return MOBILE_RE.sub(r"\1****\3", str(value or ""))


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page: Page):
    ancestors = page.get_ancestors().filter(depth__gt=1) if page else []
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


@register.filter
def chinese_index(value: int) -> str:
    return str(value)
