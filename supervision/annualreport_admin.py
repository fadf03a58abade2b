"""The superior's admin screens of the 年度报告: the list (with 起草 for a region or unit and a year), the
editor (概述 and a note per section, the figures as computed now below), the preview, and publishing
after a confirmation page.

Every screen asks the one policy (disclosure_pages.permissions: can_see / can_change on the report, and
may_draft for a new one); a report outside the user's reach is a 404 whatever its id. Writes go through
supervision.annual_report (report_draft, report_update, report_publish).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from deadlines import clock
from disclosure_pages.permissions import can_change, can_see, unit_scope_q

from .admin_views import targets_for
from .annual_report import SECTIONS, ReportError, report_draft, report_publish, report_update
from .annualreport_views import report_context
from .models import AnnualReport
from .models_annualreport import NOTE_MAX, OVERVIEW_MAX
from .policies import is_supervisor

FORBIDDEN = "只有上级党组织（监督范围覆盖该区域或单位的组织部门）可以起草和发布年度报告。"


def reports_for(user):
    q = unit_scope_q(user, "subject", frozenset({"supervisor"}))
    reports = AnnualReport.objects.select_related("subject", "created_by", "published_by")
    return reports if q is None else reports.filter(q)


class DraftForm(forms.Form):
    subject = forms.ModelChoiceField(
        label="报告对象",
        queryset=None,
        help_text="行政区域（含下级区域的全部公开单位）或公开单位。",
        error_messages={"required": "请选择报告对象。", "invalid_choice": "请选择监督范围内的区域或单位。"},
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度。",
            "invalid": "年度应为四位数字，如2026。",
            "min_value": "年度不能早于2000年。",
            "max_value": "年度不能晚于2100年。",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = targets_for(user)
        self.fields["subject"].label_from_instance = lambda page: "　" * max(page.depth - 2, 0) + page.title
        if not self.is_bound:
            self.initial.setdefault("year", clock.today().year)


class ReportForm(forms.Form):
    overview = forms.CharField(
        label="概述（一、总体情况）",
        required=False,
        max_length=OVERVIEW_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": f"概述不能超过{OVERVIEW_MAX}字。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[f"note_{section.key}"] = forms.CharField(
                label=f"“{section.title}”说明",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": f"说明不能超过{NOTE_MAX}字。"},
            )

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "内容含有无效字符，请删除后再保存。")
        return cleaned

    def notes(self) -> dict[str, str]:
        return {section.key: self.cleaned_data.get(f"note_{section.key}", "") for section in SECTIONS}


def forbidden(request):
    return TemplateResponse(request, "supervision/annualreport/admin/forbidden.html", {"message": FORBIDDEN}, status=403)


class SupervisorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not is_supervisor(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class ReportMixin(SupervisorsOnly, WagtailAdminTemplateMixin):
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        items = self.breadcrumbs_items + [{"url": reverse("annual_reports:index"), "label": "年度报告"}]
        if getattr(self, "report", None) is not None:
            items.append({"url": reverse("annual_reports:edit", args=[self.report.pk]), "label": self.report.title})
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_report(self, pk) -> AnnualReport:
        report = get_object_or_404(reports_for(self.request.user), pk=pk)
        if not can_see(self.request.user, report):
            raise Http404
        self.report = report
        return report


class IndexView(ReportMixin, TemplateView):
    page_title = "年度报告"
    template_name = "supervision/annualreport/admin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = reports_for(self.request.user).order_by("-year", "subject__path")
        context["page_obj"] = Paginator(reports, 30).get_page(self.request.GET.get("p"))
        context.setdefault("form", DraftForm(user=self.request.user))
        return context

    def post(self, request):
        form = DraftForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = report_draft(actor=request.user, subject=form.cleaned_data["subject"], year=form.cleaned_data["year"])
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"已起草“{report.title}”，请填写概述和各部分说明，预览后发布。")
                return redirect("annual_reports:edit", report.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EditView(ReportMixin, TemplateView):
    page_title = "编辑年度报告"
    template_name = "supervision/annualreport/admin/edit.html"

    def get(self, request, pk):
        report = self.get_report(pk)
        initial = {"overview": report.overview, **{f"note_{key}": text for key, text in (report.notes or {}).items()}}
        return self.render(ReportForm(initial=initial))

    def render(self, form, status=200):
        report = self.report
        context = self.get_context_data(form=form, editable=not report.is_published and can_change(self.request.user, report))
        context.update(report_context(report))
        return self.render_to_response(context, status=status)

    def post(self, request, pk):
        report = self.get_report(pk)
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            report_update(report=report, actor=request.user, overview=form.cleaned_data["overview"], notes=form.notes())
        except ReportError as error:
            form.add_error(None, error.message)
            return self.render(form, status=error.status)
        messages.success(request, "已保存。")
        if request.POST.get("next") == "preview":
            return redirect("annual_reports:preview", report.pk)
        return redirect("annual_reports:edit", report.pk)


class PreviewView(ReportMixin, TemplateView):
    page_title = "预览"
    template_name = "supervision/annualreport/admin/preview.html"

    def get(self, request, pk):
        report = self.get_report(pk)
        context = self.get_context_data()
        context.update(report_context(report))
        return self.render_to_response(context)


class PublishView(ReportMixin, TemplateView):
    page_title = "发布年度报告"
    template_name = "supervision/annualreport/admin/publish.html"

    def get(self, request, pk):
        report = self.get_report(pk)
        if not can_change(request.user, report):
            raise Http404
        return self.render_to_response(self.get_context_data(report=report))

    def post(self, request, pk):
        report = self.get_report(pk)
        if not can_change(request.user, report):
            raise Http404
        try:
            report_publish(report=report, actor=request.user)
        except ReportError as error:
            messages.error(request, error.message)
            return redirect("annual_reports:edit", report.pk)
        url = reverse("supervision:annual_report", args=[report.year, report.subject_id])
        messages.success(request, f"已发布“{report.title}”，数据已固定。公开地址：{url}")
        return redirect("annual_reports:edit", report.pk)


admin_urls = [
    path("", IndexView.as_view(), name="index"),
    path("<id:pk>/", EditView.as_view(), name="edit"),
    path("<id:pk>/preview/", PreviewView.as_view(), name="preview"),
    path("<id:pk>/publish/", PublishView.as_view(), name="publish"),
]


class SupervisorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_supervisor(request.user)


def menu_item():
    return SupervisorMenuItem("年度报告", reverse("annual_reports:index"), icon_name="doc-full", name="annual-reports", order=260)
