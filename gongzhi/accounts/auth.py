"""Authentication: password through django-axes, rate limiting, and the TOTP second factor.

The web login (``views.login``) and the API token endpoint (``authenticate_for_api``) run
the same steps, so they share one failure counter and one rate limit:

1. Rate limit per client address (django-ratelimit on the Django cache,
   ``GONGZHI_AUTH_RATE_PER_MINUTE``).
2. The password through ``django.contrib.auth.authenticate(request=...)``: django-axes'
   backend refuses a locked account and its signal handler counts the failure. The lock is
   per username (GB/T 22239-2019 8.1.4.1 b: 登录失败处理), 5 failures → 15 minutes by default.
3. The TOTP second factor for the three administrators and for the roles listed in
   ``GONGZHI_OTP_REQUIRED_ROLES`` (8.1.4.1 d: 两种或两种以上组合的鉴别技术).

Every refusal writes a ledger event (8.1.4.3: 安全审计). Passwords are never recorded.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import get_usage

from gongzhi.accounts.client import client_bucket
from gongzhi.accounts.models import User
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType, Outcome

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

WEB = "web"
API = "api"


# --- Errors --------------------------------------------------------------------------------


class AuthenticationFailed(Exception):
    """Base of every refusal. ``code`` is stable for API clients, ``message`` is Chinese
    and safe to show, ``status`` is the HTTP status to answer with, and ``retry_after``
    (seconds) is set when waiting will help."""

    code = "authentication_failed"
    status = 401

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidCredentials(AuthenticationFailed):
    """Unknown username, wrong password or a disabled account (not told apart)."""

    code = "invalid_credentials"
    status = 401


class AccountLocked(AuthenticationFailed):
    """Too many failed logins for this username; ``retry_after`` says when it unlocks."""

    code = "account_locked"
    status = 429


class RateLimited(AuthenticationFailed):
    """Too many authentication requests from this client address this minute."""

    code = "rate_limited"
    status = 429


class OtpRequired(AuthenticationFailed):
    """The account needs a TOTP code and none was given."""

    code = "otp_required"
    status = 401


class OtpNotEnrolled(OtpRequired):
    """The account needs a TOTP code but has no authenticator bound yet (bind on the web)."""

    code = "otp_not_enrolled"
    status = 403


class OtpInvalid(AuthenticationFailed):
    """The TOTP code was wrong, reused, or verification is throttled after failures."""

    code = "otp_invalid"
    status = 401


class PasswordExpired(AuthenticationFailed):
    """The password has expired or must be changed after a reset (change it on the web)."""

    code = "password_expired"
    status = 403


# --- Lockout state -------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutState:
    failures: int
    limit: int
    remaining: timedelta | None

    @property
    def locked(self) -> bool:
        return self.remaining is not None

    @property
    def remaining_minutes(self) -> int:
        """Whole minutes until the lock lifts, rounded up (what the page tells the user)."""
        if self.remaining is None:
            return 0
        return max(1, math.ceil(self.remaining.total_seconds() / 60))

    @property
    def retry_after(self) -> int | None:
        return None if self.remaining is None else max(1, math.ceil(self.remaining.total_seconds()))


def lockout_state(username: str, *, now: datetime | None = None) -> LockoutState:
    """Whether django-axes holds ``username`` locked, and for how much longer.

    Reads axes' own records the way axes does: the failures of the attempts newer than
    the cool-off time, summed over every address and browser the username was tried from.
    The lock lifts once enough of the oldest attempts have aged out.
    """
    limit = int(get_failure_limit(HttpRequest(), {"username": username}))
    cool_off = get_cool_off()
    now = now or timezone.now()
    if cool_off is None:
        raise ValueError("AXES_COOLOFF_TIME must be set: a lock must lift by itself")
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)
        .order_by("attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    total = sum(failures for _, failures in rows)
    if total < limit:
        return LockoutState(failures=total, limit=limit, remaining=None)
    left = total
    for attempt_time, failures in rows:
        left -= failures
        if left < limit:
            return LockoutState(
                failures=total, limit=limit, remaining=attempt_time + cool_off - now
            )
    raise AssertionError("unreachable: the loop ends below the limit")


def locked_usernames(usernames: Iterable[str] | None = None) -> set[str]:
    """The usernames locked now (for lists: one grouped query, not one per account)."""
    cool_off = get_cool_off()
    limit = int(get_failure_limit(HttpRequest(), {}))
    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - (cool_off or timedelta())
    )
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    totals: dict[str, int] = {}
    for username, failures in attempts.values_list("username", "failures_since_start"):
        totals[username] = totals.get(username, 0) + failures
    return {username for username, total in totals.items() if total >= limit}


def locked_username_query() -> QuerySet[AccessAttempt, str]:
    """The usernames locked now, as a subquery (for filtering a list by lock state)."""
    cool_off = get_cool_off() or timedelta()
    limit = int(get_failure_limit(HttpRequest(), {}))
    return (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=limit)
        .values_list("username", flat=True)
    )


def _locked_message(state: LockoutState) -> str:
    return _("连续登录失败%(n)d次，账号已锁定，请%(minutes)d分钟后再试，或联系安全管理员解锁") % {
        "n": state.limit,
        "minutes": state.remaining_minutes,
    }


# --- Rate limit ----------------------------------------------------------------------------


def enforce_rate_limit(request: HttpRequest, *, channel: str) -> None:
    """Count one authentication request from the client's address; refuse past the limit.

    The first request over the limit in a window is written to the ledger, the rest are
    not: a flood must not turn into a flood of ledger appends.
    """
    limit = settings.GONGZHI_AUTH_RATE_PER_MINUTE
    usage = get_usage(
        request, group="accounts.authenticate", key=client_bucket, rate=f"{limit}/m", increment=True
    )
    if usage is None or not usage["should_limit"]:
        return
    if usage["count"] == usage["limit"] + 1:
        record_event(
            EventType.LOGIN_FAILED,
            object_type="accounts.user",
            outcome=Outcome.DENIED,
            summary={"reason": "rate_limited", "channel": channel, "limit_per_minute": limit},
            request=request,
        )
    retry = max(1, int(usage["time_left"]))
    raise RateLimited(
        _("登录请求过于频繁，请%(seconds)d秒后再试") % {"seconds": retry}, retry_after=retry
    )


# --- Password step -------------------------------------------------------------------------


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _login_failed(
    request: HttpRequest, username: str, *, reason: str, channel: str, **extra: Any
) -> None:
    account = _account(username)
    record_event(
        EventType.LOGIN_FAILED,
        obj=account,
        object_type="accounts.user",
        outcome=Outcome.DENIED if reason == "locked" else Outcome.FAILED,
        summary={"username": username, "reason": reason, "channel": channel, **extra},
        request=request,
    )


def check_password(request: HttpRequest, username: str, password: str, *, channel: str) -> User:
    """Rate limit, then the password through django-axes. Returns the account or raises
    ``RateLimited``, ``AccountLocked`` or ``InvalidCredentials``; writes LOGIN_FAILED or
    LOCKOUT on refusal. Does not log the user in.
    """
    # django-axes' lockout middleware replaces the response of a request that hit a lock;
    # this flag tells our AXES_LOCKOUT_CALLABLE that the view has answered already.
    request.gongzhi_auth_handled = True  # type: ignore[attr-defined]
    enforce_rate_limit(request, channel=channel)
    username = (username or "").strip()
    if not username or not password:
        raise InvalidCredentials(_("请输入用户名和密码"))
    was_locked = lockout_state(username).locked
    user = authenticate(request=request, username=username, password=password)
    if user is not None:
        return user
    state = lockout_state(username)
    if state.locked:
        if was_locked:
            _login_failed(request, username, reason="locked", channel=channel)
        else:
            _login_failed(
                request,
                username,
                reason="bad_credentials",
                channel=channel,
                failures=state.failures,
            )
            record_event(
                EventType.LOCKOUT,
                obj=_account(username),
                object_type="accounts.user",
                outcome=Outcome.DENIED,
                summary={
                    "username": username,
                    "failures": state.failures,
                    "minutes": state.remaining_minutes,
                    "channel": channel,
                },
                request=request,
            )
        raise AccountLocked(_locked_message(state), retry_after=state.retry_after)
    _login_failed(
        request, username, reason="bad_credentials", channel=channel, failures=state.failures
    )
    left = state.limit - state.failures
    raise InvalidCredentials(
        _("用户名或密码错误，再失败%(n)d次账号将被锁定%(minutes)d分钟")
        % {"n": left, "minutes": _cool_off_minutes()}
    )


def _cool_off_minutes() -> int:
    cool_off = get_cool_off() or timedelta()
    return max(1, math.ceil(cool_off.total_seconds() / 60))


# --- Second factor -------------------------------------------------------------------------


def otp_required(user: Any) -> bool:
    """The three administrators always; other roles when listed in GONGZHI_OTP_REQUIRED_ROLES."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_administrator or user.has_role(*settings.GONGZHI_OTP_REQUIRED_ROLES))


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def verify_second_factor(
    request: HttpRequest, user: User, code: str | None, *, channel: str
) -> TOTPDevice:
    """Check a TOTP code against the account's confirmed device.

    Locks the device row while verifying (``select_for_update`` through django-otp's
    ``verify_token`` path) so that one code cannot be accepted twice by two concurrent
    requests; django-otp also refuses a code of a time step already used, and throttles
    verification exponentially after failures. Raises ``OtpNotEnrolled``, ``OtpRequired``
    or ``OtpInvalid``; a wrong code writes OTP_FAILED.
    """
    device = confirmed_device(user)
    if device is None:
        raise OtpNotEnrolled(_("该账号须使用动态口令，但尚未绑定：请先在网页登录并绑定身份验证器"))
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise OtpRequired(_("该账号须使用动态口令：请填写身份验证器上的6位动态口令"))
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            reason = "throttled"
            verified = False
        else:
            reason = "wrong_code"
            verified = code.isdigit() and locked.verify_token(code)
    if verified:
        return locked
    record_event(
        EventType.OTP_FAILED,
        actor=user,
        obj=user,
        outcome=Outcome.FAILED,
        summary={"reason": reason, "channel": channel},
        request=request,
    )
    if reason == "throttled":
        until = (info or {}).get("locked_until")
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
        raise OtpInvalid(
            _("动态口令错误次数过多，请%(seconds)d秒后再试") % {"seconds": seconds},
            retry_after=seconds,
        )
    raise OtpInvalid(_("动态口令错误或已使用过，请等待身份验证器显示新的口令后重试"))


