"""Console pages of outreach under /console/outreach/: the mobile-service schedule,
routes, stops and visits (R3.2a); needs, offers and matching (R3.2b).

Thin: ``queries`` read inside the jurisdiction (404 outside it), ``actions`` write; an
action's ``ValidationError`` re-renders the form with the Chinese messages beside the
fields (nothing was written).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.enums import Channel
from gongzhi.console.decorators import staff_required
from gongzhi.outreach import actions, queries
from gongzhi.outreach.enums import NeedStatus
from gongzhi.outreach.forms import (
    CloseForm,
    MatchForm,
    OfferForm,
    ReasonForm,
    RouteForm,
    StopForm,
    ToCaseForm,
    VisitForm,
    add_action_errors,
)
from gongzhi.outreach.models import Need, ServiceRoute, ServiceStop


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("流动服务"), "url": reverse("outreach:index")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, queries.PAGE_SIZE).get_page(request.GET.get("page"))


def window_url() -> str:
    """一窗受理 with the mobile-stop channel chosen (R3.2a: cases taken at a stop)."""
    return f"{reverse('cases:window')}?{urlencode({'channel': Channel.MOBILE_STOP})}"


# --- Mobile service (R3.2a) ---------------------------------------------------------------


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """流动服务 — the coming visits of the jurisdiction and, for planners, its routes."""
    _require(request, "outreach.use_console")
    user: Any = request.user
    page = _page(request, queries.visits_for(user))
    queries.attach_service_names(list(page.object_list))
    return render(
        request,
        "outreach/index.html",
        {
            "page": page,
            "routes": queries.routes_for(user)[:100],
            "can_plan": user.has_perm("outreach.manage_routes"),
            "can_register": user.has_perm("cases.register_case"),
            "window_url": window_url(),
            "breadcrumb": _crumbs(),
        },
    )


def _route_form_response(
    request: HttpRequest, form: RouteForm, route: ServiceRoute | None
) -> HttpResponse:
    title = route.name if route else _("新建线路")
    return render(
        request,
        "outreach/route_form.html",
        {"form": form, "route": route, "breadcrumb": _crumbs((title, ""))},
    )


def _save_route(request: HttpRequest, route: ServiceRoute | None) -> HttpResponse:
    user: Any = request.user
    initial: dict[str, Any] = {"is_active": True}
    if route is not None:
        initial = {
            "name": route.name,
            "township": route.region_code,
            "vehicle": route.vehicle,
            "organisation": route.organisation_id,
            "is_active": route.is_active,
        }
    form = RouteForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            route = actions.do_save_route(
                route,
                name=data["name"],
                township=data["township"],
                vehicle=data["vehicle"],
                organisation=data["organisation"],
                is_active=data["is_active"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("线路已保存"))
            return redirect("outreach:route", pk=route.pk)
    return _route_form_response(request, form, route)


@staff_required
def route_create(request: HttpRequest) -> HttpResponse:
    _require(request, "outreach.manage_routes")
    return _save_route(request, None)


@staff_required
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    route = queries.access_route(request.user, pk)
    _require(request, "outreach.manage_routes", route)
    return _save_route(request, route)


@staff_required
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A route: its stops and the coming visits at each."""
    user: Any = request.user
    route = queries.access_route(user, pk)
    _require(request, "outreach.view_schedule", route)
    visits = queries.attach_service_names(
        list(queries.visits_for(user).filter(stop__route=route)[:100])
    )
    return render(
        request,
        "outreach/route_detail.html",
        {
            "route": route,
            "stops": queries.stops_of(route),
            "visits": visits,
            "can_plan": user.has_perm("outreach.manage_routes", route),
            "breadcrumb": _crumbs((route.name, "")),
        },
    )


