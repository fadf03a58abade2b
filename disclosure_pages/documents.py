"""Documents belong to units: each UnitPage has its own Wagtail collection.

- A unit's uploads land in its collection; who may upload, choose and edit there follows
  the unit memberships (permissions.UnitDocumentPermissionPolicy), not one group per unit.
- An item attaches only documents of its own unit (`attachment_error`, asked by
  ItemAttachment.clean() and the item's admin form).
- A document's file is served by the scope of its own unit's items that attach it
  (`may_read_file`), never through an item elsewhere that points at it.
- What was filed stays: a document attached to a published (or once published, hence
  archived) item keeps its file; the editor uploads a new document and the item gets it
  through a new revision and review (`filed_lock_error`).
- Files are served as downloads unless a real parse shows a safe type (`inline_safe`).
"""

from __future__ import annotations

import io

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from wagtail.models import Collection

from .models import DisclosureItemPage, ItemAttachment, UnitPage

CROSS_UNIT_ERROR = "此文件不属于本单位（{unit}），不能作为本事项的附件。请上传本单位的文件。"
FILED_REPLACE_ERROR = (
    "该文件是已发布或已归档事项的附件，不能替换文件：已公开和归档的内容不得更改。"
    "请另行上传新文件，在事项中换用新文件并重新提交审核。"
)


# --- uploads: the bytes must match the extension (documents, answers to requests) ------------------

# Leading bytes of each accepted type; Office Open XML files are ZIP archives.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "ofd": (b"PK\x03\x04",),
}


def check_signature(uploaded) -> None:
    name = (uploaded.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    expected = SIGNATURES.get(extension)
    if expected is None:
        return  # plain text and other listed types carry no signature
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(sig) for sig in expected):
        raise ValidationError(f"文件内容与扩展名 .{extension} 不符，请上传真实的 {extension.upper()} 文件。")



