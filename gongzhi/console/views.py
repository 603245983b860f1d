"""The staff console's home page and jurisdiction switcher."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongzhi.core.middleware import SESSION_KEY
from gongzhi.core.scoping import contains
from gongzhi.regions import queries as region_queries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台 — the jurisdiction at a glance, with counts at each level below it."""
    summary = region_queries.scope_summary(request.user)
    return render(request, "console/home.html", {"summary": summary})


@require_POST
@login_required
def switch_jurisdiction(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("region_code", "")
    user = request.user
    if code and contains(user.region_code, code):  # type: ignore[union-attr]
        request.session[SESSION_KEY] = code
    else:
        request.session.pop(SESSION_KEY, None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/console/"
    return HttpResponseRedirect(target)
