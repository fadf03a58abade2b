from __future__ import annotations

import re

from django import template

from disclosure_pages.models import DisclosureItemPage, UnitPage

from ..selectors import published_feedback

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    """138****5678; a landline keeps its first and last three digits."""
    digits = re.sub(r"\D", "", str(value or ""))
    if not digits:
        return ""
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{digits[:3]}{'*' * max(len(digits) - 6, 2)}{digits[-3:]}"


@register.filter
def mask_email(value) -> str:
    """z***@example.com"""
    text = str(value or "")
    if "@" not in text:
        return ""
    local, domain = text.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


@register.inclusion_tag("participation/includes/page_panel.html", takes_context=True)
def participation_panel(context, page):
    """The 我要提意见 / 点题 / 依申请公开 links and the 回音壁 of a unit page or an item page."""
    page = getattr(page, "specific", page)
    if isinstance(page, DisclosureItemPage):
        unit, item = page.unit, page
        wall = published_feedback(item=page, limit=10)
    elif isinstance(page, UnitPage):
        unit, item = page, None
        wall = published_feedback(unit=page, limit=10)
    else:
        return {"unit": None}
    return {"unit": unit, "item": item, "wall": wall, "request": context.get("request")}


@register.filter
def mask_name(value) -> str:
    """张** : the applicant knows the rest."""
    text = str(value or "").strip()
    return f"{text[:1]}{'*' * max(len(text) - 1, 1)}" if text else ""
