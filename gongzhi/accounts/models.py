"""Accounts, roles and jurisdiction.

Each account is bound to one region; its jurisdiction is that region's code prefix
(DESIGN rule 3). An account may hold several business roles (a grid worker who is also
community staff), but an administrator role (三员) is held alone: one account cannot be
system, security and audit administrator, nor combine administration with casework.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作者")
    TOWNSHIP_STAFF = "township_staff", _("街道/苏木乡镇工作人员")
    COUNTY_STAFF = "county_staff", _("旗县市/盟工作人员")
    DEPARTMENT_STAFF = "department_staff", _("职能部门工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.TOWNSHIP_STAFF,
        Role.COUNTY_STAFF,
        Role.DEPARTMENT_STAFF,
    }
)


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (``get_by_natural_key``, which authentication needs, and
    ``create_user``) with the scoped queryset (``for_user``, ``within``)."""

    use_in_migrations = False


class User(AbstractUser):
    """账号 — a person's login, bound to one region."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Copy of region.region_code, so that accounts themselves scope like any other row.
    region_code = models.CharField(_("辖区编码"), max_length=21, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles this account holds (cached per request; grants change through actions)."""
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        """Holds one of the three administrator roles (三员)."""
        return bool(self.roles & ADMIN_ROLES)

    @property
    def is_staff_member(self) -> bool:
        """Works in the staff console (any role but resident)."""
        return bool(self.roles - {Role.RESIDENT})

    @property
    def has_jurisdiction(self) -> bool:
        """Sees the rows of a region: staff and administrators, not residents."""
        return self.is_staff_member and bool(self.region_code)


class RoleGrant(models.Model):
    """角色授予 — one role held by one account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique_user_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """API 令牌 — a bearer token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
