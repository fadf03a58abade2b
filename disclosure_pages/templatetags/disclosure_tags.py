import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from disclosure_pages.sanitising import sanitise_html

register = template.Library()

MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


@register.filter
def mask_mobile(value) -> str:
    """Hide the middle four digits of personal mobile numbers: 13812345678 → 138****5678."""
    return MOBILE_RE.sub(r"\1****\3", str(value or ""))


@register.filter
def sanitised(value) -> SafeString:
    """Stored HTML through the allow-list, for HTML the template did not make itself (records
    filed before sanitising existed are never rewritten, so they are cleaned on the way out)."""
    return mark_safe(sanitise_html(str(value or "")))  # noqa: S308  (nh3 output)


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page: Page):
    ancestors = page.get_ancestors().filter(depth__gt=1) if page else []
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


@register.filter
def chinese_index(value: int) -> str:
    return str(value)
