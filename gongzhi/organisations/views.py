"""Pages of the organisations directory (组织机构) in the staff console. Thin: parse,
access, one action, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.organisations import actions, queries
from gongzhi.organisations.composition import composition_warnings
from gongzhi.organisations.forms import (
    EndMembershipForm,
    MembershipForm,
    OrganisationForm,
    PlaceForm,
    add_action_errors,
)
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.models import Level, Region


def _user(request: HttpRequest) -> User:
    """The acting account; every view here is behind ``login_required``."""
    return cast(User, request.user)


def _crumbs(user: Any, code: str, *tail: dict[str, str]) -> list[dict[str, str]]:
    """组织机构 › divisions from the user's jurisdiction down to ``code`` › ``tail``."""
    list_url = reverse("organisations:list")
    crumbs = [{"label": _("组织机构"), "url": list_url}]
    for region in queries.region_path(user, code):
        query = urlencode({"region": region.region_code})
        crumbs.append({"label": region.name, "url": f"{list_url}?{query}"})
    crumbs.extend(tail)
    return crumbs


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """组织机构 — the directory within the user's jurisdiction, filtered and paginated."""
    user = _user(request)
    if not queries.can_view(user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    if kind not in OrganisationKind.values:
        kind = ""
    region_code = request.GET.get("region", "").strip()
    region = queries.access_region(user, region_code) if region_code else None
    query = request.GET.get("q", "").strip()[:50]
    include_inactive = request.GET.get("inactive") == "1"
    organisations = queries.search_organisations(
        user,
        kind=kind,
        region_code=region.region_code if region else "",
        query=query,
        include_inactive=include_inactive,
    )
    page = Paginator(organisations, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"kind": kind, "region": region.region_code if region else "", "q": query}
    if include_inactive:
        filters["inactive"] = "1"
    return render(
        request,
        "organisations/list.html",
        {
            "page": page,
            "kinds": OrganisationKind.choices,
            "region_options": queries.region_filter_options(user),
            "selected_region": region,
            "selected_is_community": region is not None and region.level == Level.COMMUNITY,
            "filters": filters,
            "filter_query": urlencode({k: v for k, v in filters.items() if v}),
            "can_add": queries.can_manage(user),
            "breadcrumb": _crumbs(user, region.region_code) if region else None,
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = queries.access_organisation(user, pk)
    current, former = queries.members(organisation)
    can_manage = queries.can_manage(user, organisation)
    context = {
        "organisation": organisation,
        "at_community": organisation.region.level == Level.COMMUNITY,
        "current_members": current,
        "former_members": former,
        "warnings": composition_warnings(organisation),
        "party_tree": queries.party_tree(user, organisation),
        "children": queries.children_of(user, organisation)[:200],
        "parent_visible": queries.is_visible(user, organisation.parent),
        "attached_visible": queries.is_visible(user, organisation.attached_to),
        "can_manage": can_manage and organisation.is_active,
        "end_form": EndMembershipForm(),
        "add_party_links": _add_party_links(organisation) if can_manage else [],
        "breadcrumb": _crumbs(
            user, organisation.region.region_code, {"label": organisation.name, "url": ""}
        ),
    }
    return render(request, "organisations/detail.html", context)


def _add_party_links(organisation: Organisation) -> list[dict[str, str]]:
    """Shortcuts to add the next party tier under this organisation (R2.1a)."""
    create = reverse("organisations:create")
    region = organisation.region.region_code
    links = []
    if organisation.is_active and organisation.kind == OrganisationKind.PARTY_COMMITTEE:
        query = urlencode(
            {
                "region": region,
                "kind": OrganisationKind.PARTY_BRANCH.value,
                "parent": str(organisation.pk),
            }
        )
        links.append({"label": _("新增小区党支部"), "url": f"{create}?{query}"})
    if organisation.is_active and organisation.kind == OrganisationKind.PARTY_BRANCH:
        query = urlencode(
            {
                "region": region,
                "kind": OrganisationKind.PARTY_GROUP.value,
                "parent": str(organisation.pk),
            }
        )
        links.append({"label": _("新增楼栋党小组"), "url": f"{create}?{query}"})
    return links


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """新增组织 — first the division (``?region=``), then the organisation's details."""
    user = _user(request)
    if not queries.can_manage(user):
        raise PermissionDenied
    code = request.GET.get("region", "").strip()
    if not code:
        place_form = PlaceForm(request.GET or None, user=user)
        return render(
            request,
            "organisations/place_form.html",
            {
                "form": place_form,
                "breadcrumb": _crumbs(user, "", {"label": _("新增组织"), "url": ""}),
            },
        )
    place_form = PlaceForm({"region": code}, user=user)
    if not place_form.is_valid():
        return render(
            request,
            "organisations/place_form.html",
            {
                "form": place_form,
                "breadcrumb": _crumbs(user, "", {"label": _("新增组织"), "url": ""}),
            },
        )
    region: Region = place_form.cleaned_data["region"]
    # Prefill from the "add the next party tier" shortcuts; the form validates them.
    initial = {key: request.GET[key] for key in ("kind", "parent") if request.GET.get(key)}
    form = OrganisationForm(request.POST or None, initial=initial, region=region)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        try:
            actions.do_save_organisation(organisation, actor=user, request=request)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已新增%(name)s") % {"name": organisation.name})
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    return render(
        request,
        "organisations/form.html",
        {
            "form": form,
            "region": region,
            "title": _("新增组织"),
            "breadcrumb": _crumbs(user, region.region_code, {"label": _("新增组织"), "url": ""}),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = queries.access_organisation(user, pk, for_write=True)
    form = OrganisationForm(request.POST or None, instance=organisation, region=organisation.region)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_organisation(form.instance, actor=user, request=request)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已保存%(name)s") % {"name": organisation.name})
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    detail = reverse("organisations:detail", args=[organisation.pk])
    return render(
        request,
        "organisations/form.html",
        {
            "form": form,
            "region": organisation.region,
            "organisation": organisation,
            "title": _("编辑组织"),
            "breadcrumb": _crumbs(
                user,
                organisation.region.region_code,
                {"label": organisation.name, "url": detail},
                {"label": _("编辑"), "url": ""},
            ),
        },
    )


@require_POST
@login_required
def organisation_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = queries.access_organisation(user, pk, for_write=True)
    try:
        actions.do_deactivate_organisation(organisation, actor=user, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤销%(name)s") % {"name": organisation.name})
    return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))


def _member_page(
    request: HttpRequest, form: MembershipForm, organisation: Organisation, title: str
) -> HttpResponse:
    detail = reverse("organisations:detail", args=[organisation.pk])
    return render(
        request,
        "organisations/member_form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": title,
            "breadcrumb": _crumbs(
                _user(request),
                organisation.region.region_code,
                {"label": organisation.name, "url": detail},
                {"label": title, "url": ""},
            ),
        },
    )


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = queries.access_organisation(user, pk)
    if not user.has_perm("organisations.manage_member", organisation):
        raise PermissionDenied
    form = MembershipForm(request.POST or None, organisation=organisation, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_member(form.build(), actor=user, request=request)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已添加成员"))
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    return _member_page(request, form, organisation, _("添加成员"))


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    membership = queries.access_membership(user, pk, for_write=True)
    organisation = queries.access_organisation(user, membership.organisation_id)
    form = MembershipForm(
        request.POST or None, instance=membership, organisation=organisation, user=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_member(form.build(), actor=user, request=request)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已保存成员信息"))
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    return _member_page(request, form, organisation, _("编辑成员"))


@require_POST
@login_required
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    membership = queries.access_membership(user, pk, for_write=True)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("离任日期：请填写有效日期"))
    else:
        try:
            actions.do_end_membership(
                membership,
                end_date=form.cleaned_data["end_date"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已办理离任：%(name)s") % {"name": membership.person_name})
    return HttpResponseRedirect(reverse("organisations:detail", args=[membership.organisation_id]))
