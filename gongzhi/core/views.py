"""Infrastructure endpoints."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database state, for load balancers and monitoring. Reveals no data."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any database failure is reported, not raised)
        return JsonResponse(
            {"status": "error", "database": {"status": "unavailable", "error": type(exc).__name__}},
            status=503,
        )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return JsonResponse(
        {
            "status": "ok",
            "database": {"status": "ok", "vendor": connection.vendor, "latency_ms": elapsed_ms},
        }
    )
