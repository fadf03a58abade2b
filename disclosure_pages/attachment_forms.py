"""The attachment rule in the item's admin form (a mixin, so that any item form class can carry it)."""

from __future__ import annotations


class OwnUnitAttachmentsFormMixin:
    """For a WagtailAdminPageForm of DisclosureItemPage: each attachment row must be a document of the
    item's own unit (documents.attachment_error). The rows do not know their page while the form is
    validated (a new item is not in the tree yet), so the unit comes from the item or the parent it is
    created under; ItemAttachment.clean() asks the same question for rows of saved items."""

    def clean(self):
        from .documents import attachment_error, item_unit

        cleaned = super().clean()
        formset = self.formsets.get("attachments")
        if formset is None:
            return cleaned
        unit = item_unit(self.instance, parent=self.parent_page)
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            error = attachment_error(unit, form.cleaned_data.get("document"))
            if error:
                form.add_error("document", error)
        return cleaned
