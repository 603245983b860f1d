"""Fixtures of the Open311 tests: the seeded categories, a key, and the official schemas.

The JSON schemas in ``schemas/`` are the Open311 GeoReport v2 schemas as published
(``request.json``, ``requests.json``, ``service.json``, ``services.json``,
``service-definition.json``), copied unchanged; ``validate`` checks a body against one
with its ``$ref``s resolved among them and formats (``date-time``, ``uri``) checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from conftest import Personas
from gongzhi.cases.seed import seed_categories
from gongzhi.service_requests.actions import do_issue_open311_key

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "/open311/v2"
# The request fields in the order GeoReport v2 lists them.
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT7))
        )
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(body: Any, schema: str) -> None:
    """Raise if ``body`` does not conform to the official schema ``schema``."""
    contents = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    Draft7Validator(contents, registry=REGISTRY, format_checker=FormatChecker()).validate(body)


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own output)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def errors_json(response: Any, status: int) -> list[str]:
    """The descriptions of a JSON error answer, after checking its shape."""
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body
    for error in body:
        assert list(error) == ["code", "description"]
        assert error["code"] == status
    return [error["description"] for error in body]


def errors_xml(response: Any, status: int) -> list[str]:
    assert response.status_code == status
    root = xml_of(response)
    assert root.tag == "errors"
    found = []
    for error in root:
        assert error.tag == "error"
        assert children(error) == ["code", "description"]
        assert error.findtext("code") == str(status)
        found.append(error.findtext("description") or "")
    assert found
    return found


@pytest.fixture
def world(personas: Personas) -> Personas:
    """The personas with the seeded categories (as in the case engine's tests)."""
    seed_categories()
    return personas


@pytest.fixture
def api_key(world: Personas) -> str:
    _key, raw = do_issue_open311_key("12345 热线平台", actor=None)
    return raw
