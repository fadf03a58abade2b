"""The OpenAPI description drf-spectacular generates, and the first API's addresses."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from disclosure_pages.selectors import find_unit

from .conftest import LK

pytestmark = pytest.mark.django_db


def schema(client) -> dict:
    response = client.get("/api/v2/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def parameters(spec: dict, path: str) -> set[str]:
    return {p["name"] for p in spec["paths"][path]["get"]["parameters"]}


def test_schema_is_served_and_valid(client):
    spec = schema(client)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/v2/items/", "/api/v2/items/{id}/", "/api/v2/units/", "/api/v2/units/{id}/",
        "/api/v2/regions/", "/api/v2/regions/{id}/",
    }
    yaml_spec = yaml.safe_load(client.get("/api/v2/schema/").content)
    assert yaml_spec["paths"].keys() == spec["paths"].keys()


def test_schema_describes_the_filters_and_shapes(client):
    spec = schema(client)
    assert parameters(spec, "/api/v2/items/") >= {"unit", "region", "catalog", "published_after", "published_before", "limit", "offset"}
    assert parameters(spec, "/api/v2/units/") >= {"region", "limit", "offset"}
    assert parameters(spec, "/api/v2/regions/") >= {"parent", "limit", "offset"}
    schemas = spec["components"]["schemas"]
    assert list(schemas["Item"]["properties"]) == ["id", "meta", "title", "unit", "region", "catalog_code", "catalog_name",
                                                 "period", "published_at", "doc_number", "is_zero_report"]
    assert {"body_text", "body_html", "tables", "attachments"} <= set(schemas["ItemDetail"]["properties"])
    assert set(schemas["PaginatedItemList"]["properties"]) == {"meta", "items"}
    assert "武江区·区委办" in str(schemas["UnitRef"])
    assert "/api/v2/items/{id}/" in spec["paths"] and "404" in spec["paths"]["/api/v2/items/{id}/"]["get"]["responses"]


def test_schema_generation_has_no_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v2/items/" in out.getvalue()


def test_the_first_apis_addresses_redirect_with_the_query_translated(client, planted):
    unit = find_unit(LK)
    response = client.get(f"/api/items/?unit={unit.pk}&year=2026&page=3&per_page=10")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v2/items/?unit={unit.pk}&year=2026&limit=10&offset=20"
    assert client.get("/api/items/?page=2")["Location"] == "/api/v2/items/?offset=20"
    assert client.get("/api/items/")["Location"] == "/api/v2/items/"
    item = planted["public"]
    assert client.get(f"/api/items/{item.pk}/")["Location"] == f"/api/v2/items/{item.pk}/"
    assert client.get("/api/openapi.json")["Location"] == "/api/v2/schema/?format=json"
    followed = client.get(f"/api/items/?unit={unit.pk}&per_page=100", follow=True)
    assert "接口公开的决策部署" in followed.content.decode()
    hidden = client.get(f"/api/items/{planted['hidden']['party'].pk}/", follow=True)
    assert hidden.status_code == 404
    untranslatable = client.get("/api/items/?page=abc", follow=True)
    assert untranslatable.status_code == 400 and "page" in untranslatable.json()["message"]