def _save_stop(request: HttpRequest, route: ServiceRoute, stop: ServiceStop | None) -> HttpResponse:
    user: Any = request.user
    initial: dict[str, Any] = {"is_active": True}
    if stop is not None:
        initial = {
            "community": stop.region_code,
            "place_name": stop.place_name,
            "lon": "" if stop.lon is None else stop.lon,
            "lat": "" if stop.lat is None else stop.lat,
            "is_active": stop.is_active,
        }
    form = StopForm(request.POST or None, initial=initial, route=route)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_stop(
                route,
                stop,
                community=data["community"],
                place_name=data["place_name"],
                lon=data["lon"],
                lat=data["lat"],
                is_active=data["is_active"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("服务点已保存"))
            return redirect("outreach:route", pk=route.pk)
    return render(
        request,
        "outreach/stop_form.html",
        {
            "form": form,
            "route": route,
            "stop": stop,
            "breadcrumb": _crumbs(
                (route.name, reverse("outreach:route", args=[route.pk])),
                (stop.place_name if stop else _("新增服务点"), ""),
            ),
        },
    )


@staff_required
def stop_create(request: HttpRequest, pk: int) -> HttpResponse:
    route = queries.access_route(request.user, pk)
    _require(request, "outreach.manage_routes", route)
    return _save_stop(request, route, None)


@staff_required
def stop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stop = queries.access_stop(request.user, pk)
    _require(request, "outreach.manage_routes", stop.route)
    return _save_stop(request, stop.route, stop)


@staff_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """排班 — schedule a visit of the route at this stop."""
    user: Any = request.user
    stop = queries.access_stop(user, pk)
    _require(request, "outreach.manage_routes", stop.route)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_schedule_visit(
                stop,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                services=data["services"],
                note=data["note"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("服务日程已排定"))
            return redirect("outreach:route", pk=stop.route_id)
    return render(
        request,
        "outreach/visit_form.html",
        {
            "form": form,
            "stop": stop,
            "breadcrumb": _crumbs(
                (stop.route.name, reverse("outreach:route", args=[stop.route_id])),
                (_("排班：%(place)s") % {"place": stop.place_name}, ""),
            ),
        },
    )


@staff_required
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    visit = queries.access_visit(user, pk)
    _require(request, "outreach.manage_routes", visit.stop.route)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel_visit(
                visit, reason=form.cleaned_data["reason"], actor=user, request=request
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已取消该次服务"))
            return redirect("outreach:route", pk=visit.stop.route_id)
    queries.attach_service_names([visit])
    return render(
        request,
        "outreach/visit_cancel.html",
        {
            "form": form,
            "visit": visit,
            "breadcrumb": _crumbs(
                (visit.stop.route.name, reverse("outreach:route", args=[visit.stop.route_id])),
                (_("取消服务"), ""),
            ),
        },
    )


# --- Supply and demand (R3.2b) ------------------------------------------------------------


def _needs_crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("供需对接"), "url": reverse("outreach:needs")}
    return [root, *({"label": label, "url": url} for label, url in items)]


@staff_required
def need_list(request: HttpRequest) -> HttpResponse:
    """供需对接 — the needs of the jurisdiction by status, newest first."""
    _require(request, "outreach.view_needs")
    status = request.GET.get("status", NeedStatus.OPEN)
    if status not in NeedStatus.values:
        status = ""
    page = _page(request, queries.needs_for(request.user, status))
    return render(
        request,
        "outreach/need_list.html",
        {
            "page": page,
            "status": status,
            "statuses": NeedStatus.choices,
            "breadcrumb": _needs_crumbs(),
        },
    )


def _need_page(
    request: HttpRequest,
    need: Need,
    *,
    match_form: MatchForm | None = None,
    case_form: ToCaseForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "outreach/need_detail.html",
        {
            "need": need,
            "poster": actions.mask_surname(need.poster_name),
            "matches": queries.matches_of(need),
            "can_match": user.has_perm("outreach.match_need", need)
            and need.status == NeedStatus.OPEN,
            "can_close": user.has_perm("outreach.close_need", need)
            and need.status != NeedStatus.CLOSED,
            "match_form": match_form or MatchForm(need=need),
            "case_form": case_form or ToCaseForm(),
            "close_form": close_form or CloseForm(),
            "breadcrumb": _needs_crumbs((need.title, "")),
        },
        status=status,
    )


@staff_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    return _need_page(request, need)


@require_POST
@staff_required
def need_match(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    need = queries.access_need(user, pk)
    form = MatchForm(request.POST, need=need)
    if form.is_valid():
        data = form.cleaned_data
        try:
            offer = queries.access_offer(user, data["offer"])
            actions.do_match(
                need,
                offer,
                appointment_at=data["appointment_at"],
                note=data["note"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已对接，并已通知需求人和服务提供方"))
            return redirect("outreach:need", pk=need.pk)
    return _need_page(request, need, match_form=form, status=400)


@require_POST
@staff_required
def need_to_case(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    need = queries.access_need(user, pk)
    form = ToCaseForm(request.POST)
    if form.is_valid():
        try:
            case = actions.do_need_to_case(
                need, category=form.cleaned_data["category"], actor=user, request=request
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已转为办件，编号 %(number)s") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    return _need_page(request, need, case_form=form, status=400)


@require_POST
@staff_required
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    need = queries.access_need(user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.do_close_need(need, note=form.cleaned_data["note"], actor=user, request=request)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("需求已关闭"))
            return redirect("outreach:need", pk=need.pk)
    return _need_page(request, need, close_form=form, status=400)


@staff_required
def offer_list(request: HttpRequest) -> HttpResponse:
    """服务供给 — offers of the jurisdiction and of the areas covering it."""
    _require(request, "outreach.view_needs")
    user: Any = request.user
    page = _page(request, queries.offers_for(user))
    for offer in page.object_list:
        offer.provider_label = actions.provider_label(offer)
        offer.can_withdraw = offer.is_active and user.has_perm("outreach.withdraw_offer", offer)
    return render(
        request,
        "outreach/offer_list.html",
        {
            "page": page,
            "breadcrumb": _needs_crumbs((_("服务供给"), "")),
        },
    )


@staff_required
def offer_create(request: HttpRequest) -> HttpResponse:
    _require(request, "outreach.view_needs")
    user: Any = request.user
    form = OfferForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_post_offer(
                provider_kind=data["provider_kind"],
                organisation=data["organisation"],
                provider_name=data["provider_name"],
                region=data["region"] or None,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                capacity=data["capacity"],
                available_times=data["available_times"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("服务供给已登记"))
            return redirect("outreach:offers")
    return render(
        request,
        "outreach/offer_form.html",
        {
            "form": form,
            "breadcrumb": _needs_crumbs(
                (_("服务供给"), reverse("outreach:offers")), (_("登记服务供给"), "")
            ),
        },
    )


@require_POST
@staff_required
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = queries.access_offer(request.user, pk, for_write=True)
    try:
        actions.do_withdraw_offer(offer, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("服务供给已撤回"))
    return redirect("outreach:offers")
