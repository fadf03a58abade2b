"""The admin of 监督检查: the superior's ModelViewSet (list, open an inspection, its overview) with the steps
of the work on it (findings per unit, 整改, the 通报 from draft to publication, closing), and the unit
staff's screen of their own unit's findings and 整改 (report what was done). A dashboard panel shows the
overdue 整改: a supervisor's across the reach, a unit's staff's in their own unit.

Every object comes from the user's own querysets (another reach's id is a 404) and every write goes
through supervision.inspection_services, which asks the one policy (disclosure_pages.permissions).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from deadlines import clock
from disclosure_pages.models import UnitPage
from disclosure_pages.permissions import (
    can_answer_rectification,
    can_change,
    can_review_bulletin,
    can_see,
    roles_for,
)
from notices.dashboard import DashboardPanel

from . import inspection_services as services
from .admin_views import targets_for
from .inspection_choices import BulletinState, ChecklistItem, Grade, Half
from .inspection_selectors import (
    bulletin_draft,
    inspections_for_supervisor,
    overdue_rectifications,
    rectifications_for_staff,
    unit_progress,
)
from .models_inspections import TEXT_MAX, Bulletin, Inspection
from .policies import SupervisorPermissionPolicy

NAMESPACE = "supervision_inspections"


def inspect_url(inspection) -> str:
    return reverse(f"{NAMESPACE}:inspect", args=[inspection.pk])


class InspectionPermissionPolicy(SupervisorPermissionPolicy):
    """Supervisors (and superusers) open inspections in their reach and work on them; nobody deletes one
    (its materials are filed in the archive)."""

    actions = frozenset({"add", "change", "view"})

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return can_see(user, instance)
        if action == "change":
            return can_change(user, instance) and instance.is_open
        return False

    def supervised(self, user):
        return inspections_for_supervisor(user)


# --- forms -------------------------------------------------------------------------------------------


def _no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise forms.ValidationError("含有无效字符。")


class InspectionForm(WagtailAdminModelForm):
    units = forms.ModelMultipleChoiceField(
        label="被检查单位",
        queryset=UnitPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则检查对象下的全部公开单位；选择时须在检查对象之下。",
    )

    class Meta:
        model = Inspection
        fields = ["target", "year", "half", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["target"] = forms.ModelChoiceField(
            label="检查对象",
            queryset=targets_for(user) if user is not None else Page.objects.none(),
            help_text=Inspection._meta.get_field("target").help_text,
            error_messages={"required": "请选择检查对象。", "invalid_choice": "请选择监督范围内的单位或行政区域。"},
        )
        self.fields["target"].label_from_instance = lambda page: "　" * max(page.depth - 2, 0) + page.title
        units = UnitPage.objects.live().filter(pk__in=targets_for(user).values("pk")) if user else UnitPage.objects.none()
        self.fields["units"].queryset = units.order_by("path")
        self.fields["units"].label_from_instance = lambda unit: unit.display_name
        self.fields["units"].error_messages["invalid_choice"] = "请选择监督范围内的单位。"
        self.fields["year"].initial = clock.today().year
        self.fields["year"].error_messages.update({"required": "请填写年度。", "invalid": "请填写有效的年度。"})
        self.fields["half"].initial = Half.FIRST if clock.today().month <= 6 else Half.SECOND
        self.fields["half"].error_messages["required"] = "请选择上半年或下半年。"
        self.fields["title"].required = False
        self.fields["title"].help_text = "不填则为“某区域某年上半年党务公开工作监督检查”。"
        self.fields["title"].validators.append(_no_nul)


class FindingsForm(forms.Form):
    def __init__(self, *args, findings=None, **kwargs):
        super().__init__(*args, **kwargs)
        findings = findings or {}
        for item, label in ChecklistItem.choices:
            current = findings.get(item)
            self.fields[f"grade_{item}"] = forms.ChoiceField(
                label=label,
                choices=[("", "请选择")] + list(Grade.choices),
                initial=current.grade if current else "",
                error_messages={"required": f"请对“{label}”作出结论。", "invalid_choice": "请选择有效的检查结果。"},
            )
            self.fields[f"text_{item}"] = forms.CharField(
                label=f"{label}：情况说明",
                required=False,
                max_length=TEXT_MAX,
                initial=current.text if current else "",
                widget=forms.Textarea(attrs={"rows": 2, "aria-label": f"{label}：情况说明"}),
                validators=[_no_nul],
                error_messages={"max_length": f"情况说明不能超过 {TEXT_MAX} 字。"},
            )

    def rows(self):
        return [(label, self[f"grade_{item}"], self[f"text_{item}"]) for item, label in ChecklistItem.choices]

    def values(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {item: (data[f"grade_{item}"], data[f"text_{item}"]) for item in ChecklistItem.values}


class RectificationForm(forms.Form):
    item = forms.ChoiceField(label="检查内容", choices=[("", "（不限）")] + list(ChecklistItem.choices), required=False)
    problem = forms.CharField(
        label="问题及整改要求", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), validators=[_no_nul],
        error_messages={"required": "请填写问题及整改要求。", "max_length": f"不能超过 {TEXT_MAX} 字。"},
    )
    due_on = forms.DateField(
        label="整改期限", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写整改期限。", "invalid": "请填写有效的日期。"},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="退回理由", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), validators=[_no_nul],
        error_messages={"required": "请填写退回理由。", "max_length": f"不能超过 {TEXT_MAX} 字。"},
    )


class ReportForm(forms.Form):
    report = forms.CharField(
        label="整改情况", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), validators=[_no_nul],
        error_messages={"required": "请填写整改情况。", "max_length": f"不能超过 {TEXT_MAX} 字。"},
    )


class BulletinForm(forms.Form):
    title = forms.CharField(label="通报标题", max_length=150, validators=[_no_nul], error_messages={"required": "请填写通报标题。"})
    body = forms.CharField(
        label="通报正文", max_length=20000, widget=forms.Textarea(attrs={"rows": 24}), validators=[_no_nul],
        help_text="由检查结果生成的初稿，请修改定稿。公开页面只显示标题、正文和发布日期。",
        error_messages={"required": "请填写通报正文。"},
    )


# --- the superior's views ----------------------------------------------------------------------------


class _InReachMixin:
    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(inspections_for_supervisor(self.request.user), pk=pk)


class InspectionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return inspections_for_supervisor(self.request.user)


class InspectionCreateView(generic.CreateView):
    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.inspection_open(
                actor=self.request.user,
                target=data["target"],
                year=data["year"],
                half=data["half"],
                title=data.get("title", ""),
                units=list(data.get("units") or []),
            )
        except services.InspectionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已发起“{self.object.title}”，请逐个单位记录检查结果。")
        return redirect(inspect_url(self.object))


class InspectionEditView(_InReachMixin, generic.EditView):
    """An inspection is changed only through its steps (the overview's buttons), never as a whole form."""

    def dispatch(self, request, *args, **kwargs):
        return redirect(inspect_url(self.get_object()))


class InspectionInspectView(_InReachMixin, generic.InspectView):
    template_name = "supervision/inspections/inspect.html"
    fields = ["title", "target", "year", "half", "state", "opened_by", "created_at", "closed_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = self.object, self.request.user
        bulletin = Bulletin.objects.filter(inspection=inspection).first()
        context.update(
            inspection=inspection,
            rows=unit_progress(inspection),
            today=clock.today(),
            may_change=can_change(user, inspection) and inspection.is_open,
            may_draft=can_change(user, inspection),
            bulletin=bulletin,
            may_review=bulletin is not None and bulletin.state == BulletinState.SUBMITTED and can_review_bulletin(user, bulletin),
            drafter_waits=bulletin is not None and bulletin.state == BulletinState.SUBMITTED and bulletin.drafted_by_id == user.pk,
            may_publish=bulletin is not None and bulletin.state == BulletinState.APPROVED and can_change(user, bulletin),
            reason_form=ReasonForm(),
            ns=NAMESPACE,
        )
        return context


class _Step(generic.base.WagtailAdminTemplateMixin, generic.base.View):
    """One step of the work on an inspection in reach (404 otherwise)."""

    header_icon = "doc-full"
    template_name = "supervision/inspections/step.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.inspection = get_object_or_404(inspections_for_supervisor(request.user), pk=kwargs["pk"])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{NAMESPACE}:index"), "label": "监督检查"},
            {"url": inspect_url(self.inspection), "label": self.inspection.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def render(self, **context):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(inspection=self.inspection, **context))

    def back(self):
        return redirect(inspect_url(self.inspection))

    def refuse(self, error, **context):
        if error.status == 404:
            raise Http404(error.message)
        if context:
            context["form"].add_error(None, error.message)
            return self.render(**context)
        messages.error(self.request, error.message)
        return self.back()


