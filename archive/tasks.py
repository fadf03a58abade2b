"""Background work of the archive (django-tasks): render a filed record's PDFs once, after the commit.

A failed render is logged and left: the record's PDFs are rendered at their first use
(download, export) or by `manage.py archive_render`, and verify_archive names records without them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def render_record_pdfs(record_ids: list[int]) -> int:
    from .models import ArchiveRecord
    from .services import render_records

    try:
        return render_records(list(ArchiveRecord.objects.filter(pk__in=record_ids).order_by("pk")))
    except Exception:  # noqa: BLE001 - rendered at first use or by archive_render instead
        logger.exception("归档 PDF 生成失败：%s", record_ids)
        return 0


def enqueue_render(record_ids: list[int]) -> None:
    """Never raises: filing must not fail because a PDF could not be queued."""
    if not settings.ARCHIVE_RENDER_AT_FILING or not record_ids:
        return
    try:
        render_record_pdfs.enqueue(record_ids)
    except Exception as exc:  # noqa: BLE001
        logger.warning("归档 PDF 生成任务未能排队：%s", exc)
