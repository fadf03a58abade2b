from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "supervision"

urlpatterns = [
    path("evaluations/", views.my_evaluations, name="my_evaluations"),
    path("evaluations/<id:period_id>/<id:unit_id>/", views.rate, name="rate"),
    path("evaluations/<id:period_id>/<id:unit_id>/results/", views.results, name="results"),
]

# 监督检查: published 通报 on the public site.
from . import inspections_views  # noqa: E402

urlpatterns += [
    path("bulletins/region/<id:region_id>/", inspections_views.bulletin_list, name="bulletin_list"),
    path("bulletins/<id:bulletin_id>/", inspections_views.bulletin_detail, name="bulletin"),
]