class _UnitStep(_Step):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.unit = get_object_or_404(self.inspection.units.all(), pk=kwargs["unit_id"])


class FindingsView(_UnitStep):
    template_name = "supervision/inspections/findings.html"

    def get_page_title(self):
        return f"检查结果：{self.unit.title}"

    def _form(self, data=None):
        current = {f.item: f for f in self.inspection.findings.filter(unit=self.unit)}
        return FindingsForm(data, findings=current)

    def get(self, request, *args, **kwargs):
        return self.render(form=self._form(), unit=self.unit)

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render(form=form, unit=self.unit)
        try:
            services.findings_record(actor=request.user, inspection=self.inspection, unit=self.unit, rows=form.values())
        except services.InspectionError as error:
            return self.refuse(error, form=form, unit=self.unit)
        messages.success(request, f"已保存{self.unit.title}的检查结果。")
        return self.back()


class RectificationAddView(_UnitStep):
    def get_page_title(self):
        return f"新增整改事项：{self.unit.title}"

    def get(self, request, *args, **kwargs):
        return self.render(form=RectificationForm(), unit=self.unit, submit="保存整改事项")

    def post(self, request, *args, **kwargs):
        form = RectificationForm(request.POST)
        if not form.is_valid():
            return self.render(form=form, unit=self.unit, submit="保存整改事项")
        data = form.cleaned_data
        try:
            services.rectification_add(
                actor=request.user, inspection=self.inspection, unit=self.unit,
                item=data["item"], problem=data["problem"], due_on=data["due_on"],
            )
        except services.InspectionError as error:
            return self.refuse(error, form=form, unit=self.unit, submit="保存整改事项")
        messages.success(request, f"已向{self.unit.title}提出整改事项。")
        return self.back()


