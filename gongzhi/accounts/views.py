"""Login, logout, the TOTP second factor, password change, and the pages shown on lockout
and on a refused permission. The 三员 account pages are in ``console_views.py``."""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from gongzhi.accounts.actions import do_change_password, do_enrol_totp_device
from gongzhi.accounts.auth import (
    WEB,
    AccountLocked,
    AuthenticationFailed,
    check_password,
    confirmed_device,
    enforce_rate_limit,
    lockout_state,
    otp_required,
    record_login,
    verify_second_factor,
)
from gongzhi.accounts.forms import LoginForm, OtpForm, PasswordChangeForm, apply_errors
from gongzhi.accounts.middleware import (
    TIMED_OUT_KEY,
    mark_seen,
    password_expired,
    second_factor_owed,
)
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType, Outcome

NEXT_KEY = "gongzhi_login_next"
ENROL_KEY = "gongzhi_otp_enrol_key"
LOGGED_OUT_KEY = "gongzhi_logged_out"
CONSOLE_HOME = "/console/"
PORTAL_HOME = "/portal/"


def landing_url(user: Any) -> str:
    """Staff work in the console, residents in the portal."""
    return CONSOLE_HOME if user.is_staff_member else PORTAL_HOME


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` if it points into this site, else empty (an open redirect helps phishing)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _after_login(request: HttpRequest) -> HttpResponse:
    target = safe_next(request, request.session.pop(NEXT_KEY, ""))
    return HttpResponseRedirect(target or landing_url(request.user))


def _second_factor_url(user: Any) -> str:
    return reverse("accounts:otp_verify" if confirmed_device(user) else "accounts:otp_enrol")


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """登录 — one page for staff and residents; the password goes through django-axes."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method == "GET":
        if second_factor_owed(request):
            return HttpResponseRedirect(_second_factor_url(request.user))
        return HttpResponseRedirect(next_url or landing_url(request.user))
    notice = ""
    if request.session.pop(TIMED_OUT_KEY, False):
        from django.conf import settings

        notice = _("您已超过%(n)d分钟未操作，为保护账号安全已自动退出，请重新登录") % {
            "n": settings.GONGZHI_IDLE_TIMEOUT_MINUTES
        }
    elif request.session.pop(LOGGED_OUT_KEY, False):
        notice = _("您已安全退出")
    form = LoginForm(request.POST or None)
    locked: AccountLocked | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = check_password(
                request, form.cleaned_data["username"], form.cleaned_data["password"], channel=WEB
            )
        except AccountLocked as error:
            locked, status = error, error.status
        except AuthenticationFailed as error:
            form.add_error(None, error.message)
            status = error.status if error.status == 429 else 200
        else:
            auth_login(request, user)
            mark_seen(request)
            if otp_required(user):
                request.session[NEXT_KEY] = next_url
                return HttpResponseRedirect(_second_factor_url(user))
            record_login(request, user, channel=WEB, factors=["password"])
            return HttpResponseRedirect(next_url or landing_url(user))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "notice": notice, "locked": locked},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """退出 — by POST (a link or image must not log anyone out); GET asks to confirm."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout.html")
    if request.user.is_authenticated:
        record_event(EventType.LOGOUT, actor=request.user, obj=request.user, request=request)
    target = request.POST.get("next", "")
    auth_logout(request)
    request.session[LOGGED_OUT_KEY] = True
    # A resident leaving from the portal goes back to the portal, not the staff login.
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:login")


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG data URI, drawn here (no outside request; CSP allows img data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """绑定身份验证器 — shows a new secret as a QR code and as text; the first code confirms it.

    The secret waits in the session until confirmed, so an abandoned enrolment leaves no
    device behind.
    """
    user = request.user
    if not otp_required(user):
        return HttpResponseRedirect(landing_url(user))
    if confirmed_device(user):
        return redirect("accounts:otp_verify")
    key = request.session.get(ENROL_KEY)
    if not key:
        key = random_hex(20)
        request.session[ENROL_KEY] = key
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enforce_rate_limit(request, channel=WEB)
            device = do_enrol_totp_device(
                user,  # type: ignore[arg-type]
                key,
                form.cleaned_data["code"],
                actor=user,  # type: ignore[arg-type]
                request=request,
            )
        except AuthenticationFailed as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            record_event(
                EventType.OTP_FAILED,
                actor=user,
                obj=user,  # type: ignore[arg-type]
                outcome=Outcome.FAILED,
                summary={"reason": "wrong_code", "channel": WEB, "stage": "enrol"},
                request=request,
            )
            apply_errors(form, error)
        else:
            request.session.pop(ENROL_KEY, None)
            otp_login(request, device)
            record_login(request, user, channel=WEB, factors=["password", "totp"])  # type: ignore[arg-type]
            messages.success(request, _("身份验证器已绑定，以后登录时请输入其显示的动态口令"))
            return _after_login(request)
    pending = TOTPDevice(user=user, key=key)  # unsaved: only for its otpauth:// URL
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr": _qr_data_uri(pending.config_url), "secret": _grouped(secret)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """输入动态口令 — the second step of login for accounts that must use TOTP."""
    user = request.user
    if not second_factor_owed(request):
        return _after_login(request)
    if confirmed_device(user) is None:
        return redirect("accounts:otp_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enforce_rate_limit(request, channel=WEB)
            device = verify_second_factor(request, user, form.cleaned_data["code"], channel=WEB)  # type: ignore[arg-type]
        except AuthenticationFailed as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            record_login(request, user, channel=WEB, factors=["password", "totp"])  # type: ignore[arg-type]
            return _after_login(request)
    return render(request, "accounts/otp_verify.html", {"form": form})


@sensitive_post_parameters("old_password", "new_password", "new_password2")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码 — also where an expired or administrator-reset password is replaced."""
    user = request.user
    if getattr(user, "must_change_password", False):
        reason = _("管理员已重置您的密码，请先设置新密码")
    elif password_expired(user):
        reason = _("您的密码已超过有效期，请设置新密码")
    else:
        reason = ""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_password(
                user,  # type: ignore[arg-type]
                form.cleaned_data["old_password"],
                form.cleaned_data["new_password"],
                actor=user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改"))
            return HttpResponseRedirect(landing_url(user))
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the answer to a request that hit a lock.

    The login view and ``authenticate_for_api`` answer a lockout themselves (in Chinese,
    with the time left), so their response stands. Any other path that authenticates
    gets the lockout page, or JSON under /api/.
    """
    if getattr(request, "gongzhi_auth_handled", False) and original_response is not None:
        return original_response
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    state = lockout_state(username) if username else None
    minutes = state.remaining_minutes if state and state.locked else 0
    message = _(
        "连续登录失败次数过多，账号已锁定，请%(minutes)d分钟后再试，或联系安全管理员解锁"
    ) % {"minutes": max(minutes, 1)}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "account_locked", "message": message, "fields": {}}, status=429
        )
    return render(request, "accounts/lockout.html", {"message": message}, status=429)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: every refused permission is a ledger event (PERMISSION_DENIED)."""
    user = request.user if request.user.is_authenticated else None
    reason = str(exception) if exception is not None and str(exception) else ""
    record_event(
        EventType.PERMISSION_DENIED,
        actor=user,
        object_type="url",
        object_id=request.path[:64],
        outcome=Outcome.DENIED,
        summary={"path": request.path, "method": request.method, "reason": reason},
        request=request,
    )
    message = reason or _("您没有权限访问此页面")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "permission_denied", "message": message, "fields": {}}, status=403
        )
    return render(request, "403.html", {"exception": message}, status=403)
