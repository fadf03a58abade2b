"""Public pages of the 年度报告: the list of published reports (/reports/), one report
(/reports/<year>/<region or unit id>/) and its PDF. A draft is never public: it is a 404 here, for
everyone (the superior previews it in the admin)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from deadlines.pdf import render_pdf

from .annual_report import figures_of, shown_sections
from .models import AnnualReport, ReportState

PER_PAGE = 20
PDF_CACHE_SECONDS = 24 * 3600


def published_reports():
    return AnnualReport.objects.filter(state=ReportState.PUBLISHED).select_related("subject")


def reports_list(request: HttpRequest) -> HttpResponse:
    reports = published_reports().order_by("-year", "subject__path")
    years = sorted(set(reports.values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    year = int(year) if re.fullmatch(r"[0-9]{4}", year) and int(year) in years else None
    if year is not None:
        reports = reports.filter(year=year)
    page_obj = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "supervision/annualreport/list.html", {"page_obj": page_obj, "years": years, "year": year}
    )


def _published(year: int, subject_id: int) -> AnnualReport:
    if not 2000 <= year <= 2100:
        raise Http404("没有这份已发布的年度报告。")
    report = published_reports().filter(year=year, subject_id=subject_id).first()
    if report is None:
        raise Http404("没有这份已发布的年度报告。")
    return report


def report_context(report: AnnualReport) -> dict:
    figures = figures_of(report)
    return {"report": report, "figures": figures, "sections": shown_sections(figures, report.notes)}


def report_detail(request: HttpRequest, year: int, subject_id: int) -> HttpResponse:
    report = _published(year, subject_id)
    return render(request, "supervision/annualreport/detail.html", report_context(report))


def report_pdf_bytes(report: AnnualReport) -> bytes:
    # Links in the PDF (the 通报 of the 监督检查 section) must be absolute: the file leaves the site.
    context = report_context(report) | {"link_base": settings.WAGTAILADMIN_BASE_URL.rstrip("/")}
    return render_pdf(render_to_string("supervision/annualreport/pdf.html", context))


def report_pdf(request: HttpRequest, year: int, subject_id: int) -> HttpResponse:
    report = _published(year, subject_id)
    # A published report is frozen (figures and text), so its PDF is rendered once and served from the cache.
    key = f"annual-report-pdf:{report.pk}:{report.published_at.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = report_pdf_bytes(report)
        cache.set(key, data, PDF_CACHE_SECONDS)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"annual-report-{report.year}-{report.subject_id}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
