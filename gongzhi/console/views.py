"""The staff console's home page and jurisdiction switcher."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.console import queries
from gongzhi.console.context_processors import modules_for
from gongzhi.console.decorators import staff_required
from gongzhi.core.middleware import SESSION_KEY
from gongzhi.regions import queries as region_queries


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台 — the jurisdiction at a glance, with counts at each level below it."""
    user: Any = request.user
    summary = region_queries.scope_summary(user)
    region = summary["region"]
    # scope_summary counts from the county level down; show only the levels below the scope.
    counts = summary["counts"][region.level - 1 :] if region is not None else summary["counts"]
    return render(
        request,
        "console/home.html",
        {
            "summary": summary,
            "counts": counts,
            "modules": modules_for(user),
            "admin_panel": queries.admin_panel(user),
            "breadcrumb": region_queries.breadcrumb(user, region) if region is not None else [],
        },
    )


@require_POST
@staff_required
def switch_jurisdiction(request: HttpRequest) -> HttpResponse:
    """Narrow the console to one division inside the account's region, or widen it again.

    A code outside the account's region, unknown or inactive, changes nothing.
    """
    user: Any = request.user
    code = request.POST.get("region_code", "").strip()
    if not code or code == user.region_code:
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("已切换到全部辖区：%(name)s") % {"name": user.region.name})
    else:
        region = queries.switchable_region(user, code)
        if region is None:
            messages.error(request, _("所选辖区不在您的管辖范围内，未切换。"))
        else:
            request.session[SESSION_KEY] = region.region_code
            messages.success(request, _("已切换到：%(name)s") % {"name": region.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("console:home")
    return HttpResponseRedirect(target)
