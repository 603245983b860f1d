"""Audit pages (审计日志) for the audit administrator: list, detail, verify, export.

Read-only by design: there is no page, form or endpoint that edits or deletes an event.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.scoping import scope_of
from gongzhi.core.tasks import do_start_ledger_verification
from gongzhi.ledger import actions, exports
from gongzhi.ledger.chain import event_hash, hashed_fields
from gongzhi.ledger.forms import EventFilterForm
from gongzhi.ledger.models import LedgerHead
from gongzhi.ledger.queries import EventCriteria, event_for, events_for, filter_events, page_of
from gongzhi.regions.models import Region

CURSOR_PARAMS = ("before", "after")


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("ledger.view_event"):
        raise PermissionDenied(_("只有审计管理员可以查看审计日志"))


def _breadcrumb(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("工作台"), "url": reverse("console:home")},
        {"label": _("审计日志"), "url": reverse("ledger:event_list")},
        *extra,
    ]


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _filter_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    for name in CURSOR_PARAMS:
        params.pop(name, None)
    return params.urlencode()


def _filtered(request: HttpRequest) -> tuple[EventFilterForm, Any]:
    """The filter form and the scoped, filtered events (none while the filter is invalid)."""
    user = request.user
    form = EventFilterForm(request.GET or None, scope=scope_of(user))
    events = events_for(user)
    if form.is_bound:
        events = filter_events(events, form.criteria()) if form.is_valid() else events.none()
    return form, events


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """审计日志 — newest first, filtered, paged by seq cursor."""
    _require_view(request)
    form, events = _filtered(request)
    page = page_of(events, before=_cursor(request, "before"), after=_cursor(request, "after"))
    codes = {event.region_code for event in page.events if event.region_code}
    region_names = dict(
        Region.objects.filter(region_code__in=codes).values_list("region_code", "name")
    )
    for event in page.events:
        event.region_name = region_names.get(event.region_code, "")  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "filter_query": _filter_query(request),
        "can_export": request.user.has_perm("ledger.export_event"),
        "breadcrumb": _breadcrumb(),
    }
    return render(request, "ledger/event_list.html", context)


@require_GET
@login_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    """One event with its change summary and hashes; 404 outside the auditor's scope."""
    _require_view(request)
    event = event_for(request.user, seq)
    context = {
        "event": event,
        "summary_json": json.dumps(event.summary, ensure_ascii=False, indent=2, sort_keys=True),
        "hash_matches": event_hash(hashed_fields(event)) == event.hash,
        "breadcrumb": _breadcrumb({"label": f"#{event.seq}", "url": ""}),
    }
    return render(request, "ledger/event_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """校验审计链 — a quick check in the request (bounded time) or a full one in the background.

    The quick check answers at once for chains up to a few hundred thousand events; the
    full check runs as a task (``gongzhi.core.tasks.verify_ledger_task``) with a progress
    bar, so a chain of millions never holds a request open.
    """
    _require_view(request)
    result = None
    if request.method == "POST":
        if request.POST.get("mode") == "full":
            progress = do_start_ledger_verification(actor=request.user)
            return redirect("core:task_progress", progress.pk)
        result = actions.do_verify_ledger(actor=request.user, request=request)
    head = LedgerHead.objects.filter(pk=1).first()
    context = {
        "result": result,
        "head": head,
        "time_limit": int(actions.WEB_VERIFY_SECONDS),
        "breadcrumb": _breadcrumb({"label": _("校验审计链"), "url": ""}),
    }
    return render(request, "ledger/verify.html", context)


@require_GET
@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Download the filtered events as CSV or XLSX; recorded as a LEDGER_EXPORTED event."""
    if fmt not in actions.EXPORT_FORMATS:
        raise Http404
    if not request.user.has_perm("ledger.export_event"):
        raise PermissionDenied(_("只有审计管理员可以导出审计日志"))
    form = EventFilterForm(request.GET or None, scope=scope_of(request.user))
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "ledger/event_list.html",
            {
                "form": form,
                "page": page_of(events_for(request.user).none()),
                "filter_query": _filter_query(request),
                "can_export": True,
                "breadcrumb": _breadcrumb(),
            },
            status=400,
        )
    criteria = form.criteria() if form.is_bound else EventCriteria()
    events = actions.do_export_events(criteria, fmt=fmt, actor=request.user, request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    filename = f"audit-log-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(events), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    spool = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it when sent
    exports.write_xlsx(events, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