def upload_error(uploaded) -> str | None:
    """Why an uploaded file is refused (extension, size, content); None when it is accepted.
    The same rules as the document upload form (WAGTAILDOCS_EXTENSIONS, WAGTAILDOCS_MAX_UPLOAD_SIZE)."""
    from django.conf import settings

    name = (getattr(uploaded, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or []
    if extension not in allowed:
        return f"不支持的文件类型“.{extension}”，可上传：{'、'.join(allowed)}。" if extension else f"文件须有扩展名，可上传：{'、'.join(allowed)}。"
    limit = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)
    if limit and uploaded.size > limit:
        return f"文件“{uploaded.name}”过大（{uploaded.size / 1048576:.1f} MB），不能超过 {limit // 1048576} MB。"
    try:
        check_signature(uploaded)
    except ValidationError as error:
        return error.messages[0]
    return None


# --- a unit's collection ----------------------------------------------------------------------


@transaction.atomic
def unit_collection_sync(unit: UnitPage) -> Collection:
    """Create the unit's collection (named by its path, e.g. 韶关市/武江区/区委办) or keep its name current."""
    name = unit.unit_path
    if unit.collection_id is not None:
        collection = Collection.objects.get(pk=unit.collection_id)
        if collection.name != name:
            collection.name = name
            collection.save(update_fields=["name"])
        return collection
    collection = Collection.get_first_root_node().add_child(name=name)
    UnitPage.objects.filter(pk=unit.pk).update(collection=collection)
    unit.collection = collection
    return collection


def unit_collection(unit: UnitPage) -> Collection:
    return unit.collection if unit.collection_id else unit_collection_sync(unit)


def document_unit(document) -> UnitPage | None:
    """The unit whose collection holds `document` (None: a collection of no unit, e.g. the root)."""
    return UnitPage.objects.filter(collection_id=document.collection_id).first()


# --- attaching ---------------------------------------------------------------------------------


def attachment_error(unit: UnitPage | None, document) -> str | None:
    """Why `document` may not be attached to an item of `unit`; None when it may."""
    if unit is None or document is None:
        return None
    if unit.collection_id is None or document.collection_id != unit.collection_id:
        return CROSS_UNIT_ERROR.format(unit=unit.unit_path)
    return None


def item_unit(item: DisclosureItemPage, parent=None) -> UnitPage | None:
    """The unit of an item, also while it is being created (not yet in the tree)."""
    path = item.path or getattr(parent, "path", None) or getattr(getattr(item, "_creation_parent", None), "path", None)
    if not path:
        return None
    return UnitPage.objects.filter(path__in=[path[:n] for n in range(UnitPage.steplen, len(path) + 1, UnitPage.steplen)]).first()


def own_unit_attachments(attachments: QuerySet[ItemAttachment] | None = None) -> QuerySet[ItemAttachment]:
    """Attachments whose document belongs to the item's own unit (or to no unit's collection):
    the only ones any surface shows, whatever rows a bypass of the checks above may have written."""
    attachments = ItemAttachment.objects.all() if attachments is None else attachments
    return attachments.filter(
        Q(document__collection__unit_page__isnull=True)
        | Q(page__path__startswith=F("document__collection__unit_page__path"))
    )


# --- reading a file ----------------------------------------------------------------------------


def may_read_file(user, document) -> bool:
    """Superusers and the uploader; else a 主动公开 attachment of an item of the document's OWN unit
    that the user may see, or that the user may edit. Items elsewhere that point at it count for nothing."""
    from .selectors import can_view_item

    if user.is_authenticated and (user.is_superuser or document.uploaded_by_user_id == user.pk):
        return True
    attachments = own_unit_attachments(ItemAttachment.objects.filter(document=document)).select_related("page")
    for attachment in attachments:
        if attachment.is_downloadable and can_view_item(user, attachment.page):
            return True
        if user.is_authenticated and attachment.page.permissions_for_user(user).can_edit():
            return True
    return False


# --- what was filed stays --------------------------------------------------------------------------


def document_is_filed(document) -> bool:
    """Attached to an item that is or was published (every publication is filed in the archive)."""
    if document is None or document.pk is None:
        return False
    return ItemAttachment.objects.filter(document_id=document.pk, page__first_published_at__isnull=False).exists()


def document_in_use(document) -> bool:
    """Attached to any item (published or draft): such a document is not deleted."""
    return document is not None and document.pk is not None and ItemAttachment.objects.filter(document_id=document.pk).exists()


def filed_lock_error(document, *, replacing_file: bool) -> str | None:
    if replacing_file and document_is_filed(document):
        return FILED_REPLACE_ERROR
    return None


# --- serving -------------------------------------------------------------------------------------

# Markup a browser could act on if the bytes were ever read as HTML: a file that carries it is a download.
MARKUP = (b"<script", b"<html", b"<iframe", b"<svg", b"<body", b"<meta", b"<object", b"<embed", b"javascript:")
PDF_ACTIVE = ("/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/XFA", "/RichMedia")
INLINE_CACHE_SECONDS = 24 * 3600


def _pdf_is_plain(data: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if len(reader.pages) < 1:
            return False
        catalog = reader.trailer["/Root"]
        return not any(key in catalog for key in ("/OpenAction", "/AA", "/Names", "/AcroForm"))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        return False


def _image_is_plain(data: bytes, fmt: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


SAFE_INLINE = {"pdf": ("application/pdf", None), "png": ("image/png", "PNG"), "jpg": ("image/jpeg", "JPEG"), "jpeg": ("image/jpeg", "JPEG")}


def inline_safe(document) -> str | None:
    """The content type to show `document` inline with, or None: serve it as a download.

    Inline only for a PDF that pypdf opens strictly (at least one page, no scripts, actions,
    forms or embedded files) or an image Pillow opens and verifies, and only when the bytes
    carry no markup (a %PDF…<script> polyglot is a download). The verdict is cached by the
    file's hash, so a file is parsed once, not on every request."""
    extension = document.file_extension.lower()
    if extension not in SAFE_INLINE:
        return None
    content_type, image_format = SAFE_INLINE[extension]
    key = f"doc-inline:{document.pk}:{document.file_hash or document.file.name}"
    verdict = cache.get(key)
    if verdict is None:
        try:
            with document.open_file() as handle:
                data = handle.read()
        except (OSError, ValueError):
            return None
        lowered = data.lower()
        if any(marker in lowered for marker in MARKUP):
            verdict = False
        elif image_format is None:
            verdict = _pdf_is_plain(data) and not any(name.encode() in data for name in PDF_ACTIVE)
        else:
            verdict = _image_is_plain(data, image_format)
        cache.set(key, verdict, INLINE_CACHE_SECONDS)
    return content_type if verdict else None
