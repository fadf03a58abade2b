"""Admin screens of filings (报备/报批): a Wagtail ModelViewSet (list with filters, inspect) with a
decide view (确认备案 / 同意 / 不同意, confirmed on a second screen) and the editor's 目录外事项 proposal.

Every view asks the one policy (disclosure_pages.permissions: can_see / can_change); the writes are
review.filings_services. Bad input re-renders the form with its Chinese error and a 400; a filing the
user may not see is a 404, one they may not decide is a 403.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from disclosure_pages.choices import Role, Scope
from disclosure_pages.models import UnitPage
from disclosure_pages.permissions import STAFF_ROLES, can_change, can_see, roles_for

from .filings_selectors import filings_for
from .filings_services import (
    DECISIONS_FOR_KIND,
    FilingError,
    catalogue_change_propose,
    catalogue_file,
    extra_item_propose,
    filing_decide,
)
from .models import Filing, FilingKind, FilingState, FilingSubject

DECISION_LABELS = {"acknowledge": "确认备案", "approve": "同意", "refuse": "不同意"}


def forbidden(request, message: str) -> TemplateResponse:
    """A 403 that says why, in the admin's frame (Wagtail's own PermissionDenied handling redirects home)."""
    return TemplateResponse(request, "review/filings/forbidden.html", {"message": message}, status=403)


class FilingPermissionPolicy(ModelPermissionPolicy):
    """Filings are read in the admin by the unit's staff and its supervisors and written only by services."""

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active or user.is_anonymous:
            return False
        return user.is_superuser or roles_for(user).is_unit_staff

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action == "view" and can_see(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        return filings_for(user) if "view" in actions else Filing.objects.none()

    def users_with_any_permission(self, actions, include_superusers=True):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.none()


class FilingFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label="状态", choices=FilingState.choices, empty_label="全部")
    kind = django_filters.ChoiceFilter(label="类别", choices=FilingKind.choices, empty_label="全部")
    subject = django_filters.ChoiceFilter(label="事项类型", choices=FilingSubject.choices, empty_label="全部")

    class Meta:
        model = Filing
        fields = ["state", "kind", "subject"]


class FilingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return filings_for(self.request.user)

    @cached_property
    def header_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        user = self.request.user
        buttons = []
        if user.is_superuser or roles_for(user).unit_paths(Role.EDITOR):
            buttons.append(
                HeaderButton("提出目录外事项", url=reverse("review_filings:propose_extra_item"), icon_name="plus")
            )
        if user.is_superuser or roles_for(user).unit_paths(*STAFF_ROLES):
            buttons.append(HeaderButton("目录备案", url=reverse("review_filings:file_catalogue"), icon_name="list-ul"))
            buttons.append(HeaderButton("目录变更", url=reverse("review_filings:change_catalogue"), icon_name="edit"))
        return buttons