class RectificationDecisionView(_Step):
    """POST only: confirm (整改完成) or return (退回, with a reason) a reported 整改."""

    def post(self, request, *args, **kwargs):
        rectification = get_object_or_404(self.inspection.rectifications.all(), pk=kwargs["rid"])
        try:
            if kwargs["action"] == "confirm":
                services.rectification_confirm(actor=request.user, rectification=rectification)
                messages.success(request, "已确认整改完成。")
            else:
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "退回须填写理由。")
                    return self.back()
                services.rectification_return(actor=request.user, rectification=rectification, reason=form.cleaned_data["reason"])
                messages.success(request, "已退回，单位须重新报告整改情况。")
        except services.InspectionError as error:
            return self.refuse(error)
        return self.back()

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class BulletinEditView(_Step):
    def get_page_title(self):
        return "起草通报"

    def get(self, request, *args, **kwargs):
        bulletin = Bulletin.objects.filter(inspection=self.inspection).first()
        if bulletin is not None and bulletin.state != BulletinState.DRAFT:
            messages.error(request, f"通报{bulletin.get_state_display()}，不能再修改。")
            return self.back()
        if bulletin is None:
            title, body = bulletin_draft(self.inspection)
            note = "以下初稿由检查结果和整改事项生成，请修改后保存。"
        else:
            title, body = bulletin.title, bulletin.body
            note = f"退回理由：{bulletin.return_reason}" if bulletin.return_reason else ""
        return self.render(form=BulletinForm(initial={"title": title, "body": body}), note=note, submit="保存草稿")

    def post(self, request, *args, **kwargs):
        form = BulletinForm(request.POST)
        if not form.is_valid():
            return self.render(form=form, submit="保存草稿")
        try:
            services.bulletin_save(actor=request.user, inspection=self.inspection, **form.cleaned_data)
        except services.InspectionError as error:
            return self.refuse(error, form=form, submit="保存草稿")
        messages.success(request, "通报草稿已保存。")
        return self.back()