def record_login(request: HttpRequest, user: User, *, channel: str, factors: list[str]) -> None:
    """LOGIN: the account has passed every factor it needs."""
    record_event(
        EventType.LOGIN,
        actor=user,
        obj=user,
        summary={"channel": channel, "factors": factors},
        request=request,
    )


# --- The API token endpoint ----------------------------------------------------------------


def authenticate_for_api(
    request: HttpRequest, username: str, password: str, otp: str | None = None
) -> User:
    """Authenticate a ``POST /api/v1/auth/token`` request; the caller then issues the token
    with ``actions.do_issue_api_token(user, actor=user, request=request)``.

    Shares the web login's lockout counter and rate limit. Raises a subclass of
    ``AuthenticationFailed`` (each with ``code``, Chinese ``message``, ``status`` and
    ``retry_after``): ``RateLimited`` 429, ``AccountLocked`` 429, ``InvalidCredentials`` 401,
    ``PasswordExpired`` 403, ``OtpNotEnrolled`` 403, ``OtpRequired`` 401, ``OtpInvalid`` 401.
    """
    from gongzhi.accounts.middleware import password_expired

    user = check_password(request, username, password, channel=API)
    if otp_required(user):
        verify_second_factor(request, user, otp, channel=API)
    if password_expired(user):
        _login_failed(request, user.username, reason="password_expired", channel=API)
        raise PasswordExpired(_("密码已过期或须在重置后修改：请先在网页登录修改密码"))
    # As the web login does: django-axes clears the failure count, last_login is set.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user
