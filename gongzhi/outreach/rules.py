"""Named permissions of outreach (R3.2a mobile service, R3.2b supply and demand).

- **Mobile service**: township and county staff plan routes, stops and the schedule of
  their jurisdiction (the township runs the vehicle or agency point); every staff member
  but the three administrators (三员) reads the schedule of their jurisdiction, so that a
  community worker knows when the vehicle comes and registers cases at the stop.
- **Supply and demand**: residents post needs and mutual-aid offers for their own
  community; community, township and county staff record offers of organisations,
  businesses and volunteers, see the needs of their jurisdiction, match them or turn
  them into cases. The poster of a need may close it, the poster of an offer withdraw
  it; staff may do both inside their jurisdiction.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

is_resident = has_role(Role.RESIDENT)
is_community_staff_or_above = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_route_planner = has_role(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_outreach_staff = is_community_staff_or_above | has_role(Role.GRID_WORKER, Role.DEPARTMENT_STAFF)


@rules.predicate
def is_poster(user: Any, obj: Any) -> bool:
    return (
        obj is not None
        and bool(getattr(user, "is_authenticated", False) and user.is_active)
        and getattr(obj, "poster_id", None) == user.pk
    )


# The console pages at all (navigation entry).
rules.add_perm("outreach.use_console", is_outreach_staff)
# 流动服务 (R3.2a).
rules.add_perm("outreach.view_schedule", is_outreach_staff & is_in_jurisdiction)
rules.add_perm("outreach.manage_routes", is_route_planner & is_in_jurisdiction)
# 供需对接 (R3.2b).
rules.add_perm("outreach.post_need", is_resident)
rules.add_perm("outreach.view_needs", is_community_staff_or_above & is_in_jurisdiction)
rules.add_perm("outreach.match_need", is_community_staff_or_above & is_in_jurisdiction)
rules.add_perm(
    "outreach.close_need", is_poster | (is_community_staff_or_above & is_in_jurisdiction)
)
rules.add_perm(
    "outreach.post_offer", is_resident | (is_community_staff_or_above & is_in_jurisdiction)
)
rules.add_perm(
    "outreach.withdraw_offer", is_poster | (is_community_staff_or_above & is_in_jurisdiction)
)
