"""GET /healthz answers monitoring with the database's state and no data."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_reports_the_database_ok():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_reports_an_unreachable_database_as_503(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise ConnectionRefusedError("no database")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == {
        "status": "unavailable",
        "error": "ConnectionRefusedError",
    }
