"""Region browsing in the staff console: tree, search, grids, compounds and their forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.scoping import NOWHERE, scope_of
from gongzhi.regions import actions, queries
from gongzhi.regions.forms import BuildingForm, CompoundForm, GridForm, add_action_errors
from gongzhi.regions.geo import boundary_svg
from gongzhi.regions.models import Level


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """区划与网格 — opens at the region the user acts in."""
    scope = scope_of(request.user)
    if scope in (NOWHERE, ""):
        raise Http404
    return redirect("regions:region_detail", code=scope)


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = queries.access_region(request.user, code)
    context: dict[str, Any] = {
        "region": region,
        "breadcrumb": queries.breadcrumb(request.user, region),
        "children": queries.children_of(request.user, region),
        "child_level": Level(region.level + 1).label if region.level < Level.COMMUNITY else "",
        "show_subdivisions": region.level < Level.TOWNSHIP,
        "can_add_grid": region.is_community
        and request.user.has_perm("regions.change_grid", region),
    }
    if region.is_community:
        context["grids"] = queries.grids_of(request.user, region)
    return render(request, "regions/region_detail.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Live search (htmx swaps the result list) with a plain full-page fallback."""
    q = request.GET.get("q", "").strip()
    page = queries.search_regions(request.user, q, request.GET.get("page", 1))
    context = {"q": q, "page": page}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "regions/_search_results.html", context)
    scope_region = queries.scope_summary(request.user)["region"]
    crumbs = queries.breadcrumb(request.user, scope_region) if scope_region else []
    context["breadcrumb"] = [*crumbs, {"label": _("查找区划"), "url": ""}]
    return render(request, "regions/search.html", context)


@login_required
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    grid = queries.access_grid(request.user, code)
    compounds = list(queries.compounds_of(request.user, grid))
    threshold = queries.committee_occupancy(grid.region_code)
    for compound in compounds:
        compound.needs_committee = queries.needs_own_committee(compound, threshold)  # type: ignore[attr-defined]
    drawing = (
        boundary_svg(grid.boundary, points=[(c.lon, c.lat, c.name) for c in compounds])
        if grid.boundary
        else None
    )
    return render(
        request,
        "regions/grid_detail.html",
        {
            "grid": grid,
            "breadcrumb": queries.breadcrumb(request.user, grid),
            "workers": grid.workers.all(),
            "compounds": compounds,
            "drawing": drawing,
            "threshold_percent": threshold.percent,
            "can_edit": request.user.has_perm("regions.change_grid", grid),
            "can_add_compound": request.user.has_perm("regions.change_compound", grid),
        },
    )


@login_required
def compound_detail(request: HttpRequest, code: str) -> HttpResponse:
    compound = queries.access_compound(request.user, code)
    threshold = queries.committee_occupancy(compound.region_code)
    return render(
        request,
        "regions/compound_detail.html",
        {
            "compound": compound,
            "breadcrumb": queries.breadcrumb(request.user, compound),
            "buildings": queries.buildings_of(request.user, compound),
            "needs_committee": queries.needs_own_committee(compound, threshold),
            "threshold_percent": threshold.percent,
            "can_edit": request.user.has_perm("regions.change_compound", compound),
            "can_add_building": request.user.has_perm("regions.change_building", compound),
        },
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, place: Any, cancel: str, step: str
) -> HttpResponse:
    """The form under the place it belongs to; ``step`` names the form in the breadcrumb."""
    crumbs = queries.breadcrumb(request.user, place)
    return render(
        request,
        "regions/place_form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel,
            "breadcrumb": [*crumbs, {"label": step, "url": ""}],
        },
    )


@login_required
def grid_form(request: HttpRequest, code: str, edit: bool = False) -> HttpResponse:
    """New grid under a community (``code`` is the community) or edit one (``code`` is the grid)."""
    if edit:
        grid = queries.access_grid(request.user, code)
        community = grid.community
        _require(request, "regions.change_grid", grid)
    else:
        grid = None
        community = queries.access_region(request.user, code)
        if not community.is_community:
            raise Http404
        _require(request, "regions.change_grid", community)
    form = GridForm(request.POST or None, community=community, grid=grid)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.do_save_grid(
                community,
                name=data["name"],
                boundary=data["boundary"],
                code=grid.region_code if grid else data.get("code") or None,
                head=data["head"],
                workers=data["workers"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("网格“%(name)s”已保存") % {"name": saved.name})
            return redirect("regions:grid_detail", code=saved.region_code)
    if grid:
        title = _("编辑网格：%(name)s") % {"name": grid.name}
        cancel = reverse("regions:grid_detail", args=[grid.region_code])
    else:
        title = _("在%(name)s新建网格") % {"name": community.name}
        cancel = reverse("regions:region_detail", args=[community.region_code])
    step = _("编辑") if grid else _("新建网格")
    return _form_page(request, form, title=title, place=grid or community, cancel=cancel, step=step)


@login_required
def compound_form(request: HttpRequest, code: str, edit: bool = False) -> HttpResponse:
    """New compound in a grid (``code`` is the grid) or edit one (``code`` is the compound)."""
    if edit:
        compound = queries.access_compound(request.user, code)
        grid = compound.grid
        _require(request, "regions.change_compound", compound)
    else:
        compound = None
        grid = queries.access_grid(request.user, code)
        _require(request, "regions.change_compound", grid)
    form = CompoundForm(request.POST or None, grid=grid, compound=compound)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.do_save_compound(
                grid,
                name=data["name"],
                address=data["address"],
                total_units=data["total_units"],
                occupied_units=data["occupied_units"],
                committee_region=data["committee_region"],
                management_mode=data["management_mode"],
                lon=data["lon"],
                lat=data["lat"],
                code=compound.region_code if compound else None,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("小区“%(name)s”已保存") % {"name": saved.name})
            return redirect("regions:compound_detail", code=saved.region_code)
    if compound:
        title = _("编辑小区：%(name)s") % {"name": compound.name}
        cancel = reverse("regions:compound_detail", args=[compound.region_code])
    else:
        title = _("在%(name)s新建小区") % {"name": grid.name}
        cancel = reverse("regions:grid_detail", args=[grid.region_code])
    step = _("编辑") if compound else _("新建小区")
    return _form_page(request, form, title=title, place=compound or grid, cancel=cancel, step=step)


@login_required
def building_form(request: HttpRequest, code: str, edit: bool = False) -> HttpResponse:
    """New building in a compound (``code`` is the compound), or edit one (``code`` is it)."""
    if edit:
        building = queries.access_building(request.user, code)
        compound = building.compound
        _require(request, "regions.change_building", building)
        initial = {"name": building.name, "floors": building.floors, "units": building.units}
    else:
        building = None
        compound = queries.access_compound(request.user, code)
        _require(request, "regions.change_building", compound)
        initial = {}
    form = BuildingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_building(
                compound,
                name=data["name"],
                floors=data["floors"],
                units=data["units"],
                code=building.region_code if building else None,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("楼栋“%(name)s”已保存") % {"name": data["name"]})
            return redirect("regions:compound_detail", code=compound.region_code)
    title = (
        _("编辑楼栋：%(name)s") % {"name": building.name}
        if building
        else _("在%(name)s新建楼栋") % {"name": compound.name}
    )
    return _form_page(
        request,
        form,
        title=title,
        place=building or compound,
        cancel=reverse("regions:compound_detail", args=[compound.region_code]),
        step=_("编辑") if building else _("新建楼栋"),
    )
