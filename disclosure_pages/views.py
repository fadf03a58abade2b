"""Admin views of issue 3: an item's history, revision comparison, and revocation (撤消). Thin:
permissions in permissions.py, reads in history.py, the write in actions.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView as WagtailPageTypesUsageReportView
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .actions import RevokeItemAction
from .history import compare_revision, item_revisions, item_timeline
from .models import DisclosureItemPage
from .permissions import can_revoke, can_view_history


class ItemViewMixin(WagtailAdminTemplateMixin):
    header_icon = "history"

    def setup(self, request, *args, page_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.item = get_object_or_404(DisclosureItemPage, pk=page_id)

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return can_view_history(self.request.user, self.item)

    def get_page_subtitle(self):
        return self.item.get_admin_display_title()

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        unit = self.item.unit
        if unit is not None:
            items.append({"url": reverse("wagtailadmin_explore", args=[self.item.get_parent().pk]), "label": unit.unit_path})
        items.append({"url": reverse("disclosure_item_history", args=[self.item.pk]), "label": self.item.title})
        items.append({"url": "", "label": self.get_page_title()})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        context["unit"] = self.item.unit
        context["can_revoke"] = self.item.live and can_revoke(self.request.user, self.item)
        return context


class ItemHistoryView(ItemViewMixin, TemplateView):
    """One timeline per item: revisions, workflow opinions, publications, revocations, archive records."""

    page_title = "事项履历"
    template_name = "disclosure_pages/admin/item_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = item_timeline(self.item)
        context["revisions"] = item_revisions(self.item)
        return context


class ItemCompareView(ItemViewMixin, TemplateView):
    """A revision beside the live (or last published) version, in readable form."""

    page_title = "版本比较"
    header_icon = "arrows-up-down"
    template_name = "disclosure_pages/admin/item_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = get_object_or_404(self.item.revisions, pk=self.kwargs["revision_id"])
        context["revision"] = revision
        context["comparison"] = compare_revision(self.item, revision)
        return context


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤消理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="《韶关市党风廉政信息公开平台规范》：各级组织部门可以查看本级及下级党务公开单位的公开信息，并有权撤消已发布的错误的党务公开信息。"
        "理由将写入归档记录和事项履历，并通知该单位录入人。",
        error_messages={"required": "请填写撤消理由。"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("请填写撤消理由。")
        return reason


class ItemRevokeView(ItemViewMixin, FormView):
    """Confirm a revocation with its reason (a destructive action always asks first)."""

    page_title = "撤消公开事项"
    header_icon = "warning"
    template_name = "disclosure_pages/admin/item_revoke.html"
    form_class = RevokeForm

    def has_permission(self) -> bool:
        return can_revoke(self.request.user, self.item)

    def get(self, request, *args, **kwargs):
        if not self.item.live:
            messages.warning(request, f"“{self.item.title}”当前未发布，无需撤消。")
            return redirect("disclosure_item_history", self.item.pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        action = RevokeItemAction(self.item, user=self.request.user, reason=form.cleaned_data["reason"])
        try:
            action.execute()
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        names = action.delivery.names
        told = f"已通知：{'、'.join(names)}" if names else "该单位未设录入人、审核人或审批人，未能通知任何人，请另行告知"
        messages.success(self.request, f"已撤消“{self.item.title}”，该事项不再对外公开；撤消记录已归档。{told}。")
        return redirect("disclosure_item_history", self.item.pk)


def no_such_revision(request, page_id: int, action: str):
    """Wagtail's page views take revision 0 for "no revision" (`bool(revision_id)`) and then
    fail on None: /admin/pages/<id>/revisions/0/revert/ was a 500. No revision has id 0."""
    raise Http404("没有这个版本。")


class PageTypesUsageReportView(WagtailPageTypesUsageReportView):
    """Wagtail's 页面类型使用情况 report names, per page type, the last edited page of the whole
    tree: another unit's 党内 item, to any editor. Here it is the last edited page the user may
    explore (or none)."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        user = self.request.user
        if user.is_superuser:
            return page_types
        explorable = policy_registry.get_by_type(Page).explorable_instances(user)
        for item in page_types:
            page = item.last_edited_page
            if page is not None and not explorable.filter(pk=page.pk).exists():
                latest = (
                    explorable.filter(content_type_id=item.pk, latest_revision_created_at__isnull=False)
                    .order_by("-latest_revision_created_at")
                    .first()
                )
                item.last_edited_page = latest.specific if latest else None
        return page_types
