"""What every console page needs: the module navigation and the jurisdiction switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role
from gongzhi.regions.models import Level, Region


def _nav(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    items: list[tuple[str, str, bool]] = [("console:home", _("工作台"), True)]
    items.append(("regions:tree", _("区划与网格"), user.has_jurisdiction))  # type: ignore[union-attr]
    items.append(("organisations:list", _("组织机构"), user.has_jurisdiction))  # type: ignore[union-attr]
    items.append(
        ("accounts:user_list", _("账号与角色"), user.has_perm("accounts.view_user"))
    )
    items.append(("ledger:event_list", _("审计日志"), user.has_perm("ledger.view_event")))
    path = request.path
    nav = []
    for name, label, allowed in items:
        if not allowed:
            continue
        url = reverse(name)
        active = path == url if name == "console:home" else path.startswith(url)
        nav.append({"url": url, "label": label, "active": active})
    return nav


def _switcher(user: Any) -> list[dict[str, str]]:
    """The account's own region and the divisions under it, down to township level.

    Community-level choices would make the list too long for a county; a county
    administrator narrows to a township here and to a community from the region tree.
    """
    if user.region is None or user.region.level >= Level.COMMUNITY:
        return []
    options = [{"region_code": user.region_code, "label": _("全部（%(name)s）") % {"name": user.region.name}}]
    below = (
        Region.objects.within(user.region_code)
        .filter(level__lte=Level.TOWNSHIP, level__gt=user.region.level, is_active=True)
        .order_by("region_code")
        .only("region_code", "name", "level")
    )
    for region in below:
        indent = "　" * (region.level - user.region.level)
        options.append({"region_code": region.region_code, "label": f"{indent}{region.name}"})
    return options


def console(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated or not request.path.startswith("/console/"):
        return {}
    active = getattr(user, "active_scope", "")
    scope_region = Region.objects.filter(region_code=active).only("name").first() if active else None
    return {
        "console": {
            "nav": _nav(request),
            "switcher": _switcher(user) if user.has_jurisdiction else [],  # type: ignore[union-attr]
            "active_scope": active,
            "scope_name": scope_region.name if scope_region else "",
            "role_labels": [Role(role).label for role in sorted(user.roles)],  # type: ignore[union-attr]
        }
    }
