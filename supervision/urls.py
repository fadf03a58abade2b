from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "supervision"

urlpatterns = [
    path("evaluations/", views.my_evaluations, name="my_evaluations"),
    path("evaluations/<id:period_id>/<id:unit_id>/", views.rate, name="rate"),
    path("evaluations/<id:period_id>/<id:unit_id>/results/", views.results, name="results"),
]
