"""What the public API returns: one serializer per shape, each read by drf-spectacular for the
OpenAPI description. Related rows come prepared by `publicapi.selectors` (prepare_*), so
serializing a page of results runs no query."""

from __future__ import annotations

import re

from django.utils.html import strip_tags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.api.v2.serializers import DetailUrlField, PageTypeField

from disclosure_pages.blocks import TABLE_TYPES
from disclosure_pages.models import DisclosureItemPage, RegionPage, UnitPage
from disclosure_pages.templatetags.disclosure_tags import mask_mobile


@extend_schema_field(OpenApiTypes.STR)
class TypeField(PageTypeField):
    """The page type, e.g. disclosure_pages.DisclosureItemPage."""


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(DetailUrlField):
    """This object's address in the API (Wagtail's router reverses it)."""


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.Field):
    """The public page's full address; the request caches the site's root paths once."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        return page.get_full_url(self.context["request"])


class PageMetaSerializer(serializers.Serializer):
    type = TypeField(read_only=True)
    detail_url = ApiUrlField(read_only=True)
    html_url = HtmlUrlField(read_only=True)


class ItemMetaSerializer(PageMetaSerializer):
    first_published_at = serializers.DateTimeField(read_only=True, help_text="首次发布时间（ISO 8601，北京时间）")


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="区域名称，如 武江区")


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="单位名称，如 区委办（多个地区可能同名）")
    name = serializers.CharField(help_text="带地区的单位名称，如 武江区·区委办")


class ItemSerializer(serializers.ModelSerializer):
    meta = ItemMetaSerializer(source="*", read_only=True)
    unit = UnitRefSerializer(source="api_unit", read_only=True)
    region = RegionRefSerializer(source="api_region", read_only=True, allow_null=True, help_text="单位所在的行政区域")
    catalog_code = serializers.CharField(source="api_catalog_code", read_only=True, help_text="公开代码，如 1-1-4")
    catalog_name = serializers.CharField(source="api_catalog_name", read_only=True, help_text="三级目录名称")
    period = serializers.CharField(source="period_label", read_only=True, help_text="公开周期，如 2025年上半年")
    published_at = serializers.DateTimeField(source="first_published_at", read_only=True, allow_null=True)

    class Meta:
        model = DisclosureItemPage
        fields = [
            "id", "meta", "title", "unit", "region", "catalog_code", "catalog_name", "period",
            "published_at", "doc_number", "is_zero_report",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField(source="document.title")
    url = serializers.SerializerMethodField()
    doc_number = serializers.CharField(help_text="发文字号")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.document.url)


PHONE_KEY = re.compile(r"phone")


def _masked(value):
    """The table's values with personal mobile numbers masked as on the public page."""
    if isinstance(value, dict):
        return {key: mask_mobile(item) if PHONE_KEY.search(key) and item else _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


class TableSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TABLE_TYPES, help_text="表一至表五：leadership、term_goals、annual_plan、party_dues、member_development")
    title = serializers.CharField(help_text="表名，如 党（总）支部班子成员情况及分工")
    value = serializers.JSONField(help_text="表头（fill_date、year 等）、各行（rows）与签署栏（leader、tabulator、supervision）")


class ItemDetailSerializer(ItemSerializer):
    body_text = serializers.SerializerMethodField(help_text="正文纯文本")
    body_html = serializers.CharField(source="body", read_only=True, help_text="正文 HTML（保存时已过滤）")
    tables = serializers.SerializerMethodField(help_text="标准表格（表一至表五），逐行结构化")
    attachments = AttachmentSerializer(source="api_attachments", many=True, read_only=True, help_text="主动公开的附件")

    class Meta(ItemSerializer.Meta):
        fields = ItemSerializer.Meta.fields + ["body_text", "body_html", "tables", "attachments"]
        read_only_fields = fields

    def get_body_text(self, item) -> str:
        return strip_tags(item.body)

    @extend_schema_field(TableSerializer(many=True))
    def get_tables(self, item):
        return [
            {
                "type": child.block_type,
                "title": getattr(child.block.meta, "form_title", "") or str(child.block.label),
                "value": _masked(child.block.get_api_representation(child.value, self.context)),
            }
            for child in item.tables or []
        ]


class UnitSerializer(serializers.ModelSerializer):
    meta = PageMetaSerializer(source="*", read_only=True)
    name = serializers.CharField(source="api_name", read_only=True, help_text="带地区的单位名称，如 武江区·区委办")
    region = RegionRefSerializer(source="api_region", read_only=True, allow_null=True)
    item_count = serializers.IntegerField(source="api_item_count", read_only=True, help_text="向社会公开的已发布事项数")
    latest_published_at = serializers.DateTimeField(source="api_latest_published_at", read_only=True, allow_null=True)

    class Meta:
        model = UnitPage
        fields = ["id", "meta", "title", "name", "region", "item_count", "latest_published_at"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer):
    meta = PageMetaSerializer(source="*", read_only=True)
    parent = serializers.IntegerField(source="api_parent", read_only=True, allow_null=True, help_text="上级区域的 ID；顶级区域为 null")
    unit_count = serializers.IntegerField(source="api_unit_count", read_only=True, help_text="区域内（含下级区域）的公开单位数")

    class Meta:
        model = RegionPage
        fields = ["id", "meta", "title", "parent", "unit_count"]
        read_only_fields = fields
