from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from disclosure_pages import params  # noqa: F401  (registers the <id:…> converter)

from . import legacy
from .api import api_router

urlpatterns = [
    path("api/v2/schema/", SpectacularAPIView.as_view(), name="publicapi_schema"),
    path("api/v2/", api_router.urls),
    path("api/items/", legacy.item_list, name="api_items"),
    path("api/items/<id:item_id>/", legacy.item_detail, name="api_item"),
    path("api/openapi.json", legacy.openapi, name="api_openapi"),
]
