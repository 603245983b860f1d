"""Scoped reads for the console's home page: the jurisdiction switcher and the 三员 panels.

Each panel shows one administrator what their own duty needs (三员 separation): the
system administrator sees accounts, the security administrator roles, the audit
administrator the recent audit trail. Every count is one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role, RoleGrant, User
from gongzhi.core.scoping import scope_of, within
from gongzhi.ledger.models import EventType
from gongzhi.ledger.queries import events_for
from gongzhi.regions.models import Region

AUDIT_WINDOW = timedelta(hours=24)


def switchable_region(user: Any, code: str) -> Region | None:
    """The active division ``code`` if it lies inside the account's own region, else None.

    Checked against the account's region, not the scope chosen now, so that a county
    administrator can move from one township straight to another.
    """
    own = getattr(user, "region_code", "")
    if not own or not code.isdigit():
        return None
    return Region.objects.within(own).filter(region_code=code, is_active=True).first()


@dataclass
class Fact:
    label: str
    value: int | str
    tone: str = ""  # "", "ok", "warning", "danger": the tile's colour


@dataclass
class AdminPanel:
    title: str
    duty: str
    facts: list[Fact] = field(default_factory=list)
    link_url_name: str = ""
    link_label: str = ""
    note: str = ""
    latest_at: datetime | None = None


def _tone(count: int, tone: str) -> str:
    """Colour a tile only when there is something to look at."""
    return tone if count else ""


def admin_panel(user: Any) -> AdminPanel | None:
    """The panel for a 三员 account, or None for everyone else."""
    if user.has_role(Role.SYSTEM_ADMIN):
        return _system_admin_panel(user)
    if user.has_role(Role.SECURITY_ADMIN):
        return _security_admin_panel(user)
    if user.has_role(Role.AUDIT_ADMIN):
        return _audit_admin_panel(user)
    return None


def _system_admin_panel(user: Any) -> AdminPanel:
    totals = User.objects.for_user(user).aggregate(
        total=Count("id"),
        disabled=Count("id", filter=Q(is_active=False)),
        must_change=Count("id", filter=Q(is_active=True, must_change_password=True)),
    )
    return AdminPanel(
        title=_("账号管理"),
        duty=_(
            "系统管理员负责创建和停用本辖区的账号。角色和辖区由安全管理员授予，审计日志由审计管理员查阅。"
        ),
        facts=[
            Fact(_("本辖区账号"), totals["total"]),
            Fact(_("已停用"), totals["disabled"], _tone(totals["disabled"], "warning")),
            Fact(
                _("待修改初始密码"), totals["must_change"], _tone(totals["must_change"], "warning")
            ),
        ],
        link_url_name="accounts:user_list",
        link_label=_("管理账号"),
    )


def _security_admin_panel(user: Any) -> AdminPanel:
    scope = scope_of(user)
    by_role = dict(
        RoleGrant.objects.filter(within(scope, "user__region_code"), user__is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return AdminPanel(
        title=_("角色与辖区"),
        duty=_(
            "安全管理员负责授予和收回角色、设定账号辖区、解除登录锁定。系统管理员、安全管理员、审计管理员不得由同一账号兼任。"
        ),
        facts=[Fact(str(role.label), by_role.get(role.value, 0)) for role in Role],
        link_url_name="accounts:user_list",
        link_label=_("管理角色和辖区"),
        note=_("以上为本辖区内有效账号持有各角色的人数。"),
    )


def _audit_admin_panel(user: Any) -> AdminPanel:
    # The same events the audit pages show: the scope, plus events with no place
    # (a failed login under an unknown name) for a league-wide auditor only.
    events = events_for(user)
    since = timezone.now() - AUDIT_WINDOW
    recent = events.filter(at__gte=since).aggregate(
        total=Count("seq"),
        failed_logins=Count("seq", filter=Q(type=EventType.LOGIN_FAILED)),
        lockouts=Count("seq", filter=Q(type=EventType.LOCKOUT)),
        denied=Count("seq", filter=Q(type=EventType.PERMISSION_DENIED)),
        unmasked=Count("seq", filter=Q(type=EventType.PII_UNMASKED)),
    )
    # Newest first by primary key: stops at the first match instead of scanning the table.
    latest = events.order_by("-seq").values_list("at", flat=True).first()
    return AdminPanel(
        title=_("近 24 小时审计概况"),
        duty=_(
            "审计管理员查阅、筛选和导出审计日志，核验日志链未被篡改。日志只能追加，任何人都不能修改或删除。"
        ),
        facts=[
            Fact(_("事件总数"), recent["total"]),
            Fact(_("登录失败"), recent["failed_logins"], _tone(recent["failed_logins"], "warning")),
            Fact(_("账号锁定"), recent["lockouts"], _tone(recent["lockouts"], "danger")),
            Fact(_("越权访问被拒绝"), recent["denied"], _tone(recent["denied"], "danger")),
            Fact(_("查看未脱敏个人信息"), recent["unmasked"], _tone(recent["unmasked"], "warning")),
        ],
        link_url_name="ledger:event_list",
        link_label=_("查阅审计日志"),
        latest_at=latest,
        note="" if latest else _("尚无审计事件。"),
    )
