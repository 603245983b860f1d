"""Infrastructure endpoints: the health check and the progress of background work."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gongzhi.core.progress import access_progress, recent_progress

RECENT_TASKS = 50


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database state, for load balancers and monitoring. Reveals no data."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure is reported, not raised
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


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """我的任务 — the user's own recent imports, exports and other long work."""
    tasks = list(recent_progress(request.user)[:RECENT_TASKS])
    return render(
        request,
        "core/task_list.html",
        {"tasks": tasks, "breadcrumb": [{"label": _("我的任务"), "url": ""}]},
    )


@require_GET
@never_cache
@login_required
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One task's progress bar. htmx polls this view for the bar alone until the task ends."""
    progress = access_progress(request.user, pk)
    if getattr(request, "htmx", False):
        # The bar alone, plus an out-of-band update of the page's live region.
        return render(request, "core/_progress.html", {"progress": progress, "oob": True})
    return render(
        request,
        "core/task_progress.html",
        {
            "progress": progress,
            "breadcrumb": [
                {"label": _("我的任务"), "url": reverse("core:task_list")},
                {"label": progress.title, "url": ""},
            ],
        },
    )
