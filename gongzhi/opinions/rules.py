"""Named permissions of the opinion map (意见地图, R3.1d, R2.3e).

- Community, township and county staff create conversations for a community or township
  of their jurisdiction, write and edit seed statements, moderate residents' statements,
  open and close the conversation and recompute its map; they read every conversation
  of their jurisdiction in the console.
- Residents take part in a conversation of the place they live in: their account's
  linked registry record (居民档案) lies in the conversation's community or township.
  They vote, change their votes while it is open, and add statements when it allows.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.core.scoping import contains
from gongzhi.residents import portal as registry

is_resident = has_role(Role.RESIDENT)
is_opinion_staff = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)


@rules.predicate
def lives_in_region(user: Any, obj: Any) -> bool:
    """The account's registry record lies in the object's place (with no object: yes)."""
    if obj is None:
        return True
    code = getattr(obj, "region_code", None)
    record = registry.own_record(user)
    return bool(code) and record is not None and contains(str(code), record.community.region_code)


rules.add_perm("opinions.use_console", is_opinion_staff)
rules.add_perm("opinions.view_conversation", is_opinion_staff & is_in_jurisdiction)
rules.add_perm("opinions.manage_conversation", is_opinion_staff & is_in_jurisdiction)
rules.add_perm("opinions.take_part", is_resident & lives_in_region)
