"""Demo accounts for ``make run``: one per role, bound to real places of the league.

Only for a local demonstration; production never runs this. The three administrators
must use a TOTP second factor: no authenticator is created for them here, so each binds
one on first login (the login page leads there and shows a QR code) — see ``DEMO_NOTE``.
"""

from __future__ import annotations

from django.db import transaction

from gongzhi.accounts.actions import do_create_user
from gongzhi.accounts.models import Role, User
from gongzhi.regions.models import Region

# Passes every password rule: 10 characters, four classes, no username, not a common one.
DEMO_PASSWORD = "Demo#2026a"  # noqa: S105  (a demo password, printed by make run on purpose)

# (username, role, region_code, full name)
DEMO_ACCOUNTS = [
    ("demo_resident", Role.RESIDENT, "152201001001", "乌云其其格"),
    ("demo_grid", Role.GRID_WORKER, "152201001001", "巴特尔"),
    ("demo_community", Role.COMMUNITY_STAFF, "152201001001", "张丽"),
    ("demo_township", Role.TOWNSHIP_STAFF, "152201001", "李明"),
    ("demo_county", Role.COUNTY_STAFF, "152201", "赵刚"),
    ("demo_department", Role.DEPARTMENT_STAFF, "1522", "王芳"),
    ("demo_sysadmin", Role.SYSTEM_ADMIN, "1522", "系统管理员"),
    ("demo_secadmin", Role.SECURITY_ADMIN, "1522", "安全管理员"),
    ("demo_auditor", Role.AUDIT_ADMIN, "1522", "审计管理员"),
]

DEMO_NOTE = "三员演示账号（系统、安全、审计管理员）首次登录时须用手机身份验证器扫码绑定动态口令。"


@transaction.atomic
def create_demo_accounts() -> list[tuple[str, str, str, str]]:
    """Create the demo accounts that do not exist yet; keep the ones that do.

    Returns ``(username, password, role label, region name)`` for every demo account.
    """
    codes = {code for _, _, code, _ in DEMO_ACCOUNTS}
    regions = {
        region.region_code: region for region in Region.objects.filter(region_code__in=codes)
    }
    existing = set(
        User.objects.filter(username__in=[name for name, *_ in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    rows = []
    for username, role, code, full_name in DEMO_ACCOUNTS:
        region = regions[code]
        if username not in existing:
            do_create_user(
                username,
                roles=[role],
                region=region,
                password=DEMO_PASSWORD,
                full_name=full_name,
                actor=None,
            )
        rows.append((username, DEMO_PASSWORD, str(Role(role).label), region.name))
    return rows
