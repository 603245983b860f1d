"""``{% household_visits household %}``: the 走访记录 card of a household's page, with its
own query (so the household view stays as it is)."""

from __future__ import annotations

from typing import Any

from django import template

from gongzhi.accounts.models import Role
from gongzhi.residents import queries

register = template.Library()


@register.inclusion_tag("residents/visits/_visit_list.html", takes_context=True)
def household_visits(context: dict[str, Any], household: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"household": household, "visits": [], "can_visit": False}
    return {
        "household": household,
        "visits": list(queries.visits_of(user, household)),
        "can_visit": user.has_perm("residents.record_visit", household),
        "recent": queries.RECENT_VISITS,
    }


@register.filter
def has_grid_pages(user: Any) -> bool:
    """Whether the 我的网格 link is worth showing: the user works in a grid."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.GRID_WORKER)
        and queries.grids_for(user).exists()
    )
