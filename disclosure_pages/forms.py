"""The item's admin form."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm

from .attachment_forms import OwnUnitAttachmentsFormMixin


class DisclosureItemForm(OwnUnitAttachmentsFormMixin, WagtailAdminPageForm):
    pass
