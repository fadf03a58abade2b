from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .api import api_router

urlpatterns = [
    path("api/v2/schema/", SpectacularAPIView.as_view(), name="publicapi_schema"),
    path("api/v2/", api_router.urls),
]
