"""Writes to accounts. Each is atomic, checks permission and invariants, and records one event.

``actor=None`` means the command-line operator (``manage.py create_user``), who works
outside the web's permission model but is still written to the ledger. Who may do what
(the 三员 split) is in ``rules.py``; the actions check it again whatever the caller.

Actions that change another account lock that account's row first
(``select_for_update``), so two administrators acting at once cannot both pass a check
that only one of them should (the 三员 combination, the last remaining role).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts.client import client_ip
from gongzhi.accounts.models import ADMIN_ROLES, ApiToken, Role, RoleGrant, User
from gongzhi.accounts.validators import generate_password
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import Region

# A token's last use is written at most this often: a busy client must not turn every
# API request into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _require_other(actor: User | None, user: User) -> None:
    """An administrator never acts on their own account: that would defeat separation."""
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不能对自己的账号执行此操作（三员分离）"))


def _require_not_administrator(actor: User | None, user: User) -> None:
    """三员 accounts are created, disabled and reset by the operator on the command line,
    so that no administrator can take over or silence another."""
    if actor is not None and user.is_administrator:
        raise PermissionDenied(_("三员账号只能由运维人员在命令行管理"))


def _lock(user: User) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.__dict__.pop("roles", None)
    return locked


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def check_role_combination(roles: set[str]) -> None:
    """三员 separation: an administrator role is held alone."""
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(
            {"role": _("未知角色：%(roles)s") % {"roles": ", ".join(sorted(unknown))}}
        )
    admin = roles & ADMIN_ROLES
    if admin and len(roles) > 1:
        raise ValidationError(
            {"role": _("系统管理员、安全管理员、审计管理员须由不同账号担任，且不得兼任其他角色")}
        )


@transaction.atomic
def do_create_user(
    username: str,
    *,
    roles: list[str] | set[str],
    region: Region,
    password: str,
    full_name: str = "",
    must_change_password: bool = False,
    actor: User | None,
    request: Any = None,
) -> User:
    """Create an account bound to ``region`` with ``roles``; the password must pass the rules.

    A system administrator creates business accounts only: an account with a 三员 role is
    created by the operator (``manage.py create_user``), so that no administrator can make
    an account for another administrator's duties.
    """
    _require(actor, "accounts.create_user", region)
    if actor is not None and not contains(actor.region_code, region.region_code):
        raise PermissionDenied(_("只能在本辖区内创建账号"))
    role_set = set(roles)
    if not role_set:
        raise ValidationError({"role": _("至少需要一个角色")})
    check_role_combination(role_set)
    if actor is not None and role_set & ADMIN_ROLES:
        raise PermissionDenied(_("三员账号只能由运维人员在命令行创建"))
    if not region.is_active:
        raise ValidationError(
            {"region": _("辖区“%(name)s”已撤销或合并，不能再绑定账号") % {"name": region.name}}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已存在") % {"name": username}})
    user = User(
        username=username,
        full_name=full_name,
        region=region,
        region_code=region.region_code,
        password_changed_at=timezone.now(),
        must_change_password=must_change_password,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role, granted_by=actor) for role in sorted(role_set)]
    )
    record_event(
        EventType.USER_CREATED,
        actor=actor,
        obj=user,
        summary={"username": username, "roles": sorted(role_set), "region": region.region_code},
        request=request,
    )
    return user


@transaction.atomic
def do_grant_role(user: User, role: str, *, actor: User | None, request: Any = None) -> RoleGrant:
    """Grant one more role. Locks the account row so two grants cannot both pass the 三员 check."""
    _require_other(actor, user)
    _require(actor, "accounts.grant_role", user)
    locked = _lock(user)
    current = set(locked.role_grants.values_list("role", flat=True))
    if role in current:
        raise ValidationError({"role": _("该账号已有此角色")})
    check_role_combination(current | {role})
    grant = RoleGrant.objects.create(user=locked, role=role, granted_by=actor)
    record_event(
        EventType.ROLE_GRANTED, actor=actor, obj=locked, summary={"role": role}, request=request
    )
    return grant


@transaction.atomic
def do_revoke_role(user: User, role: str, *, actor: User | None, request: Any = None) -> None:
    """Take one role away. Locks the account row; the last role is never taken (disable the
    account instead), so every account keeps a role that says what it is for."""
    _require_other(actor, user)
    _require(actor, "accounts.grant_role", user)
    locked = _lock(user)
    current = set(locked.role_grants.values_list("role", flat=True))
    if role not in current:
        raise ValidationError({"role": _("该账号没有此角色")})
    if current == {role}:
        raise ValidationError({"role": _("账号至少保留一个角色；不再使用的账号请由系统管理员停用")})
    RoleGrant.objects.filter(user=locked, role=role).delete()
    record_event(
        EventType.ROLE_REVOKED, actor=actor, obj=locked, summary={"role": role}, request=request
    )


@transaction.atomic
def do_change_jurisdiction(
    user: User, region: Region, *, actor: User | None, request: Any = None
) -> User:
    """Bind the account to another region; ``region_code`` moves with it in the same write.
    Both the account and the new region must lie inside the actor's jurisdiction."""
    _require_other(actor, user)
    _require(actor, "accounts.change_jurisdiction", user)
    if actor is not None and not contains(scope_of(actor), region.region_code):
        raise PermissionDenied(_("新辖区不在您的管辖范围内"))
    if not region.is_active:
        raise ValidationError(
            {"region": _("辖区“%(name)s”已撤销或合并，不能再绑定账号") % {"name": region.name}}
        )
    locked = _lock(user)
    if locked.region_code == region.region_code:
        raise ValidationError({"region": _("账号已属于该辖区")})
    previous = locked.region_code
    locked.region = region
    locked.region_code = region.region_code
    locked.save(update_fields=["region", "region_code"])
    user.region, user.region_code = region, region.region_code
    record_event(
        EventType.JURISDICTION_CHANGED,
        actor=actor,
        obj=locked,
        summary={"from": previous, "to": region.region_code},
        request=request,
    )
    return locked


