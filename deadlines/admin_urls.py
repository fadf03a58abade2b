from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "deadlines"

urlpatterns = [
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/export/<str:fmt>/", views.ComplianceExportView.as_view(), name="compliance_export"),
    path("node/<id:node_id>/", views.NodeScheduleView.as_view(), name="node_schedule"),
    path("node/<id:node_id>/zero-report/", views.ZeroReportView.as_view(), name="zero_report"),
]
