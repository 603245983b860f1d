"""Scoped reads of accounts for the 三员 pages. Every read is limited to the viewer's
jurisdiction; an account outside it is a 404, never a 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts.auth import (
    LockoutState,
    locked_username_query,
    locked_usernames,
    lockout_state,
)
from gongzhi.accounts.models import ApiToken, Role, RoleGrant, User
from gongzhi.core.scoping import access, contains, scope_of
from gongzhi.regions.models import Region

PAGE_SIZE = 50


class Status(models.TextChoices):
    ACTIVE = "active", _lazy("正常")
    DISABLED = "disabled", _lazy("已停用")
    LOCKED = "locked", _lazy("已锁定")


def require_viewer(user: Any) -> None:
    if not user.has_perm("accounts.view_user"):
        raise PermissionDenied(_("只有系统管理员、安全管理员和审计管理员可以查看账号"))


def accounts_for(
    user: Any,
    *,
    role: str = "",
    region_code: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[User]:
    """Accounts inside the viewer's jurisdiction, filtered, with their roles and region."""
    require_viewer(user)
    accounts = User.objects.for_user(user)
    if role:
        accounts = accounts.filter(role_grants__role=role)
    if region_code:
        accounts = accounts.within(region_code) if region_code.isdigit() else accounts.none()
    if status == Status.ACTIVE:
        accounts = accounts.filter(is_active=True)
    elif status == Status.DISABLED:
        accounts = accounts.filter(is_active=False)
    elif status == Status.LOCKED:
        accounts = accounts.filter(username__in=locked_username_query())
    search = search.strip()
    if search:
        accounts = accounts.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return (
        accounts.select_related("region")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("region_code", "username")
        .distinct()
    )


@dataclass
class AccountRow:
    account: User
    role_labels: list[str]
    locked: bool


def account_page(
    user: Any, page: int | str = 1, **filters: str
) -> tuple[Page[User], list[AccountRow]]:
    """One page of ``accounts_for`` with each row's roles and lock state (three queries)."""
    paginator = Paginator(accounts_for(user, **filters), PAGE_SIZE)
    current = paginator.get_page(page)
    accounts = list(current.object_list)
    locked = locked_usernames(account.username for account in accounts)
    rows = [
        AccountRow(
            account=account,
            role_labels=[str(Role(grant.role).label) for grant in account.role_grants.all()],
            locked=account.username in locked,
        )
        for account in accounts
    ]
    return current, rows


def access_account(user: Any, pk: Any) -> User:
    """The account with ``pk`` if the viewer may see it; 404 outside their jurisdiction."""
    require_viewer(user)
    return access(User.objects.select_related("region", "region__parent"), user, pk=pk)


def access_token_of(account: User, token_id: Any) -> ApiToken:
    """One of ``account``'s tokens (the account itself already passed ``access_account``)."""
    try:
        return ApiToken.objects.select_related("user").get(user=account, pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class SecurityState:
    lockout: LockoutState
    otp_enrolled: bool
    otp_last_used: Any
    tokens: list[ApiToken]
    active_tokens: int


def security_state(account: User) -> SecurityState:
    """What the detail page shows beside the roles: lockout, authenticator and tokens."""
    device = TOTPDevice.objects.filter(user=account, confirmed=True).order_by("pk").first()
    tokens = list(ApiToken.objects.filter(user=account).order_by("-created_at")[:20])
    now = timezone.now()
    return SecurityState(
        lockout=lockout_state(account.username),
        otp_enrolled=device is not None,
        otp_last_used=device.last_used_at if device else None,
        tokens=tokens,
        active_tokens=sum(
            1 for token in tokens if token.revoked_at is None and token.expires_at > now
        ),
    )


def resolve_region(user: Any, value: str) -> Region:
    """A region inside the user's jurisdiction named by its 12-digit statistical code, its
    short jurisdiction code, or its exact name; ``user=None`` (the operator) sees all.
    Raises ``ValidationError`` with a Chinese message naming the field."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({"region": _("请填写所属辖区（区划代码或名称）")})
    regions = Region.objects.all()
    if value.isdigit():
        found = regions.filter(Q(code=value) | Q(region_code=value)).first()
    else:
        matches = list(regions.filter(name=value)[:2])
        if len(matches) > 1:
            raise ValidationError(
                {"region": _("有多个辖区名为“%(name)s”，请填写区划代码") % {"name": value}}
            )
        found = matches[0] if matches else None
    if found is None:
        raise ValidationError({"region": _("未找到辖区“%(value)s”") % {"value": value}})
    if user is not None and not contains(scope_of(user), found.region_code):
        raise ValidationError(
            {"region": _("辖区“%(name)s”不在您的管辖范围内") % {"name": found.name}}
        )
    return found
