from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "supervision"

urlpatterns = [
    path("evaluations/", views.my_evaluations, name="my_evaluations"),
    path("evaluations/<id:period_id>/<id:unit_id>/", views.rate, name="rate"),
    path("evaluations/<id:period_id>/<id:unit_id>/results/", views.results, name="results"),
]

# 党务公开监督员 and 直通车 (supervision.hotline_views)
from . import hotline_views  # noqa: E402

urlpatterns += [
    path("hotline/", hotline_views.hotline_index, name="hotline_index"),
    path("hotline/new/", hotline_views.hotline_new, name="hotline_new"),
    path("hotline/<str:number>/", hotline_views.hotline_detail, name="hotline_detail"),
    path("units/<id:unit_id>/monitors/", hotline_views.monitor_list, name="monitor_list"),
]
