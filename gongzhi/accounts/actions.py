"""Writes to accounts. Each is atomic, checks permission and invariants, and records one event.

``actor=None`` means the command-line operator (``manage.py create_user``), who works
outside the web's permission model but is still written to the ledger.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import ADMIN_ROLES, Role, RoleGrant, User
from gongzhi.core.scoping import contains
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import Region


def _require(actor: User | None, perm: str, obj: Any = None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def check_role_combination(roles: set[str]) -> None:
    """三员 separation: an administrator role is held alone."""
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"role": _("未知角色：%(roles)s") % {"roles": ", ".join(sorted(unknown))}})
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
    actor: User | None,
    request: Any = None,
) -> User:
    """Create an account bound to ``region`` with ``roles``; the password must pass the rules."""
    _require(actor, "accounts.create_user", region)
    if actor is not None and not contains(actor.region_code, region.region_code):
        raise PermissionDenied(_("只能在本辖区内创建账号"))
    role_set = set(roles)
    if not role_set:
        raise ValidationError({"role": _("至少需要一个角色")})
    check_role_combination(role_set)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已存在") % {"name": username}})
    user = User(
        username=username,
        full_name=full_name,
        region=region,
        region_code=region.region_code,
        password_changed_at=timezone.now(),
    )
    validate_password(password, user)
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
    _require(actor, "accounts.grant_role", user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    current = set(locked.role_grants.values_list("role", flat=True))
    if role in current:
        raise ValidationError({"role": _("该账号已有此角色")})
    check_role_combination(current | {role})
    grant = RoleGrant.objects.create(user=locked, role=role, granted_by=actor)
    user.__dict__.pop("roles", None)
    record_event(
        EventType.ROLE_GRANTED, actor=actor, obj=locked, summary={"role": role}, request=request
    )
    return grant
