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


@register.simple_tag
def archive_font_src() -> str:
    """The @font-face src of the PDFs' "Archive Serif" (archive.pdf.font_src)."""
    from django.utils.safestring import mark_safe

    from ..pdf import font_src

    # CSS inside <style>: HTML escaping would turn the quotes into &quot; and lose the font.
    return mark_safe(font_src())  # noqa: S308 - a path this process built, not user input