@transaction.atomic
def do_disable_user(user: User, *, actor: User | None, request: Any = None) -> User:
    """停用 — the account can no longer log in; its sessions end at their next request
    (Django refuses inactive users) and its API tokens are revoked in the same write."""
    _require_other(actor, user)
    _require(actor, "accounts.disable_user", user)
    _require_not_administrator(actor, user)
    locked = _lock(user)
    if not locked.is_active:
        raise ValidationError({"user": _("该账号已停用")})
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    user.is_active = False
    revoked = _revoke_tokens(locked)
    record_event(
        EventType.USER_DISABLED,
        actor=actor,
        obj=locked,
        summary={"tokens_revoked": revoked},
        request=request,
    )
    return locked


@transaction.atomic
def do_enable_user(user: User, *, actor: User | None, request: Any = None) -> User:
    _require_other(actor, user)
    _require(actor, "accounts.disable_user", user)
    _require_not_administrator(actor, user)
    locked = _lock(user)
    if locked.is_active:
        raise ValidationError({"user": _("该账号未停用")})
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    user.is_active = True
    record_event(EventType.USER_ENABLED, actor=actor, obj=locked, request=request)
    return locked


@transaction.atomic
def do_reset_password(
    user: User, *, actor: User | None, password: str | None = None, request: Any = None
) -> str:
    """Set a new password (a random one unless given) that the user must change at the next
    login. Returns it so the administrator can hand it over once; the ledger never holds it.
    Other sessions end (Django ties sessions to the password hash) and API tokens are revoked.
    """
    _require_other(actor, user)
    _require(actor, "accounts.reset_password", user)
    _require_not_administrator(actor, user)
    locked = _lock(user)
    if password is None:
        password = new_password_for(locked.username)
    try:
        validate_password(password, locked)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    locked.set_password(password)
    locked.must_change_password = True
    locked.password_changed_at = timezone.now()
    locked.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = _revoke_tokens(locked)
    record_event(
        EventType.PASSWORD_RESET,
        actor=actor,
        obj=locked,
        summary={"tokens_revoked": revoked},
        request=request,
    )
    return password


def new_password_for(username: str) -> str:
    """A random password that passes every validator for an account named ``username``."""
    unsaved = User(username=username)
    for _attempt in range(20):
        candidate = generate_password()
        try:
            validate_password(candidate, unsaved)
        except ValidationError:
            continue
        return candidate
    raise RuntimeError("could not generate a password that passes the validators")


