from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("archive/public-key/", views.public_key_view, name="public_key"),
    path("archive/public-key.pem", views.public_key_pem_view, name="public_key_pem"),
]