class FilingInspectView(generic.InspectView):
    template_name = "review/filings/inspect.html"
    fields = [
        "kind",
        "subject",
        "unit",
        "superior",
        "title",
        "statement",
        "state",
        "submitted_by",
        "submitted_at",
        "due_date",
        "decided_by",
        "decided_at",
        "reason",
    ]

    def get_object(self, queryset=None):
        filing = get_object_or_404(Filing.objects.select_related("unit", "superior"), pk=self.pk)
        if not can_see(self.request.user, filing):
            raise Http404
        return filing

    def get_page_subtitle(self):
        return f"{self.object.number} {self.object.title}"

    def get_unit_display_value(self):
        return self.object.unit.display_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.object
        context.update(
            filing=filing,
            plan=filing.details.get("plan"),
            events=filing.events.select_related("actor"),
            may_decide=filing.is_pending and can_change(self.request.user, filing),
            decisions=[(d, DECISION_LABELS[d]) for d in DECISIONS_FOR_KIND[filing.kind]],
            subject_object=filing.subject_object,
        )
        return context


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理意见", choices=list(DECISION_LABELS.items()), widget=forms.RadioSelect)
    reason = forms.CharField(
        label="意见及理由", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, filing: Filing, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = DECISIONS_FOR_KIND[filing.kind]
        self.fields["decision"].choices = [(d, DECISION_LABELS[d]) for d in allowed]
        if len(allowed) == 1:
            self.fields["decision"].initial = allowed[0]
        self.fields["decision"].error_messages["required"] = "请选择处理意见。"
        self.fields["decision"].error_messages["invalid_choice"] = (
            f"{filing.get_kind_display()}只能{'、'.join(DECISION_LABELS[d] for d in allowed)}。"
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", "不同意须说明理由。")
        return data


class FilingDecideView(WagtailAdminTemplateMixin, View):
    """Decide a filing: the form, then a confirmation screen, then the service."""

    template_name = "review/filings/decide.html"
    header_icon = "tasks"

    def dispatch(self, request, pk: int):
        self.filing = get_object_or_404(Filing.objects.select_related("unit", "superior"), pk=pk)
        if not can_see(request.user, self.filing):
            raise Http404
        if not can_change(request.user, self.filing):
            return forbidden(request, f"只有{self.filing.superior.title}的上级组织部门可以处理本单位的报备报批。")
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"处理{self.filing.get_kind_display()}：{self.filing.title}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("review_filings:index"), "label": "报备报批"},
            {"url": reverse("review_filings:inspect", args=[self.filing.pk]), "label": self.filing.title},
            {"url": "", "label": "处理"},
        ]

    def render(self, form, *, confirming: bool = False, status: int = 200):
        context = self.get_context_data(
            filing=self.filing,
            form=form,
            confirming=confirming,
            decision_label=DECISION_LABELS.get(form.cleaned_data.get("decision"), "") if confirming else "",
            plan=self.filing.details.get("plan"),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        if not self.filing.is_pending:
            messages.error(
                request,
                f"该{self.filing.get_kind_display()}已处理（{self.filing.get_state_display()}），不能重复处理。",
            )
            return redirect("review_filings:inspect", self.filing.pk)
        return self.render(DecideForm(filing=self.filing))

    def post(self, request, pk: int):
        form = DecideForm(request.POST, filing=self.filing)
        if not form.is_valid():
            return self.render(form, status=400)
        if not form.cleaned_data["confirmed"]:
            return self.render(form, confirming=True)
        try:
            filing = filing_decide(
                filing=self.filing,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except FilingError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form, status=400)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(request, f"{filing.number}：{filing.get_state_display()}。")
        return redirect("review_filings:inspect", filing.pk)


class ExtraItemForm(forms.Form):
    """工作方案 of an item outside the catalogue: content, scope, form, time limit, reason."""

    unit = forms.ModelChoiceField(label="单位", queryset=UnitPage.objects.none(), empty_label=None)
    title = forms.CharField(label="事项名称", max_length=200)
    content = forms.CharField(label="公开内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    scope = forms.ChoiceField(label="公开范围", choices=Scope.choices)
    forms_text = forms.CharField(label="公开形式", max_length=255, help_text="如“网站、公开栏”。")
    time_limit = forms.CharField(label="公开时限", max_length=50, help_text="如“经同意后5个工作日内公开”。")
    reason = forms.CharField(label="公开理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = (
            UnitPage.objects.all()
            if user.is_superuser
            else UnitPage.objects.filter(path__in=roles_for(user).unit_paths(Role.EDITOR))
        )
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name
        for name, field in self.fields.items():
            label = field.label
            field.error_messages["required"] = f"请填写{label}。" if name != "unit" else "请选择单位。"


class ExtraItemProposeView(WagtailAdminTemplateMixin, View):
    template_name = "review/filings/propose.html"
    page_title = "提出目录外事项"
    header_icon = "plus"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or roles_for(user).unit_paths(Role.EDITOR)):
            return forbidden(request, "只有单位录入人可以提出目录外事项。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": reverse("review_filings:index"), "label": "报备报批"}, {"url": "", "label": self.page_title}]

    def render(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(form=form), status=status)

    def get(self, request):
        return self.render(ExtraItemForm(user=request.user))

    def post(self, request):
        form = ExtraItemForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            filing = extra_item_propose(
                unit=data["unit"],
                actor=request.user,
                title=data["title"],
                content=data["content"],
                scope=data["scope"],
                forms=data["forms_text"],
                time_limit=data["time_limit"],
                reason=data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form, status=400)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(
            request, f"已报{filing.superior.title}审核：{filing.title}（{filing.number}），同意后即可录入发布。"
        )
        return redirect("review_filings:inspect", filing.pk)


def _staff_units(user):
    if user.is_superuser:
        return UnitPage.objects.all().order_by("path")
    return UnitPage.objects.filter(path__in=roles_for(user).unit_paths(*STAFF_ROLES)).order_by("path")


class UnitChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=UnitPage.objects.none(), empty_label=None, error_messages={"required": "请选择单位。"}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _staff_units(user)
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name


class CatalogueFileForm(UnitChoiceForm):
    statement = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CatalogueChangeForm(UnitChoiceForm):
    title = forms.CharField(label="变更事项", max_length=200, error_messages={"required": "请填写变更事项。"})
    change = forms.CharField(
        label="变更内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "请写明目录如何变更。"},
    )
    statement = forms.CharField(
        label="说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="经批准后随变更一并公布（《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：报上级党委备案后及时公布并作说明）。",
        error_messages={"required": "目录变更须作说明（公布时一并公开）。"},
    )


class UnitFilingView(WagtailAdminTemplateMixin, View):
    """A unit's staff send their catalogue (目录备案) or a change to it (目录变更) up to the superior."""

    template_name = "review/filings/propose.html"
    header_icon = "list-ul"
    form_class = UnitChoiceForm
    intro = ""
    submit_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not _staff_units(request.user).exists():
            return forbidden(request, "只有单位的录入、审核、审批人员可以报送目录。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": reverse("review_filings:index"), "label": "报备报批"}, {"url": "", "label": self.page_title}]

    def render(self, form, status=200):
        context = self.get_context_data(form=form, intro=self.intro, submit_label=self.submit_label)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(self.form_class(user=request.user))

    def post(self, request):
        form = self.form_class(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            filing = self.submit(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form, status=400)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(request, f"已报{filing.superior.title}：{filing.title}（{filing.number}）。")
        return redirect("review_filings:inspect", filing.pk)


class CatalogueFileView(UnitFilingView):
    page_title = "目录备案"
    form_class = CatalogueFileForm
    submit_label = "报上级备案"
    intro = "基层党组织制定党务公开目录后，报上一级党组织备案；本单位现行目录的全部三级条目随备案报送。"

    def submit(self, data):
        return catalogue_file(unit=data["unit"], actor=self.request.user, statement=data["statement"])


class CatalogueChangeView(UnitFilingView):
    page_title = "目录变更"
    form_class = CatalogueChangeForm
    submit_label = "报上级审批"
    intro = "公开事项如需变更、撤销或终止，由制定党务公开目录的党组织批准，报上级党委备案后及时公布并作说明。"

    def submit(self, data):
        return catalogue_change_propose(
            unit=data["unit"],
            actor=self.request.user,
            title=data["title"],
            change=data["change"],
            statement=data["statement"],
        )


class WithheldItemForm(forms.Form):
    reason = forms.CharField(
        label="暂不宜公开的理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "暂不宜公开须说明理由。"},
    )


class WithheldItemView(WagtailAdminTemplateMixin, View):
    """报备 an item of the catalogue that is not fit to publish for now (暂时不宜公开或不能公开的，报上一级党组织备案)."""

    template_name = "review/filings/propose.html"
    header_icon = "warning"
    page_title = "暂不宜公开事项报备"

    def dispatch(self, request, pk: int):
        from disclosure_pages.models import DisclosureItemPage

        self.item = get_object_or_404(DisclosureItemPage, pk=pk)
        if not can_see(request.user, self.item):
            raise Http404
        if not (request.user.is_superuser or roles_for(request.user).has_role_over(self.item.path, *STAFF_ROLES)):
            return forbidden(request, "只有本单位的录入、审核、审批人员可以报备暂不宜公开事项。")
        return super().dispatch(request, pk)

    def get_breadcrumbs_items(self):
        return [{"url": reverse("review_filings:index"), "label": "报备报批"}, {"url": "", "label": self.page_title}]

    def render(self, form, status=200):
        intro = f"“{self.item.title}”暂时不宜公开或不能公开，报上一级党组织备案。"
        context = self.get_context_data(form=form, intro=intro, submit_label="报上级备案")
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render(WithheldItemForm())

    def post(self, request, pk: int):
        from .filings_services import withheld_item_file

        form = WithheldItemForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            filing = withheld_item_file(item=self.item, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form, status=400)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(request, f"已报{filing.superior.title}备案：{filing.title}（{filing.number}）。")
        return redirect("review_filings:inspect", filing.pk)


class FilingViewSet(ModelViewSet):
    model = Filing
    icon = "tasks"
    menu_label = "报备报批"
    menu_order = 240
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = FilingIndexView
    form_fields = ["title"]  # no add or edit: the policy refuses both; filings change through the services only
    inspect_view_class = FilingInspectView
    filterset_class = FilingFilterSet
    list_display = [
        Column("number", label="编号", accessor="number"),
        Column("title", label="标题", accessor="title"),
        Column("kind", label="类别", accessor="get_kind_display"),
        Column("subject", label="事项类型", accessor="get_subject_display"),
        Column("unit", label="报送单位", accessor="unit.display_name"),
        Column("superior", label="上级党组织", accessor="superior.title"),
        Column("state", label="状态", accessor="get_state_display"),
        DateColumn("due_date", label="办理期限"),
        DateColumn("submitted_at", label="报送时间"),
    ]
    list_export = [
        "number",
        "title",
        "kind",
        "subject",
        "unit",
        "superior",
        "state",
        "due_date",
        "submitted_at",
        "reason",
    ]
    search_fields = ["title", "statement", "unit__title"]
    ordering = ["-submitted_at", "-pk"]

    @cached_property
    def url_namespace(self):
        return "review_filings"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("decide/<int:pk>/", FilingDecideView.as_view(), name="decide"),
            path("propose-extra-item/", ExtraItemProposeView.as_view(), name="propose_extra_item"),
            path("file-catalogue/", CatalogueFileView.as_view(), name="file_catalogue"),
            path("change-catalogue/", CatalogueChangeView.as_view(), name="change_catalogue"),
            path("withhold-item/<int:pk>/", WithheldItemView.as_view(), name="withhold_item"),
        ]


filing_viewset = FilingViewSet("filings")
