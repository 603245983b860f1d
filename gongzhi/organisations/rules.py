"""Named permissions for the organisations directory.

Reading: every staff role within its jurisdiction. Managing (organisations and their
members): community staff within their community, township staff within their township,
county/league staff within their region. Department staff and grid workers read only;
residents see nothing; the 三员 see nothing either — administrators do not do business
work (separation of duties).

The object of a permission is an ``Organisation`` (anything with a ``region_code``).
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.core.scoping import contains, scope_of
from gongzhi.regions.models import CODE_LENGTH, Level


@rules.predicate
def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


# The deepest level each managing role works at: community staff manage what lies in a
# community, township staff what lies in a township, county staff anything in their region.
_MANAGED_CODE_LENGTH = {
    Role.COMMUNITY_STAFF: CODE_LENGTH[Level.COMMUNITY],
    Role.TOWNSHIP_STAFF: CODE_LENGTH[Level.TOWNSHIP],
    Role.COUNTY_STAFF: CODE_LENGTH[Level.LEAGUE],
}


@rules.predicate
def manages_place(user: Any, obj: Any) -> bool:
    """A managing role of the user covers the object's place (or, with no object, any place)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    lengths = [length for role, length in _MANAGED_CODE_LENGTH.items() if user.has_role(role)]
    if not lengths:
        return False
    if obj is None:
        return True
    code = getattr(obj, "region_code", "") or ""
    return contains(scope_of(user), code) and len(code) >= min(lengths)


is_reader = has_role(
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
    Role.DEPARTMENT_STAFF,
)

rules.add_perm(
    "organisations.view_organisation", is_reader & ~is_administrator & is_in_jurisdiction
)
rules.add_perm("organisations.manage_organisation", ~is_administrator & manages_place)
rules.add_perm("organisations.manage_member", ~is_administrator & manages_place)
