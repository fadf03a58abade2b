"""Upload checks: a document's bytes must match its extension (disclosure_pages.documents.check_signature)."""

from __future__ import annotations

from django import forms
from wagtail.documents.forms import BaseDocumentForm

from disclosure_pages.documents import check_signature, filed_lock_error


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
