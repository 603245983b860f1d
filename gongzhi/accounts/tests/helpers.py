from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from gongzhi.ledger.models import Event, EventType

PASSWORD = "Gongzhi#2026"  # the personas' password (conftest.py)


def post_login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}
    )


def api_request(address: str = "10.0.0.1") -> HttpRequest:
    """A bare request as the token endpoint receives it (no session)."""
    return RequestFactory().post("/api/v1/auth/token", REMOTE_ADDR=address)


def events(type: EventType) -> list[Event]:
    return list(Event.objects.filter(type=type).order_by("seq"))
