"""Admin panels of the item editor."""

from __future__ import annotations

from wagtail.admin.panels import MultiFieldPanel, Panel


class PrescreenPanel(Panel):
    """The automatic pre-screen (自动预审) of the draft being edited: what the reviewer will be shown."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "disclosure_pages/admin/prescreen_panel.html"

        def get_context_data(self, parent_context=None):
            from . import providers

            context = super().get_context_data(parent_context)
            instance = self.instance
            context["saved"] = bool(instance.pk)
            # The pre-screen is the review app's (providers.PRESCREEN).
            context["findings"] = (providers.ask(providers.PRESCREEN, instance, default=[]) or []) if instance.pk else []
            context["public"] = instance.scope == "public"
            return context


class ReturnedReasonPanel(Panel):
    """At the top of a returned item's edit page: who returned it, at which step, and why."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "disclosure_pages/admin/returned_reason_panel.html"

        def is_shown(self):
            return self.returned is not None and super().is_shown()

        @property
        def returned(self):
            if not hasattr(self, "_returned"):
                self._returned = None
                instance = self.instance
                state = instance.current_workflow_state if instance.pk else None
                if state is not None and state.status == state.STATUS_NEEDS_CHANGES and state.current_task_state:
                    self._returned = state.current_task_state
            return self._returned

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            task_state = self.returned
            user = task_state.finished_by
            context.update(
                task_state=task_state,
                returned_by=(user.get_full_name() or user.get_username()) if user else "—",
                reason=task_state.comment or "（未填写意见）",
            )
            return context


class CorrectionPanel(MultiFieldPanel):
    """The 更正说明 of a correction draft (an item that replaces a published one); hidden on other items."""

    class BoundPanel(MultiFieldPanel.BoundPanel):
        def is_shown(self):
            return bool(getattr(self.instance, "corrects_id", None)) and super().is_shown()
