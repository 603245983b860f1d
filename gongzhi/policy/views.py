"""Console pages of the rules store under /console/policy/: every rule with the value
that applies in the viewer's jurisdiction today and its source; a rule's versions and,
for county and league staff, a form to add one (DESIGN rule 5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.console.decorators import staff_required
from gongzhi.core.scoping import scope_of
from gongzhi.policy import actions, queries, registry
from gongzhi.policy.forms import VersionForm


def _scope(request: HttpRequest) -> str:
    if not request.user.has_perm("policy.view_policy"):
        raise PermissionDenied(_("您没有权限执行此操作"))
    return scope_of(request.user)


@staff_required
def policy_list(request: HttpRequest) -> HttpResponse:
    """法定规则 — every rule with the version in force in the jurisdiction today."""
    scope = _scope(request)
    today = timezone.localdate()
    rows = []
    for policy in registry.all_policies():
        rows.append((policy, queries.applicable(queries.versions(policy), scope, today)))
    return render(
        request,
        "policy/list.html",
        {"rows": rows, "breadcrumb": [{"label": _("法定规则"), "url": reverse("policy:list")}]},
    )


@staff_required
def policy_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One rule: all its versions, the one in force here, and the form for a new one."""
    scope = _scope(request)
    try:
        policy = registry.get(key)
    except LookupError:
        raise Http404 from None
    user: Any = request.user
    can_add = user.has_perm("policy.add_version")
    form = VersionForm(request.POST or None, initial={"region_code": scope})
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied(_("您没有权限执行此操作"))
        if form.is_valid():
            try:
                actions.do_add_policy_version(key=key, **form.cleaned_data, actor=user)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已新增规则版本"))
                return redirect("policy:detail", key=key)
    found = queries.versions(policy)
    current = queries.applicable(found, scope, timezone.localdate())
    return render(
        request,
        "policy/detail.html",
        {
            "policy": policy,
            "versions": found,
            "current": current,
            "form": form if can_add else None,
            "breadcrumb": [
                {"label": _("法定规则"), "url": reverse("policy:list")},
                {"label": str(policy.label), "url": ""},
            ],
        },
    )
