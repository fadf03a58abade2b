"""The item's admin form: attachments must be documents of the item's own unit."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class DisclosureItemForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        from .documents import attachment_error, item_unit

        # The attachment rows do not know their page while the form is validated (a new item is
        # not in the tree yet): the unit comes from the item or the parent it is created under.
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