class BulletinActionView(_Step):
    """submit / approve / return (POST), publish (GET: the confirmation; POST: publish)."""

    template_name = "supervision/inspections/publish_confirm.html"

    def get_page_title(self):
        return "发布通报"

    def bulletin(self):
        return get_object_or_404(Bulletin, inspection=self.inspection)

    def get(self, request, *args, **kwargs):
        if kwargs["action"] != "publish":
            return HttpResponseNotAllowed(["POST"])
        return self.render(bulletin=self.bulletin())

    def post(self, request, *args, **kwargs):
        bulletin, action, user = self.bulletin(), kwargs["action"], request.user
        try:
            if action == "submit":
                services.bulletin_submit(actor=user, bulletin=bulletin)
                messages.success(request, "通报已送审，请由同一监督范围内的另一位上级审核。")
            elif action == "approve":
                services.bulletin_approve(actor=user, bulletin=bulletin)
                messages.success(request, "已审核同意，通报可以发布。")
            elif action == "return":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "退回须填写理由。")
                    return self.back()
                services.bulletin_return(actor=user, bulletin=bulletin, reason=form.cleaned_data["reason"])
                messages.success(request, "已退回起草人修改。")
            elif action == "publish":
                services.bulletin_publish(actor=user, bulletin=bulletin)
                messages.success(request, "通报已在公开网站发布。")
            else:
                raise Http404
        except services.InspectionError as error:
            return self.refuse(error)
        return self.back()


class CloseView(_Step):
    template_name = "supervision/inspections/close_confirm.html"

    def get_page_title(self):
        return "结束检查"

    def get(self, request, *args, **kwargs):
        open_count = self.inspection.rectifications.exclude(state="closed").count()
        return self.render(open_count=open_count, missing=services.missing_findings(self.inspection))

    def post(self, request, *args, **kwargs):
        try:
            services.inspection_close(actor=request.user, inspection=self.inspection)
        except services.InspectionError as error:
            return self.refuse(error)
        messages.success(request, "检查已结束，各单位的检查材料已归档。")
        return self.back()


class StateColumn(Column):
    def get_value(self, instance):
        return instance.get_state_display()


class InspectionViewSet(ModelViewSet):
    model = Inspection
    icon = "doc-full"
    menu_label = "监督检查"
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["target", "year", "half", "title"]
    index_view_class = InspectionIndexView
    add_view_class = InspectionCreateView
    inspect_view_class = InspectionInspectView
    edit_view_class = InspectionEditView
    list_display = [
        TitleColumn("title", label="检查名称", accessor="title", get_url=lambda obj: inspect_url(obj)),
        Column("target", label="检查对象", accessor="target.title"),
        Column("period", label="检查期间", accessor="period_label"),
        StateColumn("state", label="状态"),
    ]
    list_filter = ["year", "half", "state"]
    list_export = ["title", "target", "year", "half", "state", "created_at", "closed_at"]
    search_fields = ["title"]
    ordering = ["-year", "-half", "-pk"]

    def get_form_class(self, for_update=False):
        return InspectionForm

    @cached_property
    def url_namespace(self):
        return NAMESPACE

    @cached_property
    def url_prefix(self):
        return "supervision/inspections"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/units/<int:unit_id>/findings/", FindingsView.as_view(), name="findings"),
            path("<int:pk>/units/<int:unit_id>/rectifications/new/", RectificationAddView.as_view(), name="rectification_add"),
            path("<int:pk>/rectifications/<int:rid>/<str:action>/", RectificationDecisionView.as_view(), name="rectification_decide"),
            path("<int:pk>/bulletin/", BulletinEditView.as_view(), name="bulletin_edit"),
            path("<int:pk>/bulletin/<str:action>/", BulletinActionView.as_view(), name="bulletin_action"),
            path("<int:pk>/close/", CloseView.as_view(), name="close"),
        ]


inspection_viewset = InspectionViewSet(NAMESPACE)


