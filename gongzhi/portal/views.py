"""The resident portal (居民服务): a mobile-first shell that later issues fill with services.

Every page but 我的 works without logging in. The portal only reads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from gongzhi.cases import queries as case_queries
from gongzhi.cases.enums import CaseKind
from gongzhi.portal import queries
from gongzhi.residents import portal as registry

# 适老化: the large-text mode is a browser setting, kept for a year in a cookie, so that
# it also holds before logging in and on a shared kiosk until switched off.
ELDER_COOKIE = "elder_mode"
ELDER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """首页 — the resident's community, and big tiles for what they can do."""
    return render(request, "portal/home.html", {"place": queries.home_place(request.user)})


@require_GET
@login_required
def me(request: HttpRequest) -> HttpResponse:
    """我的 — who is logged in, where they belong, and their settings."""
    user: Any = request.user
    return render(request, "portal/me.html", {"place": queries.home_place(user)})


@require_GET
@login_required
def my_household(request: HttpRequest) -> HttpResponse:
    """我的家庭档案 — the resident's own household record, masked, and who viewed their
    unmasked data (PIPL transparency). Reads only the logged-in account's own record."""
    user: Any = request.user
    record = registry.own_record(user)
    # 居民信息更正: the online application, beside the committee office (R3.6b).
    correction = case_queries.active_categories(CaseKind.CORRECTION).first()
    context: dict[str, Any] = {"record": record, "correction": correction}
    if record is not None:
        context["members"] = registry.household_members(record)
        context["views"] = registry.views_of(record)
        context["views_shown"] = registry.VIEWS_SHOWN
        context["committee"] = registry.committee_of(record.community)
    else:
        context["committee"] = registry.committee_of(user.region)
    return render(request, "portal/my_household.html", context)


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch the large-text elder mode on (``elder_mode=1``) or off (``0``) and go back.

    Without a value the mode flips, so a plain toggle button also works.
    """
    value = request.POST.get("elder_mode", "")
    if value not in ("0", "1"):
        value = "0" if request.COOKIES.get(ELDER_COOKIE) == "1" else "1"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        ELDER_COOKIE,
        value,
        max_age=ELDER_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
