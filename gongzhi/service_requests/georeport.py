"""The two wire formats of Open311 GeoReport v2: JSON and XML, from one ordered structure.

Every response body is built once as plain data — a list of ``dict`` rows whose key order
is the specification's field order — and written either as JSON (a top-level array, or
an object for discovery) or as XML, where the list becomes ``<root><item>…</item></root>``
and nested lists use the specification's element names (``<attributes><attribute>``,
``<values><value>``, ``<endpoints><endpoint>``, ``<formats><format>``). ``None`` is JSON
``null`` and an empty XML element; booleans are ``true``/``false``; times are W3C
ISO 8601 with the local offset (``2026-03-02T09:00:00+08:00``).

Errors are ``[{"code": 400, "description": "…"}]`` and
``<errors><error><code>400</code><description>…</description></error></errors>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The element of one item inside a list element, where the specification names it.
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: datetime | None) -> str | None:
    """``2026-03-02T09:00:00+08:00`` — W3C ISO 8601 in the deployment's time zone."""
    if moment is None:
        return None
    return moment.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, "item")
        for inner in value:
            _append(element, item_name, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, body: Any) -> bytes:
    """``body`` as XML under ``root``; a list's rows each become an ``item`` element."""
    element = ET.Element(root)
    if isinstance(body, Mapping):
        for key, value in body.items():
            _append(element, key, value)
    else:
        assert item is not None
        for row in body:
            _append(element, item, row)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def render(
    fmt: str, body: Any, *, root: str, item: str | None = None, status: int = 200
) -> HttpResponse:
    """One response in ``fmt``; ``root``/``item`` name the XML elements."""
    if fmt == XML:
        content = to_xml(root, item, body)
    else:
        content = json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(
    fmt: str, status: int, descriptions: Iterable[str], headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """The specification's error list; each description is Chinese and names its parameter."""
    body = [{"code": status, "description": str(text)} for text in descriptions]
    response = render(
        fmt if fmt in FORMATS else JSON, body, root="errors", item="error", status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
