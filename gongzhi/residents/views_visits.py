"""Grid workers' pages (R2.3c, R3.1e): the households of my grid and the visit form, made
for a phone; and the migrant (R3.1h) and party-member (R2.1a) forms of a resident.
Thin: queries read, actions write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.residents import actions, queries
from gongzhi.residents.enums import ResidenceSituation, ResidentStatus
from gongzhi.residents.forms import add_action_errors
from gongzhi.residents.forms_visits import MigrantForm, PartyForm, VisitForm
from gongzhi.residents.views import _crumbs, _form_page, _resident_crumbs

GRID_PAGE_SIZE = 30
_PERMIT_VALUES = {"true": True, "false": False}


def _grid_crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs((_("我的网格"), reverse("residents:my_grids")), *items)


@login_required
def my_grids(request: HttpRequest) -> HttpResponse:
    """我的网格: one grid goes straight to its households; several are listed to choose."""
    grids = list(queries.grids_for(request.user)[:200])
    if not grids and not queries.can(request.user, "residents.view_household"):
        raise PermissionDenied(_("您没有权限执行此操作"))
    if len(grids) == 1:
        return redirect("residents:grid_households", code=grids[0].region_code)
    return render(
        request,
        "residents/visits/grids.html",
        {"grids": grids, "breadcrumb": _crumbs((_("我的网格"), ""))},
    )


@login_required
def grid_households(request: HttpRequest, code: str) -> HttpResponse:
    """The households of one grid with their members, tags and last visit."""
    grid = queries.access_grid(request.user, code)
    page = Paginator(queries.households_of_grid(request.user, grid), GRID_PAGE_SIZE).get_page(
        request.GET.get("page", 1)
    )
    today = timezone.localdate()
    # Every household on the page lies in the grid: one permission check covers them all.
    can_visit = request.user.has_perm("residents.record_visit", grid)
    rows = [
        {
            "household": household,
            "householder": queries.householder_of(household),
            "members": household.current_members,  # type: ignore[attr-defined]
            "last_visited_on": household.last_visited_on,  # type: ignore[attr-defined]
            "overdue": queries.visit_overdue(household.last_visited_on, today),  # type: ignore[attr-defined]
            "can_visit": can_visit,
        }
        for household in page
    ]
    return render(
        request,
        "residents/visits/grid_households.html",
        {
            "grid": grid,
            "page": page,
            "rows": rows,
            "overdue_days": queries.VISIT_OVERDUE_DAYS,
            "breadcrumb": _grid_crumbs((grid.name, "")),
        },
    )


@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """记录走访 for one household; back to the grid's list (or the household's page)."""
    household = queries.access_household(request.user, pk)
    if not request.user.has_perm("residents.record_visit", household):
        raise PermissionDenied(_("您没有权限执行此操作"))
    from_grid = request.GET.get("from") == "grid" and household.grid is not None
    members = queries.members_of(request.user, household)
    form = VisitForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_visit(
                household,
                visited_on=data["visited_on"],
                kind=data["kind"],
                summary=data["summary"],
                resident=data["resident"],
                follow_up_needed=data["follow_up_needed"],
                follow_up_note=data["follow_up_note"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request, _("已记录户 %(number)s 的走访") % {"number": household.number}
            )
            if from_grid and household.grid is not None:
                return redirect("residents:grid_households", code=household.grid.region_code)
            return redirect("residents:household_detail", pk=household.pk)
    household_url = reverse("residents:household_detail", args=[household.pk])
    cancel = (
        reverse("residents:grid_households", args=[household.grid.region_code])
        if from_grid and household.grid is not None
        else household_url
    )
    return render(
        request,
        "residents/visits/visit_form.html",
        {
            "form": form,
            "household": household,
            "householder": household.householder,
            "cancel_url": cancel,
            "breadcrumb": _crumbs(
                (_("户 %(number)s") % {"number": household.number}, household_url),
                (_("记录走访"), ""),
            ),
        },
    )


def _changeable(request: HttpRequest, pk: int) -> Any:
    resident = queries.access_resident(request.user, pk)
    if (
        not request.user.has_perm("residents.change_resident", resident)
        or resident.status != ResidentStatus.ACTIVE
    ):
        raise PermissionDenied(_("您没有权限执行此操作"))
    return resident


@login_required
def migrant_details(request: HttpRequest, pk: int) -> HttpResponse:
    """流动人口信息 (R3.1h): only for a resident whose 居住情况 is 流动人口."""
    resident = _changeable(request, pk)
    detail_url = reverse("residents:detail", args=[resident.pk])
    if resident.residence_situation != ResidenceSituation.MIGRANT:
        messages.error(request, _("居住情况不是流动人口，不能填写流动人口信息"))
        return redirect(detail_url)
    permit = {True: "true", False: "false"}.get(resident.has_residence_permit, "unknown")
    form = MigrantForm(
        request.POST or None,
        initial={
            "origin_place": resident.origin_place,
            "arrived_on": resident.arrived_on,
            "has_residence_permit": permit,
            "intended_stay": resident.intended_stay,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_migrant_details(
                resident,
                origin_place=data["origin_place"],
                arrived_on=data["arrived_on"],
                has_residence_permit=data["has_residence_permit"],
                intended_stay=data["intended_stay"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=_("流动人口信息：%(name)s") % {"name": resident.name},
        cancel=detail_url,
        crumbs=_resident_crumbs(resident, _("流动人口信息")),
    )


@login_required
def party_membership(request: HttpRequest, pk: int) -> HttpResponse:
    """党员信息 (R2.1a): party organisation in the community and serving grid."""
    resident = _changeable(request, pk)
    detail_url = reverse("residents:detail", args=[resident.pk])
    if resident.political_status not in actions.PARTY_MEMBER_STATUSES:
        messages.error(request, _("政治面貌不是中共党员或预备党员，不能填写党员信息"))
        return redirect(detail_url)
    form = PartyForm(
        request.POST or None,
        initial={
            "party_organisation": resident.party_organisation_id,
            "serving_grid": resident.serving_grid_id,
        },
        organisations=queries.party_organisations_for(resident),
        grids=queries.grids_of_community(resident),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_party_membership(
                resident,
                party_organisation=form.cleaned_data["party_organisation"],
                serving_grid=form.cleaned_data["serving_grid"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=_("党员信息：%(name)s") % {"name": resident.name},
        cancel=detail_url,
        crumbs=_resident_crumbs(resident, _("党员信息")),
    )
