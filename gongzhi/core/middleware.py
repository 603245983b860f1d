"""Request-wide jurisdiction: which part of their region a staff member is acting in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
        user: Any = request.user
        own = getattr(user, "region_code", "") if user.is_authenticated else ""
        if own:
            chosen = request.session.get(SESSION_KEY)
            valid = isinstance(chosen, str) and chosen.isdigit() and contains(own, chosen)
            user.active_scope = chosen if valid else own
        return self.get_response(request)
