from wagtail.api.v2.router import WagtailAPIRouter

from .views import ItemsAPIViewSet, RegionsAPIViewSet, UnitsAPIViewSet

api_router = WagtailAPIRouter("publicapi")
api_router.register_endpoint("items", ItemsAPIViewSet)
api_router.register_endpoint("units", UnitsAPIViewSet)
api_router.register_endpoint("regions", RegionsAPIViewSet)
