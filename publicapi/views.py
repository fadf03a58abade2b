"""The public API on Wagtail's API v2: items, units and regions, everyone's view only.

Every queryset starts from `publicapi.selectors` (public_items() and live pages under live
ancestors), so an internal, draft or revoked item's id answers 404 exactly like an id that
never existed. The endpoints are read-only and the same for every visitor: no session or
login is read, so nothing here depends on who asks.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from disclosure_pages import params  # noqa: F401  (registers the <id:…> converter)
from disclosure_pages.models import DisclosureItemPage, RegionPage, UnitPage

from . import selectors
from .filters import ItemFilter, RegionFilter, UnitFilter
from .pagination import PublicPagination
from .serializers import ItemDetailSerializer, ItemSerializer, RegionSerializer, UnitSerializer

ERROR = inline_serializer("Error", {"message": serializers.CharField(), "errors": serializers.DictField(required=False)})
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="对象 ID")


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{message}" for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


class PublicPagesAPIViewSet(PagesAPIViewSet):
    renderer_classes = [JSONRenderer]
    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = PublicPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = None
    known_query_parameters = frozenset(["limit", "offset"])
    listing_serializer_class = None
    detail_serializer_class = None
    not_found_message = "未找到。"

    @classmethod
    def get_urlpatterns(cls):
        # No find/ view: its ?id= reaches the database unchecked. Ids are what parse_id accepts.
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<id:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    def perform_content_negotiation(self, request, force=False):
        # JSON whatever the Accept header or ?format= say: a display should never get a 406.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def get_base_queryset(self):
        return self.get_queryset()

    def get_serializer_class(self):
        return self.listing_serializer_class if self.action == "listing_view" else self.detail_serializer_class

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "router": self.request.wagtailapi_router}

    def check_query_parameters(self, queryset):
        allowed = self.known_query_parameters | set(self.filterset_class.base_filters)
        unknown = set(self.request.GET) - allowed
        if unknown:
            raise BadRequestError(f"不支持的查询参数：{'、'.join(sorted(unknown))}。可用的参数：{'、'.join(sorted(allowed))}。")

    def prepare(self, objects: list, *, detail: bool) -> list:
        return objects

    def paginate_queryset(self, queryset):
        return self.prepare(list(super().paginate_queryset(queryset)), detail=False)

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            self._cached_object = self.prepare([super().get_object()], detail=True)[0]
        return self._cached_object

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"message": self.not_found_message}, status=404)
        if isinstance(exc, ValidationError):
            messages = _messages(exc.detail)
            return Response({"message": "；".join(messages), "errors": exc.detail}, status=400)
        return super().handle_exception(exc)


@extend_schema(tags=["公开事项"])
class ItemsAPIViewSet(PublicPagesAPIViewSet):
    model = DisclosureItemPage
    name = "items"
    filterset_class = ItemFilter
    listing_serializer_class = ItemSerializer
    detail_serializer_class = ItemDetailSerializer
    not_found_message = "没有这个公开事项（或它未向社会公开）。"

    def get_queryset(self):
        return selectors.api_items()

    def prepare(self, objects, *, detail):
        return selectors.prepare_items(objects, detail=detail)

    @extend_schema(
        summary="公开事项列表（按首次发布时间倒序）",
        description="仅包含向社会公开的已发布事项。",
        responses={200: ItemSerializer(many=True), 400: ERROR},
    )
    def listing_view(self, request):
        return super().listing_view(request)

    @extend_schema(
        summary="公开事项详情",
        parameters=[ID_PARAMETER],
        responses={200: ItemDetailSerializer, 404: OpenApiResponse(ERROR, description="不存在或未向社会公开")},
    )
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)


@extend_schema(tags=["公开单位"])
class UnitsAPIViewSet(PublicPagesAPIViewSet):
    model = UnitPage
    name = "units"
    filterset_class = UnitFilter
    listing_serializer_class = UnitSerializer
    detail_serializer_class = UnitSerializer
    not_found_message = "没有这个公开单位。"

    def get_queryset(self):
        return selectors.api_units()

    def prepare(self, objects, *, detail):
        return selectors.prepare_units(objects)

    @extend_schema(summary="公开单位列表", responses={200: UnitSerializer(many=True), 400: ERROR})
    def listing_view(self, request):
        return super().listing_view(request)

    @extend_schema(summary="公开单位", parameters=[ID_PARAMETER], responses={200: UnitSerializer, 404: ERROR})
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)


@extend_schema(tags=["行政区域"])
class RegionsAPIViewSet(PublicPagesAPIViewSet):
    model = RegionPage
    name = "regions"
    filterset_class = RegionFilter
    listing_serializer_class = RegionSerializer
    detail_serializer_class = RegionSerializer
    not_found_message = "没有这个行政区域。"

    def get_queryset(self):
        return selectors.api_regions()

    def prepare(self, objects, *, detail):
        return selectors.prepare_regions(objects)

    @extend_schema(summary="行政区域列表", responses={200: RegionSerializer(many=True), 400: ERROR})
    def listing_view(self, request):
        return super().listing_view(request)

    @extend_schema(summary="行政区域", parameters=[ID_PARAMETER], responses={200: RegionSerializer, 404: ERROR})
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

