"""Taking cases in from the console: 一窗受理 at the window or the phone (R3.2e, R3.6b),
its printable receipt (受理回执), and the grid worker's event report from a phone (R3.1e).

The staff member who registers a case is its first-asked responsible (首问负责, set by
``actions.do_submit_case``) and may act as the resident's agent (全程代办).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.cases import actions, attachments, queries
from gongzhi.cases.enums import AttachmentKind, CaseKind, Channel, Urgency
from gongzhi.cases.forms import (
    WINDOW_CHANNELS,
    EventReportForm,
    WindowForm,
    add_action_errors,
    attribute_answers,
)
from gongzhi.cases.models import Case, Category
from gongzhi.cases.views import crumbs, require_perm
from gongzhi.console.decorators import staff_required
from gongzhi.core.pii import mask_name
from gongzhi.residents import queries as resident_queries
from gongzhi.residents.models import Resident

RESIDENT_RESULTS = 10


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    return queries.active_categories().filter(code=code.strip()).first()


def _resident_matches(user: Any, q: str) -> list[Resident]:
    """Registered residents in the jurisdiction matching a name or an ID/phone tail."""
    if not q.strip() or not user.has_perm("residents.view_resident"):
        return []
    page = resident_queries.search_residents(user, q, status="active")
    return list(page.object_list[:RESIDENT_RESULTS])


def _linked_resident(user: Any, pk: Any) -> Resident | None:
    if pk in (None, ""):
        return None
    try:
        return resident_queries.access_resident(user, pk)
    except Http404:
        return None


@staff_required
def window_register(request: HttpRequest) -> HttpResponse:
    """一窗受理 — register a case for a resident who walks in, phones or comes to a stop."""
    require_perm(request, "cases.register_case")
    user: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    # Without JavaScript, "查找居民" and "显示事项要求" post the form back to redraw it.
    redraw = request.method == "POST" and "redraw" in request.POST
    data = request.POST if request.method == "POST" and not redraw else None
    chosen = _category(source.get("category"))
    initial: dict[str, Any] = {"urgency": Urgency.NORMAL, "channel": Channel.WINDOW}
    # ``?channel=mobile_stop`` preselects the channel (the mobile-service schedule, R3.2a).
    if request.method == "GET" and source.get("channel") in {c.value for c in WINDOW_CHANNELS}:
        initial["channel"] = source["channel"]
    if redraw:
        initial.update(
            (key, value) for key, value in request.POST.items() if key != "csrfmiddlewaretoken"
        )
    if chosen is not None:
        initial["category"] = chosen.code
    form = WindowForm(
        data,
        initial=initial,
        user=user,
        categories=queries.active_categories(),
        category=chosen,
    )
    resident_q = source.get("resident_q", "").strip()
    linked = _linked_resident(user, source.get("resident"))
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        if cleaned["resident"] and linked is None:
            form.add_error(None, _("关联的居民不在您的辖区内"))
        else:
            try:
                case = actions.do_submit_case(
                    category=cleaned["category"],
                    title=cleaned["title"],
                    description=cleaned["description"],
                    community=cleaned["community"],
                    address=cleaned["address"],
                    urgency=cleaned["urgency"],
                    channel=cleaned["channel"],
                    attributes=attribute_answers(form, form.attribute_names),
                    reporter=linked.user if linked is not None and linked.user_id else None,
                    reporter_name=cleaned["reporter_name"] or (linked.name if linked else ""),
                    reporter_phone=cleaned["reporter_phone"],
                    resident=linked,
                    agent=user if cleaned["as_agent"] else None,
                    actor=user,
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request, _("已受理登记，办件编号 %(number)s") % {"number": case.number}
                )
                return redirect("cases:receipt", pk=case.pk)
    return render(
        request,
        "cases/window.html",
        {
            "form": form,
            "category": chosen,
            "resident_q": resident_q,
            "resident_matches": _resident_matches(user, resident_q),
            "linked": linked,
            "breadcrumb": crumbs((_("一窗受理"), "")),
        },
    )


@staff_required
def category_fields(request: HttpRequest) -> HttpResponse:
    """The chosen category's commitment, documents and extra fields (htmx fragment)."""
    require_perm(request, "cases.register_case")
    chosen = _category(request.GET.get("category"))
    form = WindowForm(None, user=request.user, categories=Category.objects.none(), category=chosen)
    return render(request, "cases/_category_fields.html", {"form": form, "category": chosen})


@staff_required
def resident_lookup(request: HttpRequest) -> HttpResponse:
    """Residents of the jurisdiction to link to the case (htmx fragment)."""
    require_perm(request, "cases.register_case")
    q = request.GET.get("resident_q", "").strip()
    return render(
        request,
        "cases/_resident_matches.html",
        {"resident_q": q, "resident_matches": _resident_matches(request.user, q)},
    )


@staff_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """受理回执 — the number, the category, its commitment and the deadline, to print."""
    case = queries.access_case(request.user, pk)
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "reporter_name": mask_name(case.reporter_name),
            "breadcrumb": crumbs(
                (case.number, reverse("cases:detail", args=[case.pk])), (_("受理回执"), "")
            ),
        },
    )


@staff_required
def event_report(request: HttpRequest) -> HttpResponse:
    """网格事件上报 — a grid worker reports from patrol: category, text, point, photos.
    The point goes into its grid and community (``actions.do_submit_case``)."""
    require_perm(request, "cases.report_event")
    user: Any = request.user
    form = EventReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"urgency": Urgency.NORMAL},
        user=user,
        categories=queries.active_categories(CaseKind.EVENT),
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        files = cleaned.get("photos") or []
        try:
            with transaction.atomic():
                case: Case = actions.do_submit_case(
                    category=cleaned["category"],
                    description=cleaned["description"],
                    community=cleaned["community"],
                    lon=cleaned["lon"],
                    lat=cleaned["lat"],
                    address=cleaned["address"],
                    urgency=cleaned["urgency"],
                    channel=Channel.GRID_PATROL,
                    actor=user,
                    request=request,
                )
                if files:
                    attachments.do_attach_files(
                        case, files, kind=AttachmentKind.PHOTO, actor=user, request=request
                    )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            place = case.grid.name if case.grid is not None else case.community.name
            messages.success(
                request,
                _("已上报，办件编号 %(number)s，位置：%(place)s")
                % {"number": case.number, "place": place},
            )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/report.html",
        {"form": form, "breadcrumb": crumbs((_("网格事件上报"), ""))},
    )
