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

from .actions import RevokeItemAction, WithdrawItemAction
from .choices import UNIT_WITHDRAWAL_KINDS, WithdrawalKind
from .history import compare_revision, item_revisions, item_timeline
from .models import DisclosureItemPage
from .permissions import can_correct, can_revoke, can_view_history, can_withdraw


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


PUBLIC_NOTE_HELP = "显示在原网址的说明中，请勿写入被撤下内容中不应公开的信息。"


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤消理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="《韶关市党风廉政信息公开平台规范》：各级组织部门可以查看本级及下级党务公开单位的公开信息，并有权撤消已发布的错误的党务公开信息。"
        "理由将写入归档记录和事项履历，并通知该单位录入人；未填写公开说明时，也显示在原网址的撤消说明中。",
        error_messages={"required": "请填写撤消理由。", "max_length": "撤消理由不能超过%(limit_value)d字。"},
    )
    public_reason = forms.CharField(
        label="公开说明（可不填）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="撤消理由不宜公开时填写：原网址显示此说明而不显示撤消理由。" + PUBLIC_NOTE_HELP,
        error_messages={"max_length": "公开说明不能超过%(limit_value)d字。"},
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
        action = RevokeItemAction(
            self.item,
            user=self.request.user,
            reason=form.cleaned_data["reason"],
            public_reason=form.cleaned_data["public_reason"],
        )
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


class WithdrawForm(forms.Form):
    kind = forms.ChoiceField(
        label="处理方式",
        choices=[(kind.value, kind.label) for kind in UNIT_WITHDRAWAL_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择变更、撤销或终止。", "invalid_choice": "请选择变更、撤销或终止。"},
    )
    reason = forms.CharField(
        label="说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：公开事项如需变更、撤销或终止，由制定党务公开目录的党组织批准，"
        "报上级党委备案后及时公布并作说明。" + PUBLIC_NOTE_HELP,
        error_messages={"required": "请填写说明。", "max_length": "说明不能超过%(limit_value)d字。"},
    )
    replacement = forms.TypedChoiceField(
        label="现行事项（变更时可选）",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "请选择列表中的事项。"},
    )
    approval = forms.CharField(
        label="批准情况（可不填）",
        max_length=255,
        required=False,
        help_text="如批准文号；不填写则显示“经本单位党组织（主要负责人）批准”或“经上级组织部门批准”及日期。",
        error_messages={"max_length": "批准情况不能超过%(limit_value)d字。"},
    )

    def __init__(self, *args, item: DisclosureItemPage, **kwargs):
        super().__init__(*args, **kwargs)
        unit = item.unit
        candidates = DisclosureItemPage.objects.live().descendant_of(unit).exclude(pk=item.pk).order_by("-first_published_at")[:200] if unit else []
        self.items = {candidate.pk: candidate for candidate in candidates}
        self.fields["replacement"].choices = [("", "不指定")] + [(pk, c.title) for pk, c in self.items.items()]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("请填写说明。")
        return reason

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("replacement")
        cleaned["replacement"] = self.items.get(chosen) if chosen else None
        if cleaned["replacement"] is not None and cleaned.get("kind") != WithdrawalKind.CHANGED:
            self.add_error("replacement", "只有变更才能指定现行事项。")
        return cleaned


class ItemWithdrawView(ItemViewMixin, FormView):
    """变更/撤销/终止 with the approval of the unit's 主要负责人 or a supervisor; confirms first."""

    page_title = "变更、撤销或终止公开事项"
    header_icon = "warning"
    template_name = "disclosure_pages/admin/item_withdraw.html"
    form_class = WithdrawForm

    def has_permission(self) -> bool:
        return can_withdraw(self.request.user, self.item)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.item}

    def get(self, request, *args, **kwargs):
        if not self.item.live:
            messages.warning(request, f"“{self.item.title}”当前未发布，无需变更、撤销或终止。")
            return redirect("disclosure_item_history", self.item.pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        action = WithdrawItemAction(
            self.item,
            kind=data["kind"],
            user=self.request.user,
            reason=data["reason"],
            approval=data["approval"],
            replacement=data["replacement"],
        )
        try:
            action.execute()
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        label = WithdrawalKind(data["kind"]).label
        messages.success(self.request, f"已{label}“{self.item.title}”：原网址显示{label}说明，记录已归档。")
        return redirect("disclosure_item_history", self.item.pk)


class ItemCorrectView(ItemViewMixin, TemplateView):
    """更正: confirm, then a correction draft is made and opened in the editor."""

    page_title = "更正公开事项"
    header_icon = "edit"
    template_name = "disclosure_pages/admin/item_correct.html"

    def has_permission(self) -> bool:
        return can_correct(self.request.user, self.item)

    def post(self, request, *args, **kwargs):
        from .services import item_correction_start

        try:
            draft = item_correction_start(item=self.item, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("disclosure_item_history", self.item.pk)
        messages.success(request, "已生成更正稿：请修改内容，填写更正说明后提交审核。发布后原事项下线，原网址显示更正说明。")
        return redirect("wagtailadmin_pages:edit", draft.pk)


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
