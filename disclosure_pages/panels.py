"""Admin panels of the item editor."""

from __future__ import annotations

from wagtail.admin.panels import Panel


class PrescreenPanel(Panel):
    """The automatic pre-screen (自动预审) of the draft being edited: what the reviewer will be shown."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "disclosure_pages/admin/prescreen_panel.html"

        def get_context_data(self, parent_context=None):
            from .prescreen import scan_item

            context = super().get_context_data(parent_context)
            instance = self.instance
            context["saved"] = bool(instance.pk)
            context["findings"] = scan_item(instance) if instance.pk else []
            context["public"] = instance.scope == "public"
            return context
