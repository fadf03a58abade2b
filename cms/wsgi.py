import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
application = get_wsgi_application()


def _warm_up_pdfs() -> None:
    # Each worker pays WeasyPrint's import, fontconfig and the archive font once, here, rather
    # than the first archivist who asks for an approval form (0.7 s cold against 0.1 s warm).
    from django.conf import settings

    if not settings.ARCHIVE_PDF_WARM_UP:
        return
    import logging

    try:
        from archive.pdf import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 - a worker that cannot lay out PDFs still serves pages
        logging.getLogger("archive").exception("PDF 预热失败")


_warm_up_pdfs()
