"""Helpers for API tests: a JSON client and bearer tokens issued through the real action."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """The authentication rate limit counts in the cache; each test starts with none used."""
    cache.clear()


def issue_token(user: Any) -> str:
    from gongzhi.accounts.actions import do_issue_api_token

    _, raw = do_issue_api_token(user, actor=user)
    return raw


class ApiClient:
    """``Client`` with a bearer token and JSON bodies."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.post(
            path, body, content_type="application/json", headers=self._headers(), **extra
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self._headers())


@pytest.fixture
def api_as() -> Any:
    """``api_as(user)`` — a client carrying a fresh token of ``user``; ``api_as(None)`` has none."""

    def make(user: Any) -> ApiClient:
        return ApiClient(issue_token(user) if user is not None else None)

    return make
