"""Personas and helpers of the archive tests: 武江区委办's editor, reviewer and leader, an archivist, an outsider."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from disclosure_pages.models import ItemAttachment
from tests.builders import make_item, make_user

WJ = "韶关市/武江区/区委办"


def publish(item, *, user=None, **changes):
    """Edit an item and publish the new revision the way the admin does (Wagtail's publish action)."""
    for name, value in changes.items():
        setattr(item, name, value)
    revision = item.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    item.refresh_from_db()
    return revision


def attach(item, *, content: bytes = b"%PDF-1.4 test attachment", title: str = "附件一"):
    document = get_document_model().objects.create(title=title, file=ContentFile(content, name="attachment.pdf"))
    ItemAttachment.objects.create(page=item, document=document, doc_number="武区办〔2026〕1号")
    return document


def pdf_text(data: bytes) -> str:
    """Text of a PDF as a reader copies it out: poppler's pdftotext."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


@pytest.fixture
def wj_item(db):
    return make_item(WJ, "1-1-1", title="2026年度班子成员分工调整")


@pytest.fixture
def archivist(db):
    user = make_user("archivist_zhang", first_name="档案员小张")
    user.groups.add(Group.objects.get(name="档案管理员"))
    return user


@pytest.fixture
def outsider(db):
    return make_user("outsider_li", is_staff=True)
