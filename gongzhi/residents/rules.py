"""Named permissions of the residents registry.

Grid workers know every household of their community (R2.3c, R3.1e) and, with
community, township and county staff, register and keep residents inside their
jurisdiction. Functional departments read. Residents and the three administrators
(三员) have no access to the registry (DESIGN rule 4: collect and show only what a
function needs).

Community staff and above may also:

- unmask ID and phone numbers (every unmasking is a ledger event);
- see tags marked sensitive (mental disorder, community correction, released prisoner);
- see the records of minors under 14 (PIPL Art. 28 and 31: sensitive data, handled with
  the guardian's involvement), which are hidden from everyone else — even their existence.
"""

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.core.scoping import scope_of
from gongzhi.regions.models import CODE_LENGTH, Level

is_registry_keeper = has_role(
    Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF
)
is_registry_reader = is_registry_keeper | has_role(Role.DEPARTMENT_STAFF)
is_community_staff_or_above = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)

rules.add_perm("residents.view_resident", is_registry_reader & is_in_jurisdiction)
rules.add_perm("residents.add_resident", is_registry_keeper & is_in_jurisdiction)
rules.add_perm("residents.change_resident", is_registry_keeper & is_in_jurisdiction)
rules.add_perm("residents.view_household", is_registry_reader & is_in_jurisdiction)
rules.add_perm("residents.add_household", is_registry_keeper & is_in_jurisdiction)
rules.add_perm("residents.change_household", is_registry_keeper & is_in_jurisdiction)
rules.add_perm("residents.unmask_resident", is_community_staff_or_above & is_in_jurisdiction)
rules.add_perm("residents.view_sensitive_tags", is_community_staff_or_above & is_in_jurisdiction)
rules.add_perm("residents.view_minor", is_community_staff_or_above & is_in_jurisdiction)


# --- Visits (走访记录) ------------------------------------------------------------------
# R2.3c, R3.1e: the grid workers (and the head) of a grid know its households and visit
# them; community staff and above may do the same anywhere in their jurisdiction.
# Functional departments read the registry but do not visit.


def _grid_of(obj: Any) -> Any:
    """The grid a household (or the grid itself) belongs to; ``None`` when it has none."""
    from gongzhi.regions.models import Grid

    if isinstance(obj, Grid):
        return obj
    return getattr(obj, "grid", None)


@rules.predicate
def works_in_grid(user: Any, obj: Any) -> bool:
    """The user is a worker or the head of the object's grid."""
    grid = _grid_of(obj)
    if grid is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(grid.head_id == user.pk or grid.workers.filter(pk=user.pk).exists())


is_grid_worker = has_role(Role.GRID_WORKER)

rules.add_perm(
    "residents.view_grid_households",
    is_in_jurisdiction & ((is_grid_worker & works_in_grid) | is_community_staff_or_above),
)
rules.add_perm(
    "residents.record_visit",
    is_in_jurisdiction & ((is_grid_worker & works_in_grid) | is_community_staff_or_above),
)


# --- Tags (标签管理) and portal accounts --------------------------------------------------
# Tags are league-wide configuration: the care categories of R3.5b are seeded, others are
# added as needed. Staff at county level and above (旗县市/盟工作人员, the county_staff role)
# create, rename, deactivate and re-activate them. Whether a tag is sensitive decides who
# sees it in every county, so once a tag exists only league-level staff (acting with the
# whole league as their scope) may change that flag: a county user cannot strip the
# R3.5b tags (mental disorder, community correction, released prisoner) of their
# protection. A county user sets the flag only when creating a new tag.


@rules.predicate
def acts_league_wide(user: Any) -> bool:
    """The user acts with the whole league as their jurisdiction (a 盟-level account)."""
    scope = scope_of(user)
    return scope.isdigit() and len(scope) <= CODE_LENGTH[Level.LEAGUE]


is_county_staff = has_role(Role.COUNTY_STAFF)

rules.add_perm("residents.manage_tags", is_county_staff)
rules.add_perm("residents.change_tag_sensitivity", is_county_staff & acts_league_wide)

# Linking a resident's portal account (门户账号) to their record: community staff and above
# with jurisdiction over the record — the people who know the resident in person.
rules.add_perm("residents.link_account", is_community_staff_or_above & is_in_jurisdiction)
