"""Upload checks: a document's bytes must match its extension."""

from __future__ import annotations

from django import forms
from wagtail.documents.forms import BaseDocumentForm

from disclosure_pages.documents import filed_lock_error

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
        raise forms.ValidationError(f"文件内容与扩展名 .{extension} 不符，请上传真实的 {extension.upper()} 文件。")


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and hasattr(uploaded, "content_type"):  # a new upload, not the stored file
            check_signature(uploaded)
            # What was published and filed keeps its file: a replacement is a new document.
            error = filed_lock_error(self.instance, replacing_file=self.instance.pk is not None)
            if error:
                raise forms.ValidationError(error)
        return uploaded
