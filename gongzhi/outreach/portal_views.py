"""Outreach in the resident portal: 流动服务 — the next visits of the service vehicle
near the resident (R3.2a) — and 供需对接 — post a need, offer mutual aid, see the
offers of the community (R3.2b).

Every read starts from the logged-in account's own registry record; other residents
appear by surname only, never with a phone number. A resident reaches only their own
needs and offers: any other id is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.outreach import actions, queries
from gongzhi.outreach.enums import ProviderKind, ServiceKind
from gongzhi.outreach.forms import MutualAidForm, NeedForm, add_action_errors

OFFERS_PER_PAGE = 20
NEEDS_SHOWN = 20


@require_GET
def mobile_service(request: HttpRequest) -> HttpResponse:
    """流动服务 — the coming visits at stops in the resident's community, then elsewhere
    in the township, with the services that can be applied for at the stop."""
    user: Any = request.user
    nearby = queries.nearby_visits(user) if user.is_authenticated else None
    return render(request, "portal/outreach/mobile_service.html", {"nearby": nearby})


@require_GET
@login_required
def supply_demand(request: HttpRequest) -> HttpResponse:
    """供需对接 — my needs and offers, the offers serving my community, and the open needs
    of neighbours (surname only)."""
    user: Any = request.user
    community = queries.resident_community(user)
    offers_page = None
    neighbours: list[Any] = []
    if community is not None:
        offers_page = Paginator(
            queries.offers_serving(community.region_code), OFFERS_PER_PAGE
        ).get_page(request.GET.get("page"))
        offer: Any
        for offer in offers_page.object_list:
            offer.provider_label = actions.provider_label(offer)
        neighbours = list(queries.community_needs(community, user)[:NEEDS_SHOWN])
        for need in neighbours:
            need.poster_label = actions.mask_surname(need.poster_name)
    return render(
        request,
        "portal/outreach/supply_demand.html",
        {
            "community": community,
            "my_needs": queries.my_needs(user)[:NEEDS_SHOWN],
            "my_offers": queries.my_offers(user)[:NEEDS_SHOWN],
            "offers_page": offers_page,
            "neighbours": neighbours,
            "can_post": user.has_perm("outreach.post_need"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def need_new(request: HttpRequest) -> HttpResponse:
    """发布需求 — for the resident's own community."""
    user: Any = request.user
    if not user.has_perm("outreach.post_need"):
        raise PermissionDenied(_("只有居民账号可以发布需求"))
    form = NeedForm(request.POST or None, initial={"kind": ServiceKind.CONVENIENCE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_post_need(
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("需求已发布，社区工作人员会为您对接"))
            return redirect("portal:supply_demand")
    return render(
        request,
        "portal/outreach/need_form.html",
        {"form": form, "community": queries.resident_community(user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def offer_new(request: HttpRequest) -> HttpResponse:
    """我能帮忙 — a resident offers mutual aid (邻里互助) in their community (R3.2i)."""
    user: Any = request.user
    if not user.has_perm("outreach.post_need"):
        raise PermissionDenied(_("只有居民账号可以发布互助服务"))
    form = MutualAidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_post_offer(
                kind=ServiceKind.MUTUAL_AID,
                provider_kind=ProviderKind.RESIDENT,
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
            messages.success(request, _("互助服务已发布"))
            return redirect("portal:supply_demand")
    return render(
        request,
        "portal/outreach/offer_form.html",
        {"form": form, "community": queries.resident_community(user)},
    )


@require_POST
@login_required
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_own_need(request.user, pk)
    try:
        actions.do_close_need(need, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("需求已关闭"))
    return redirect("portal:supply_demand")


@require_POST
@login_required
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = queries.access_own_offer(request.user, pk)
    try:
        actions.do_withdraw_offer(offer, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("互助服务已撤回"))
    return redirect("portal:supply_demand")