@transaction.atomic
def do_change_password(
    user: User, old_password: str, new_password: str, *, actor: User | None, request: Any = None
) -> User:
    """The account holder changes their own password (also how an expired or reset password
    is replaced). The old password is asked again; the new one must pass every rule and differ."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("只能修改自己的密码"))
    locked = _lock(user)
    if not locked.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("新密码不能与原密码相同")})
    try:
        validate_password(new_password, locked)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from None
    locked.set_password(new_password)
    locked.must_change_password = False
    locked.password_changed_at = timezone.now()
    locked.save(update_fields=["password", "must_change_password", "password_changed_at"])
    user.password, user.must_change_password = locked.password, False
    user.password_changed_at = locked.password_changed_at
    record_event(EventType.PASSWORD_CHANGED, actor=actor or locked, obj=locked, request=request)
    return locked


@transaction.atomic
def do_clear_lockout(user: User, *, actor: User | None, request: Any = None) -> int:
    """解除锁定 — forget the account's failed logins in django-axes (every address and
    browser), so it can log in again before the cool-off ends."""
    _require_other(actor, user)
    _require(actor, "accounts.unlock_user", user)
    locked = _lock(user)
    cleared = axes_reset(username=locked.username)
    if not cleared:
        raise ValidationError({"user": _("该账号没有登录失败记录，无需解锁")})
    record_event(
        EventType.LOCKOUT_CLEARED,
        actor=actor,
        obj=locked,
        summary={"attempts_cleared": cleared},
        request=request,
    )
    return int(cleared)


@transaction.atomic
def do_reset_otp(user: User, *, actor: User | None, request: Any = None) -> int:
    """Remove the account's authenticators (a lost phone); it binds a new one at next login."""
    _require_other(actor, user)
    _require(actor, "accounts.reset_otp", user)
    locked = _lock(user)
    removed, _details = TOTPDevice.objects.filter(user=locked).delete()
    if not removed:
        raise ValidationError({"user": _("该账号尚未绑定身份验证器")})
    record_event(
        EventType.USER_UPDATED,
        actor=actor,
        obj=locked,
        summary={"otp": "reset", "devices_removed": removed},
        request=request,
    )
    return int(removed)


@transaction.atomic
def do_enrol_totp_device(
    user: User, key: str, code: str, *, actor: User | None, request: Any = None
) -> TOTPDevice:
    """Bind an authenticator: ``key`` (hex) is the secret shown to the user, ``code`` the
    first code it displays. Locks the account row so two enrolments cannot both succeed;
    an account with a confirmed device cannot bind another here (a security administrator
    resets it first), or a stolen password would be enough to take over the second factor.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("只能为自己的账号绑定身份验证器"))
    locked = _lock(user)
    if TOTPDevice.objects.filter(user=locked, confirmed=True).exists():
        raise ValidationError({"code": _("该账号已绑定身份验证器；如需更换，请联系安全管理员重置")})
    code = (code or "").strip().replace(" ", "")
    totp = TOTP(bytes.fromhex(key))
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise ValidationError(
            {"code": _("动态口令不正确，请核对手机时间后输入身份验证器当前显示的6位数字")}
        )
    device = TOTPDevice.objects.create(
        user=locked, name=_("身份验证器"), key=key, confirmed=True, last_t=totp.t()
    )
    record_event(EventType.OTP_ENROLLED, actor=actor or locked, obj=locked, request=request)
    return device


# --- API tokens ----------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_issue_api_token(
    user: User, *, actor: User | None, request: Any = None
) -> tuple[ApiToken, str]:
    """Issue a bearer token to the account itself (after ``auth.authenticate_for_api``).

    Returns the row and the raw token; only its SHA-256 is stored, so the raw value is
    shown once. Expires after ``GONGZHI_API_TOKEN_TTL_HOURS``.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("只能为自己的账号签发令牌"))
    if not user.is_active:
        raise PermissionDenied(_("账号已停用"))
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        token_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(hours=settings.GONGZHI_API_TOKEN_TTL_HOURS),
        client_address=client_ip(request) if request is not None else None,
    )
    record_event(
        EventType.TOKEN_ISSUED,
        actor=actor or user,
        obj=user,
        summary={"token_id": token.pk, "expires_at": token.expires_at.isoformat()},
        request=request,
    )
    return token, raw


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor: User | None, request: Any = None) -> ApiToken:
    """吊销 — by its owner, or by a security administrator of the owner's jurisdiction."""
    _require(actor, "accounts.revoke_token", token.user)
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError({"token": _("该令牌已吊销")})
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    record_event(
        EventType.TOKEN_REVOKED,
        actor=actor,
        obj=locked.user,
        summary={"token_id": locked.pk},
        request=request,
    )
    return locked


def authenticate_api_token(raw: str | None) -> User | None:
    """The account a bearer token belongs to, or None when the token is unknown, expired,
    revoked, or its account is disabled. Records the last use at most once a minute."""
    if not raw:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
