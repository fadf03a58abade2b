"""Template filters of the archive's admin screens."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def approval_view(snapshot: dict | None) -> dict | None:
    """An approval form's snapshot as shown to a person: codes replaced by their Chinese labels, dates in words."""
    if not snapshot:
        return None
    from ..pdf import form_context

    return form_context(snapshot)
