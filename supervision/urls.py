from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "supervision"

urlpatterns = [
    path("evaluations/", views.my_evaluations, name="my_evaluations"),
    path("evaluations/<id:period_id>/<id:unit_id>/", views.rate, name="rate"),
    path("evaluations/<id:period_id>/<id:unit_id>/results/", views.results, name="results"),
]

from . import annualreport_views  # noqa: E402  (年度报告)

urlpatterns += [
    path("reports/", annualreport_views.reports_list, name="annual_reports"),
    path("reports/<int:year>/<id:subject_id>/", annualreport_views.report_detail, name="annual_report"),
    path("reports/<int:year>/<id:subject_id>/report.pdf", annualreport_views.report_pdf, name="annual_report_pdf"),
]
