"""Security policy applied to every staff request: password expiry and the second factor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

# Paths a user may reach while a password change or a second factor is still owed.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")


def password_expired(user: object) -> bool:
    max_age = settings.GONGZHI_PASSWORD_MAX_AGE_DAYS
    if getattr(user, "must_change_password", False):
        return True
    changed = getattr(user, "password_changed_at", None)
    return bool(max_age and changed and timezone.now() - changed > timedelta(days=max_age))


class SecurityPolicyMiddleware:
    """Send a user whose password has expired to the change-password page first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            if password_expired(user):
                return HttpResponseRedirect(reverse("accounts:password_change"))
        return self.get_response(request)
