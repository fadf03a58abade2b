from __future__ import annotations

import re

from django.conf import settings
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError

NUMBER = re.compile(r"[0-9]{1,9}")


class PublicPagination(WagtailPagination):
    """Wagtail's limit/offset, with Chinese messages and the shape described for OpenAPI.

    Only ASCII digits count (int() would take １２ or a number too large for the database's OFFSET)."""

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = settings.WAGTAILAPI_LIMIT_MAX
        for name in ("offset", "limit"):
            value = request.GET.get(name)
            if value is not None and not NUMBER.fullmatch(value):
                raise BadRequestError(f"{name} 应为非负整数。")
        if int(request.GET.get("limit", 0)) > limit_max:
            raise BadRequestError(f"limit 不能大于 {limit_max}。")
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["meta", "items"],
            "properties": {
                "meta": {
                    "type": "object",
                    "required": ["total_count"],
                    "properties": {"total_count": {"type": "integer", "description": "符合条件的总数"}},
                },
                "items": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"每页条数，默认 20，最多 {settings.WAGTAILAPI_LIMIT_MAX}。",
                "schema": {"type": "integer", "minimum": 0, "maximum": settings.WAGTAILAPI_LIMIT_MAX},
            },
            {
                "name": "offset",
                "required": False,
                "in": "query",
                "description": "跳过的条数，默认 0。",
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
