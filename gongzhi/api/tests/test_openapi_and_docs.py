"""The OpenAPI schema is valid, and the docs page runs on the platform's own files alone."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


class TestOpenApi:
    def test_the_schema_is_valid_openapi(self, schema):
        validate(schema)

    def test_it_documents_the_foundation_endpoints(self, schema):
        assert {
            "/api/v1/auth/token",
            "/api/v1/me",
            "/api/v1/regions/{code}",
            "/api/v1/regions/{code}/children",
            "/api/v1/tasks",
            "/api/v1/tasks/{task_id}",
        } <= set(schema["paths"])

    def test_every_endpoint_but_the_open_ones_needs_a_bearer_token(self, schema):
        """Open: the token request, and the published disclosures (居务公开 is public, R2.3f)."""
        assert schema["components"]["securitySchemes"]["BearerAuth"] == {
            "type": "http",
            "scheme": "bearer",
        }
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                open_endpoint = (path, method) == ("/api/v1/auth/token", "post") or (
                    path.startswith("/api/v1/disclosures/public/") and method == "get"
                )
                assert ("security" not in operation) == open_endpoint, (path, method)

    def test_lists_are_documented_as_items_and_count(self, schema):
        operation = schema["paths"]["/api/v1/regions/{code}/children"]["get"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        paged = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(paged["required"]) == {"items", "count"}
        limit = next(p for p in operation["parameters"] if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 200

    def test_errors_are_documented_with_their_body(self, schema):
        responses = schema["paths"]["/api/v1/regions/{code}"]["get"]["responses"]
        ref = responses["404"]["content"]["application/json"]["schema"]["$ref"]
        error = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(error["properties"]) == {"code", "message", "fields"}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(values[name] or "")
        if tag == "script" and not values.get("src"):
            self.inline_scripts.append(values)
        assert "style" not in values, f"inline style on <{tag}>"


@pytest.mark.django_db
class TestDocsPage:
    def test_it_loads_only_the_platforms_own_static_files(self):
        response = Client().get("/api/v1/docs")

        assert response.status_code == 200
        html = response.content.decode()
        assert "http://" not in html and "https://" not in html
        resources = _Resources()
        resources.feed(html)
        assert resources.urls, "the page loads Swagger UI"
        for url in resources.urls:
            assert url.startswith("/static/"), url
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"

    def test_it_runs_no_inline_script(self):
        resources = _Resources()
        resources.feed(Client().get("/api/v1/docs").content.decode())

        # The only script without src is the settings block, which browsers do not execute.
        assert resources.inline_scripts == [{"id": "swagger-settings", "type": "application/json"}]

    def test_it_points_swagger_at_the_schema_and_no_outside_validator(self):
        html = Client().get("/api/v1/docs").content.decode()
        settings_json = html.split('type="application/json">', 1)[1].split("</script>", 1)[0]

        settings = json.loads(settings_json)
        assert settings["url"] == "/api/v1/openapi.json"
        assert settings["validatorUrl"] is None

    def test_the_content_security_policy_allows_no_outside_script(self):
        response = Client().get("/api/v1/docs")

        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
