from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "displays"

# Mounted before cms's display/<mode>/ (the 适老化 cookie): "tv" would otherwise be read as a mode.
urlpatterns = [
    path("display/tv/", views.tv, name="tv"),
    path("display/kiosk/<id:page_id>/", views.kiosk, name="kiosk"),
    path("display/qr/item/<id:item_id>.svg", views.item_qr, name="item_qr"),
]
