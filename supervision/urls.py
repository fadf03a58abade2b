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

# 党务公开监督员 and 直通车 (supervision.hotline_views)
from . import hotline_views  # noqa: E402

urlpatterns += [
    path("hotline/", hotline_views.hotline_index, name="hotline_index"),
    path("hotline/new/", hotline_views.hotline_new, name="hotline_new"),
    path("hotline/<str:number>/", hotline_views.hotline_detail, name="hotline_detail"),
    path("units/<id:unit_id>/monitors/", hotline_views.monitor_list, name="monitor_list"),
]

# 监督检查: published 通报 on the public site.
from . import inspections_views  # noqa: E402

urlpatterns += [
    path("bulletins/region/<id:region_id>/", inspections_views.bulletin_list, name="bulletin_list"),
    path("bulletins/<id:bulletin_id>/", inspections_views.bulletin_detail, name="bulletin"),
]
