"""Security policy applied to every request of a logged-in user.

In order: the idle timeout, the second factor, the password's expiry (GB/T 22239-2019
8.1.4.1: 登录连接超时自动退出; 两种以上鉴别技术; 口令定期更换).

- **Idle timeout.** The session remembers when it was last used (``LAST_SEEN_KEY``); a
  request that arrives more than ``GONGZHI_IDLE_TIMEOUT_MINUTES`` later is logged out,
  written to the ledger as SESSION_TIMEOUT and sent to the login page, which says why.
  The session cookie itself lives longer (``SESSION_COOKIE_AGE``) only so that the stale
  request still reaches the server and the timeout can be told and recorded; the
  cookie's age is not what ends the session.
- **Second factor.** An account that must use TOTP and has not verified a code in this
  session may reach only the login, logout and TOTP pages.
- **Password expiry.** An expired password, or one set by an administrator's reset,
  must be changed before anything else.

API paths get no redirects: a session that still owes a factor or a password change is
treated as anonymous there (the API authenticates with bearer tokens).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType

# Paths the policy never looks at.
OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")
API_PREFIX = "/api/"
LAST_SEEN_KEY = "gongzhi_last_seen"
TIMED_OUT_KEY = "gongzhi_timed_out"
# accounts: URL names reachable while a second factor is owed, and while a password is.
OTP_PENDING_VIEWS = frozenset({"login", "logout", "otp_enrol", "otp_verify"})
PASSWORD_PENDING_VIEWS = OTP_PENDING_VIEWS | {"password_change"}


def password_expired(user: object) -> bool:
    max_age = settings.GONGZHI_PASSWORD_MAX_AGE_DAYS
    if getattr(user, "must_change_password", False):
        return True
    changed = getattr(user, "password_changed_at", None)
    return bool(max_age and changed and timezone.now() - changed > timedelta(days=max_age))


def second_factor_owed(request: HttpRequest) -> bool:
    """The user must use TOTP and has not verified a code in this session."""
    from gongzhi.accounts.auth import otp_required

    user = request.user
    verified = getattr(user, "is_verified", None)
    return otp_required(user) and not (verified is not None and verified())


def mark_seen(request: HttpRequest) -> None:
    request.session[LAST_SEEN_KEY] = time.time()


def _accounts_view_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.url_name if match.namespace == "accounts" else None


def _login_redirect(request: HttpRequest, target: str) -> HttpResponse:
    if request.method == "GET":
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        # An htmx fragment request must move the whole page, not swap the login form in.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


class SecurityPolicyMiddleware:
    """Idle timeout, then the second factor, then password expiry (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        idle_limit = settings.GONGZHI_IDLE_TIMEOUT_MINUTES * 60
        if isinstance(last_seen, int | float) and now - last_seen > idle_limit:
            return self._time_out(request, idle_seconds=now - last_seen)
        request.session[LAST_SEEN_KEY] = now
        is_api = request.path.startswith(API_PREFIX)
        if second_factor_owed(request):
            if is_api:
                request.user = AnonymousUser()
            elif _accounts_view_name(request) not in OTP_PENDING_VIEWS:
                from gongzhi.accounts.auth import confirmed_device

                name = "otp_verify" if confirmed_device(user) else "otp_enrol"
                return _login_redirect(request, reverse(f"accounts:{name}"))
        elif password_expired(user):
            if is_api:
                request.user = AnonymousUser()
            elif _accounts_view_name(request) not in PASSWORD_PENDING_VIEWS:
                return _login_redirect(request, reverse("accounts:password_change"))
        return self.get_response(request)

    def _time_out(self, request: HttpRequest, *, idle_seconds: float) -> HttpResponse:
        user = request.user
        record_event(
            EventType.SESSION_TIMEOUT,
            actor=user,
            obj=user,  # type: ignore[arg-type]
            summary={
                "idle_minutes": int(idle_seconds // 60),
                "limit_minutes": settings.GONGZHI_IDLE_TIMEOUT_MINUTES,
            },
            request=request,
        )
        logout(request)
        request.session[TIMED_OUT_KEY] = True
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        return _login_redirect(request, reverse("accounts:login"))
