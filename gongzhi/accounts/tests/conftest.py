from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """The rate limiter counts in the cache, which outlives a test's database rollback."""
    cache.clear()
    yield
    cache.clear()
