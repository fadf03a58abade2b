"""PDF output through WeasyPrint; the CJK font comes from the system (fonts-noto-cjk)."""

from __future__ import annotations

from django.conf import settings


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading WeasyPrint costs ~0.5 s

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
