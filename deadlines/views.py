"""Admin views: the supervisors' compliance view and its exports, a node's 时限说明, filing a zero report."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from disclosure_pages.choices import Schedule
from disclosure_pages.models import CatalogNodePage, DisclosureItemPage
from disclosure_pages.params import parse_id

from . import clock
from .choices import ComplianceState
from .forms import ComplianceFilterForm, ZeroReportForm, year_choices
from .pdf import render_pdf
from .rules import RULE_TEXT
from .selectors import (
    ComplianceRow,
    can_file_zero_report,
    can_see_node_schedule,
    compliance_rows,
    node_judgements,
    reach_roots,
    region_rollups,
    regions_within,
    unit_reports,
)
from .services import ZeroReportError, zero_report_file

PER_PAGE = 50
CSV_HEADER = ["单位", "公开代码", "目录", "时限规则", "周期", "应公开日期", "公开日期", "状态", "逾期天数", "计算说明"]


class AdminPage(WagtailAdminTemplateMixin):
    """Wagtail admin furniture with this view's title as the last breadcrumb."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class ComplianceMixin:
    """Resolves the user's reach and the filters into rows; 403 for anyone who is not a supervisor."""

    def dispatch(self, request, *args, **kwargs):
        self.roots = reach_roots(request.user)
        if self.roots == []:
            raise PermissionDenied("只有各级组织部门（监督范围内）的用户可以查看公开时限督查。")
        return super().dispatch(request, *args, **kwargs)

    def filtered(self):
        self.today = clock.today()
        form = ComplianceFilterForm(self.request.GET or None, roots=self.roots, today=self.today)
        if form.is_bound and not form.is_valid():
            messages.error(self.request, "筛选条件无效，已显示监督范围内全部单位。")
            form = ComplianceFilterForm(None, roots=self.roots, today=self.today)
        data = form.cleaned_data if form.is_bound else {}
        scope = form.scope_page() if form.is_bound else None
        year = data.get("year") or self.today.year
        roots = [scope] if scope is not None else self.roots
        schedule = data.get("schedule") or None
        rows = compliance_rows(roots=roots, year=year, today=self.today, schedules=[schedule] if schedule else None)
        return form, roots, year, rows, data.get("state") or None


def _filter_state(rows: list[ComplianceRow], state: str | None) -> list[ComplianceRow]:
    return [row for row in rows if row.state == state] if state else rows


class ComplianceView(ComplianceMixin, AdminPage, View):
    template_name = "deadlines/compliance.html"
    page_title = "公开时限督查"
    header_icon = "date"

    def get(self, request):
        form, roots, year, rows, state = self.filtered()
        regions = regions_within(roots)
        rollups, total = region_rollups(rows, regions)
        shown = _filter_state(rows, state)
        page = Paginator(shown, PER_PAGE).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            form=form,
            year=year,
            today=self.today,
            rollups=rollups,
            total=total,
            page_obj=page,
            row_count=len(shown),
            query=query.urlencode(),
            coverage_notes=sorted({note for row in page for note in row.judgement.due.notes}),
        )
        return self.render_to_response(context)


class ComplianceExportView(ComplianceMixin, View):
    def get(self, request, fmt: str):
        if fmt not in ("csv", "pdf"):
            raise Http404("导出格式只能是 csv 或 pdf。")
        form, roots, year, rows, state = self.filtered()
        shown = _filter_state(rows, state)
        stamp = f"{year}-{self.today:%Y%m%d}"
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.csv"'
            response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
            writer = csv.writer(response)
            writer.writerow(CSV_HEADER)
            for row in shown:
                j = row.judgement
                writer.writerow(
                    [
                        row.unit_name,
                        row.code,
                        row.node_title,
                        row.schedule_label,
                        j.period.label,
                        j.due.due.isoformat(),
                        j.published.isoformat() if j.published else "",
                        j.state_label,
                        j.days_late,
                        " ".join(j.due.steps() + j.notes),
                    ]
                )
            return response
        rollups, total = region_rollups(rows, regions_within(roots))
        filters = form.cleaned_data if form.is_bound else {}
        html = render_to_string(
            "deadlines/compliance_pdf.html",
            {
                "units": unit_reports(shown),
                "row_count": len(shown),
                "rollups": rollups,
                "total": total,
                "year": year,
                "today": self.today,
                "scope_label": dict(form.fields["scope"].choices).get(request.GET.get("scope", ""), "监督范围内全部"),
                "schedule_label": Schedule(filters["schedule"]).label if filters.get("schedule") else "",
                "state_label": ComplianceState(state).label if state else "",
                "user": request.user,
            },
        )
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.pdf"'
        return response


class NodeScheduleView(AdminPage, View):
    """时限说明: a node's rule and, for a year, every period with its due date computed step by step."""

    template_name = "deadlines/node_schedule.html"
    header_icon = "date"

    def get(self, request, node_id: int):
        node = get_object_or_404(CatalogNodePage, pk=node_id)
        if not can_see_node_schedule(request.user, node):
            raise PermissionDenied("只有本单位的录入、审核、审批人员和上级组织部门可以查看时限说明。")
        today = clock.today()
        year = parse_id(request.GET.get("year")) or today.year
        if not 2000 <= year <= 2100:
            year = today.year
        self.page_title = f"时限说明：{node.code} {node.title}"
        judgements = node_judgements(node, year=year, today=today) if node.level == 3 else []
        pending = (
            DisclosureItemPage.objects.child_of(node).filter(is_zero_report=True, live=False, year=year)
            .order_by("month")
        )
        context = self.get_context_data(
            node=node,
            unit=node.unit,
            year=year,
            years=year_choices(today),
            today=today,
            rule=RULE_TEXT.get(node.schedule, ""),
            judgements=judgements,
            pending_zero_reports=pending,
            can_file=can_file_zero_report(request.user, node) and node.schedule == Schedule.IMMEDIATE,
        )
        return self.render_to_response(context)


class ZeroReportView(AdminPage, View):
    """File 无发生 (零上报) for a month of an immediate node: a draft submitted to the node's workflow."""

    template_name = "deadlines/zero_report.html"
    header_icon = "doc-empty"

    def dispatch(self, request, node_id: int):
        self.node = get_object_or_404(CatalogNodePage, pk=node_id)
        if not can_file_zero_report(request.user, self.node):
            raise PermissionDenied("只有本单位的录入人可以零上报。")
        self.page_title = f"零上报：{self.node.code} {self.node.title}"
        return super().dispatch(request, node_id)

    def render_form(self, form, status=200):
        response = self.render_to_response(self.get_context_data(form=form, node=self.node, unit=self.node.unit))
        response.status_code = status
        return response

    def get(self, request, node_id: int):
        return self.render_form(ZeroReportForm())

    def post(self, request, node_id: int):
        form = ZeroReportForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            item, submitted = zero_report_file(node=self.node, year=year, month=month, user=request.user)
        except ZeroReportError as error:
            form.add_error(None, str(error))
            return self.render_form(form, status=400)
        if submitted:
            messages.success(request, f"已提交“{item.title}”，进入审核流程；审核通过发布后计为按时零上报。")
        else:
            messages.warning(request, f"已保存“{item.title}”为草稿；本目录未设置审核流程，请在编辑页提交审核。")
        return redirect(reverse("wagtailadmin_pages:edit", args=[item.pk]))

