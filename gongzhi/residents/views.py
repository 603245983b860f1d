"""Pages of the residents registry (实有人口) in the staff console. Thin: queries read,
actions write, the templates show masked values only (DESIGN rule 4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.residents import actions, queries
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.forms import (
    DepartureForm,
    HouseholdForm,
    MergeForm,
    MoveForm,
    ResidentForm,
    add_action_errors,
)
from gongzhi.residents.models import Household, Resident


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    allowed = (
        request.user.has_perm(perm, obj) if obj is not None else queries.can(request.user, perm)
    )
    if not allowed:
        raise PermissionDenied(_("您没有权限执行此操作"))


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("实有人口"), "url": reverse("residents:list")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _resident_crumbs(resident: Resident, step: str = "") -> list[dict[str, str]]:
    household = resident.household
    items = [
        (
            _("户 %(number)s") % {"number": household.number},
            reverse("residents:household_detail", args=[household.pk]),
        ),
        (resident.name, reverse("residents:detail", args=[resident.pk]) if step else ""),
    ]
    if step:
        items.append((step, ""))
    return _crumbs(*items)


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    """居民列表 with live search (htmx swaps the results) and status/tag filters."""
    _require(request, "residents.view_resident")
    q = request.GET.get("q", "").strip()
    # 在册 by default; the filter's 全部 (an empty value) shows the history too.
    status = request.GET.get("status", ResidentStatus.ACTIVE.value)
    tag = request.GET.get("tag", "")
    page = queries.search_residents(
        request.user, q, status=status, tag=tag, page=request.GET.get("page", 1)
    )
    context: dict[str, Any] = {
        "q": q,
        "status": status,
        "tag": tag,
        "page": page,
        "statuses": ResidentStatus.choices,
        "tags": queries.visible_tags(request.user),
        "can_add": queries.can(request.user, "residents.add_household"),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "residents/_results.html", context)
    context["breadcrumb"] = _crumbs()
    return render(request, "residents/list.html", context)


def _detail_context(request: HttpRequest, resident: Resident) -> dict[str, Any]:
    user = request.user
    return {
        "resident": resident,
        "breadcrumb": _resident_crumbs(resident),
        "is_minor": queries.is_minor(resident),
        "can_unmask": user.has_perm("residents.unmask_resident", resident),
        "can_change": user.has_perm("residents.change_resident", resident)
        and resident.status == ResidentStatus.ACTIVE,
    }


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = queries.access_resident(request.user, pk)
    return render(request, "residents/detail.html", _detail_context(request, resident))


@require_POST
@login_required
def resident_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整号码: shown once in this response, never stored in the page's URL or cache."""
    resident = queries.access_resident(request.user, pk)
    field = request.POST.get("field", "")
    if field not in actions.UNMASKABLE_FIELDS:
        raise Http404
    _require(request, "residents.unmask_resident", resident)
    value = actions.do_unmask_resident(
        resident,
        field=field,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    context = _detail_context(request, resident)
    context["revealed"] = {field: value}
    response = render(request, "residents/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = queries.access_household(request.user, pk)
    return render(
        request,
        "residents/household_detail.html",
        {
            "household": household,
            "members": queries.members_of(request.user, household),
            "breadcrumb": _crumbs((_("户 %(number)s") % {"number": household.number}, "")),
            "can_add": request.user.has_perm("residents.add_resident", household),
        },
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, cancel: str, crumbs: list[dict[str, str]]
) -> HttpResponse:
    return render(
        request,
        "residents/form.html",
        {"form": form, "title": title, "cancel_url": cancel, "breadcrumb": crumbs},
    )


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    _require(request, "residents.add_household")
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = actions.do_register_household(
                community=data["community"],
                number=data["number"],
                grid=data["grid"],
                compound=data["compound"],
                building=data["building"],
                room=data["room"],
                address=data["address"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("户 %(number)s 已登记") % {"number": household.number})
            return redirect("residents:household_detail", pk=household.pk)
    return _form_page(
        request,
        form,
        title=_("登记新户"),
        cancel=reverse("residents:list"),
        crumbs=_crumbs((_("登记新户"), "")),
    )


_RESIDENT_FIELDS = (
    "name",
    "doc_type",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "relationship",
    "phone",
    "education",
    "marital_status",
    "political_status",
    "registered_region_code",
    "residence_situation",
    "moved_in_on",
    "is_local_resident",
    "tags",
)


@login_required
def resident_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = queries.access_household(request.user, pk)
    _require(request, "residents.add_resident", household)
    form = ResidentForm(request.POST or None, tags=queries.offered_tags(request.user))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _RESIDENT_FIELDS}
        try:
            resident = actions.do_register_resident(
                household=household,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **data,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("居民“%(name)s”已登记") % {"name": resident.name})
            return redirect("residents:detail", pk=resident.pk)
    household_url = reverse("residents:household_detail", args=[household.pk])
    return _form_page(
        request,
        form,
        title=_("在户 %(number)s 登记居民") % {"number": household.number},
        cancel=household_url,
        crumbs=_crumbs(
            (_("户 %(number)s") % {"number": household.number}, household_url),
            (_("登记居民"), ""),
        ),
    )


def _changeable(request: HttpRequest, pk: int) -> Resident:
    resident = queries.access_resident(request.user, pk)
    _require(request, "residents.change_resident", resident)
    return resident


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _changeable(request, pk)
    offered = queries.offered_tags(request.user)
    initial = {
        name: getattr(resident, name)
        for name in _RESIDENT_FIELDS
        if name not in ("id_number", "phone", "tags")
    }
    initial["tags"] = list(offered.filter(pk__in=resident.tags.values("pk")))
    form = ResidentForm(request.POST or None, initial=initial, tags=offered, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _RESIDENT_FIELDS}
        for name in ("id_number", "phone"):
            if not data[name]:
                del data[name]
        if "id_number" in data:
            # The prefilled sex and birth date came from the old number; a new one sets them.
            for name in ("sex", "birth_date"):
                if data[name] == getattr(resident, name):
                    del data[name]
        # Sensitive tags the editor cannot see, and deactivated tags, stay as they are.
        hidden = list(resident.tags.exclude(pk__in=offered.values("pk")))
        data["tags"] = [*data["tags"], *hidden]
        try:
            actions.do_update_resident(
                resident,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **data,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("residents:detail", pk=resident.pk)
    return _form_page(
        request,
        form,
        title=_("修改居民信息：%(name)s") % {"name": resident.name},
        cancel=reverse("residents:detail", args=[resident.pk]),
        crumbs=_resident_crumbs(resident, _("修改")),
    )


@login_required
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _changeable(request, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            destination: Household = queries.household_by_number(
                request.user, form.cleaned_data["household"]
            )
        except Http404:
            form.add_error("household", _("在您的辖区内没有这个户号"))
        else:
            try:
                actions.do_move_resident(
                    resident,
                    household=destination,
                    relationship=form.cleaned_data["relationship"],
                    actor=request.user,  # type: ignore[arg-type]
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("已迁入户 %(number)s") % {"number": destination.number})
                return redirect("residents:detail", pk=resident.pk)
    return _form_page(
        request,
        form,
        title=_("迁移：%(name)s") % {"name": resident.name},
        cancel=reverse("residents:detail", args=[resident.pk]),
        crumbs=_resident_crumbs(resident, _("迁移")),
    )


@login_required
def resident_departure(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _changeable(request, pk)
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_departure(
                resident,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已登记，记录保留为历史"))
            return redirect("residents:detail", pk=resident.pk)
    return _form_page(
        request,
        form,
        title=_("登记迁出或死亡：%(name)s") % {"name": resident.name},
        cancel=reverse("residents:detail", args=[resident.pk]),
        crumbs=_resident_crumbs(resident, _("迁出或死亡")),
    )


@login_required
def resident_merge(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _changeable(request, pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicate = queries.access_resident(request.user, form.cleaned_data["duplicate"])
        except Http404:
            form.add_error("duplicate", _("在您的辖区内没有这条记录"))
        else:
            try:
                actions.do_merge_residents(
                    resident,
                    duplicate,
                    actor=request.user,  # type: ignore[arg-type]
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("已合并"))
                return redirect("residents:detail", pk=resident.pk)
    return _form_page(
        request,
        form,
        title=_("合并重复记录到：%(name)s") % {"name": resident.name},
        cancel=reverse("residents:detail", args=[resident.pk]),
        crumbs=_resident_crumbs(resident, _("合并")),
    )