# --- the unit staff's screen ---------------------------------------------------------------------------


class MyRectificationsView(generic.base.WagtailAdminTemplateMixin, generic.base.View):
    """The findings of my units' inspections and their 整改, each open one with a form to report on it."""

    page_title = "本单位监督检查与整改"
    header_icon = "doc-full"
    template_name = "supervision/inspections/mine.html"

    def get(self, request):
        rects = list(rectifications_for_staff(request.user).order_by("state", "due_on", "pk"))
        from .inspection_selectors import staff_unit_paths
        from .models_inspections import Finding

        findings = Finding.objects.filter(unit__path__in=staff_unit_paths(request.user)).select_related("inspection", "unit")
        groups: dict[tuple[int, int], dict] = {}
        for f in findings.order_by("-inspection__year", "-inspection__half", "unit__path", "item"):
            groups.setdefault((f.inspection_id, f.unit_id), {"inspection": f.inspection, "unit": f.unit, "findings": [], "rects": []})["findings"].append(f)
        for r in rects:
            groups.setdefault((r.inspection_id, r.unit_id), {"inspection": r.inspection, "unit": r.unit, "findings": [], "rects": []})["rects"].append(r)
        return TemplateResponse(request, self.template_name, self.get_context_data(groups=list(groups.values()), today=clock.today()))


class AnswerView(generic.base.WagtailAdminTemplateMixin, generic.base.View):
    header_icon = "doc-full"
    template_name = "supervision/inspections/step.html"
    page_title = "报告整改情况"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.rectification = get_object_or_404(rectifications_for_staff(request.user), pk=kwargs["rid"])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("supervision_my_rectifications"), "label": "本单位监督检查与整改"},
            {"url": "", "label": self.page_title},
        ]

    def render(self, form):
        return TemplateResponse(
            self.request, self.template_name,
            self.get_context_data(form=form, rectification=self.rectification, unit=self.rectification.unit, submit="报告整改情况"),
        )

    def get(self, request, rid):
        if not can_answer_rectification(request.user, self.rectification):
            messages.error(request, "该整改事项已报告或已整改完成。")
            return redirect("supervision_my_rectifications")
        return self.render(ReportForm(initial={"report": self.rectification.report}))

    def post(self, request, rid):
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.rectification_report(actor=request.user, rectification=self.rectification, report=form.cleaned_data["report"])
        except services.InspectionError as error:
            if error.status == 403:
                raise Http404(error.message) from None
            form.add_error(None, error.message)
            return self.render(form)
        messages.success(request, "整改情况已报告，等待上级确认。")
        return redirect("supervision_my_rectifications")


staff_urls = [
    path("supervision/rectifications/", MyRectificationsView.as_view(), name="supervision_my_rectifications"),
    path("supervision/rectifications/<int:rid>/answer/", AnswerView.as_view(), name="supervision_rectification_answer"),
]


def is_unit_staff(user) -> bool:
    from .inspection_selectors import staff_unit_paths

    return bool(user.is_active and staff_unit_paths(user))


# --- dashboard ------------------------------------------------------------------------------------------

OVERDUE_SHOWN = 20


@dataclass
class OverdueRow:
    problem: str
    unit: str
    inspection: str
    due: datetime.date
    days: int
    state: str
    url: str


class OverdueRectificationsPanel(DashboardPanel):
    name = "supervision_overdue_rectifications"
    heading = "逾期未完成的整改"
    template_name = "supervision/inspections/panel_overdue.html"
    order = 69

    def rows(self) -> list[OverdueRow]:
        today = clock.today()
        user = self.request.user
        supervisor = user.is_superuser or bool(roles_for(user).reaches)
        qs = overdue_rectifications(user, today=today)
        self._total = qs.count()
        return [
            OverdueRow(
                problem=r.problem[:40],
                unit=r.unit.display_name,
                inspection=r.inspection.title,
                due=r.due_on,
                days=(today - r.due_on).days,
                state=r.get_state_display(),
                url=inspect_url(r.inspection) if supervisor else reverse("supervision_my_rectifications"),
            )
            for r in qs[:OVERDUE_SHOWN]
        ]

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["total"] = self._total
        return context


