"""WeasyPrint work that needs no database: lay out a chunk of records' printouts and cut it into PDFs.

Kept free of Django imports so that a spawned worker process can run it (archive.pdf
sends chunks here through a process pool when a volume is large).
"""

from __future__ import annotations

_font_config = None


def font_config():
    """One FontConfiguration per process: fontconfig lookups are done once, not per PDF."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def warm_up(html: str) -> None:
    """Load WeasyPrint, fontconfig and the fonts and CSS of `html` into this process's FontConfiguration."""
    render(html).write_pdf()


def render(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url="/").render(font_config=font_config())


def render_chunk(
    html: str, pks: list[int], has_form: list[bool], with_record_pdf: bool
) -> list[tuple[int, int, bytes | None, bytes | None]]:
    """(pk, pages, approval form PDF, record PDF) per record of a chunk laid out as one document.

    Each record starts at an anchor `record-<pk>` and its content at `content-<pk>`; the pages
    between them are the approval form.
    """
    document = render(html)
    first: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first.setdefault(anchor, index)
    starts = [first[f"record-{pk}"] for pk in pks] + [len(document.pages)]
    results = []
    for index, pk in enumerate(pks):
        pages = document.pages[starts[index] : starts[index + 1]]
        form_pdf = None
        if has_form[index]:
            content_start = first.get(f"content-{pk}", starts[index + 1])
            form_pdf = document.copy(document.pages[starts[index] : content_start]).write_pdf()
        record_pdf = document.copy(pages).write_pdf() if with_record_pdf else None
        results.append((pk, len(pages), form_pdf, record_pdf))
    return results
