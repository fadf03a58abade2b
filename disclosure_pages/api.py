"""Read-only JSON API of public items, with its OpenAPI description.

Only public (社会), live items ever appear; an internal or revoked item's id answers
404 exactly like an id that never existed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET

from .documents import own_unit_attachments
from .models import DisclosureItemPage
from .params import parse_id, parse_int
from .selectors import attach_units, public_items

PER_PAGE_MAX = 100


def _item_json(item: DisclosureItemPage, request, *, full: bool = False) -> dict:
    data = {
        "id": item.pk,
        "title": item.title,
        "url": request.build_absolute_uri(item.url),
        "unit": item.unit_title,
        "unit_name": item.unit_display_name,
        "catalog_code": item.catalog_code,
        "period": item.period_label,
        "published_at": item.first_published_at.isoformat() if item.first_published_at else None,
        "doc_number": item.doc_number,
        "is_zero_report": item.is_zero_report,
    }
    if full:
        data["body_html"] = item.body
        data["body_text"] = strip_tags(item.body)
        data["tables_text"] = item.tables_text()
        data["attachments"] = [
            {"title": a.document.title, "url": request.build_absolute_uri(a.document.url), "doc_number": a.doc_number}
            for a in own_unit_attachments(item.attachments.all()).select_related("document")
            if a.is_downloadable
        ]
    return data


def _with_codes(items: list[DisclosureItemPage]) -> list[DisclosureItemPage]:
    parents = {item.path[: -DisclosureItemPage.steplen] for item in items}
    from .models import CatalogNodePage

    codes = dict(CatalogNodePage.objects.filter(path__in=parents).values_list("path", "code"))
    for item in items:
        item.catalog_code = codes.get(item.path[: -DisclosureItemPage.steplen], "")
    return attach_units(items)


@require_GET
def item_list(request):
    qs = public_items().order_by("-first_published_at", "-pk")
    # A filter that is given but is no id or year matches nothing (rather than being ignored).
    if request.GET.get("unit"):
        from .models import UnitPage

        unit_id = parse_id(request.GET["unit"])
        unit = UnitPage.objects.filter(pk=unit_id).first() if unit_id else None
        qs = qs.descendant_of(unit) if unit else qs.none()
    if request.GET.get("year"):
        year = parse_int(request.GET["year"], 0, low=0, high=9999)
        qs = qs.filter(year=year) if year else qs.none()
    per_page = parse_int(request.GET.get("per_page"), 20, low=1, high=PER_PAGE_MAX)
    paginator = Paginator(qs, per_page)
    page = paginator.get_page(parse_int(request.GET.get("page"), 1, low=1, high=10**6))
    return JsonResponse(
        {
            "total": paginator.count,
            "page": page.number,
            "num_pages": paginator.num_pages,
            "results": [_item_json(item, request) for item in _with_codes(list(page.object_list))],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def item_detail(request, item_id: int):
    item = public_items().filter(pk=item_id).first()
    if item is None:
        raise Http404
    return JsonResponse(_item_json(_with_codes([item])[0], request, full=True), json_dumps_params={"ensure_ascii": False})


ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string", "description": "标题"},
        "url": {"type": "string", "format": "uri"},
        "unit": {"type": "string", "description": "公开单位名称，如 区委办（多个地区可能同名）"},
        "unit_name": {"type": "string", "description": "带地区的公开单位名称，如 武江区·区委办"},
        "catalog_code": {"type": "string", "description": "公开代码，如 1-1-1"},
        "period": {"type": "string", "description": "公开周期，如 2025年上半年"},
        "published_at": {"type": "string", "format": "date-time", "nullable": True},
        "doc_number": {"type": "string", "description": "发文字号"},
        "is_zero_report": {"type": "boolean", "description": "零上报"},
    },
    "required": ["id", "title", "url", "unit", "unit_name", "catalog_code", "published_at"],
}


@require_GET
def openapi(request):
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "党务公开平台 公开数据接口", "version": "1.0", "description": "只读；仅包含向社会公开的已发布事项。"},
        "paths": {
            "/api/items/": {
                "get": {
                    "summary": "公开事项列表（按发布时间倒序）",
                    "parameters": [
                        {"name": "unit", "in": "query", "schema": {"type": "integer"}, "description": "单位页面 ID"},
                        {"name": "year", "in": "query", "schema": {"type": "integer"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX}},
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "num_pages": {"type": "integer"},
                                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                                },
                            }}},
                        }
                    },
                }
            },
            "/api/items/{id}/": {
                "get": {
                    "summary": "公开事项详情",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemDetail"}}}},
                        "404": {"description": "不存在或未向社会公开"},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Item": ITEM_SCHEMA,
                "ItemDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Item"},
                        {"type": "object", "properties": {
                            "body_html": {"type": "string"},
                            "body_text": {"type": "string"},
                            "tables_text": {"type": "string"},
                            "attachments": {"type": "array", "items": {"type": "object", "properties": {
                                "title": {"type": "string"}, "url": {"type": "string"}, "doc_number": {"type": "string"}}}},
                        }},
                    ]
                },
            }
        },
    }
    return JsonResponse(spec, json_dumps_params={"ensure_ascii": False})
