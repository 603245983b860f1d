"""Request-wide jurisdiction: which part of their region a staff member is acting in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gongzhi.core.scoping import contains

SESSION_KEY = "gongzhi_active_scope"


class JurisdictionMiddleware:
    """Sets ``request.user.active_scope`` from the jurisdiction switcher's choice.

    A county administrator may narrow the console to one township or community; the
    choice is kept in the session and honoured only while it lies inside the account's
    own region, so a stale or forged value falls back to the whole jurisdiction.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "region_code", ""):
            chosen = request.session.get(SESSION_KEY)
            if chosen and contains(user.region_code, chosen):  # type: ignore[union-attr]
                user.active_scope = chosen  # type: ignore[union-attr]
            else:
                user.active_scope = user.region_code  # type: ignore[union-attr]
        return self.get_response(request)
