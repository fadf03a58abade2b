"""Query filters of the public API (django-filter; drf-spectacular describes them from here).

A filter value that cannot be an id, a code or a date is a 400 with the reason, never an
empty list or a 500: a display that asks for nonsense should learn so.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from disclosure_pages.params import parse_id

from .selectors import api_regions, api_units, items_with_catalog_code, top_level

CATALOG_CODE = RegexValidator(r"^[0-9]{1,3}(?:-[0-9]{1,3}){0,2}$", "catalog 应为公开代码，如 1、1-1 或 1-1-4。")


class PageIdField(forms.ModelChoiceField):
    """A live page by its id; what `parse_id` refuses (１２, -1, 10^30) is refused before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class PageIdFilter(django_filters.ModelChoiceFilter):
    field_class = PageIdField


def _date(name: str, help_text: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        method=f"filter_{name}",
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": f"{name} 应为 YYYY-MM-DD 格式的日期，如 2026-03-01。"},
    )


class ItemFilter(django_filters.FilterSet):
    unit = PageIdFilter(
        queryset=lambda request: api_units(),
        method="filter_within",
        help_text="公开单位的 ID（见 /api/v2/units/）：只列该单位的事项。",
        error_messages={"invalid_choice": "unit 应为公开单位的 ID（见 /api/v2/units/），没有这个单位。"},
    )
    region = PageIdFilter(
        queryset=lambda request: api_regions(),
        method="filter_within",
        help_text="行政区域的 ID（见 /api/v2/regions/）：列该区域及其下级区域内所有单位的事项。",
        error_messages={"invalid_choice": "region 应为行政区域的 ID（见 /api/v2/regions/），没有这个区域。"},
    )
    catalog = django_filters.CharFilter(
        method="filter_catalog",
        help_text="公开代码，如 1-1-4（三级目录）；1-1 或 1 列整个二级、一级目录。",
        validators=[CATALOG_CODE],
    )
    year = django_filters.NumberFilter(
        field_name="year",
        help_text="公开周期的年度，如 2025。",
        min_value=1949,
        max_value=2100,
        error_messages={
            "invalid": "year 应为四位年份，如 2025。",
            "min_value": "year 应为 1949 至 2100 之间的年份。",
            "max_value": "year 应为 1949 至 2100 之间的年份。",
        },
    )
    published_after = _date("published_after", "发布日期不早于该日（含当日，北京时间），YYYY-MM-DD。")
    published_before = _date("published_before", "发布日期不晚于该日（含当日，北京时间），YYYY-MM-DD。")

    def filter_within(self, queryset, name, value):
        return queryset.descendant_of(value)

    def filter_catalog(self, queryset, name, value):
        return items_with_catalog_code(queryset, value)

    def filter_published_after(self, queryset, name, value):
        return queryset.filter(first_published_at__date__gte=value)

    def filter_published_before(self, queryset, name, value):
        return queryset.filter(first_published_at__date__lte=value)


class UnitFilter(django_filters.FilterSet):
    region = PageIdFilter(
        queryset=lambda request: api_regions(),
        method="filter_within",
        help_text="行政区域的 ID：列该区域及其下级区域内的单位。",
        error_messages={"invalid_choice": "region 应为行政区域的 ID（见 /api/v2/regions/），没有这个区域。"},
    )

    def filter_within(self, queryset, name, value):
        return queryset.descendant_of(value)


class ParentField(PageIdField):
    def to_python(self, value):
        if value == "root":
            return "root"
        return super().to_python(value)

    def validate(self, value):
        if value != "root":
            super().validate(value)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["root"]}]})
class ParentFilter(django_filters.ModelChoiceFilter):
    field_class = ParentField


class RegionFilter(django_filters.FilterSet):
    parent = ParentFilter(
        queryset=lambda request: api_regions(),
        method="filter_parent",
        help_text="上级区域的 ID：列它的直接下级区域；root 列顶级区域（没有上级区域的）。",
        error_messages={"invalid_choice": "parent 应为行政区域的 ID 或 root，没有这个区域。"},
    )

    def filter_parent(self, queryset, name, value):
        if value == "root":
            return top_level(queryset)
        return queryset.child_of(value)
