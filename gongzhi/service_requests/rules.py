"""Named permissions for Open311 keys: the system administrator issues and revokes them.

An Open311 key lets an outside system write cases, so issuing one is configuration of
the system (系统管理员, GB/T 22239-2019 三员), inside the administrator's jurisdiction: a
key bound to a county needs an administrator of that county or above; an unbound key
(the whole deployment) needs an administrator of the top region.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role
from gongzhi.core.scoping import NOWHERE, contains, scope_of

is_system_admin = has_role(Role.SYSTEM_ADMIN)


@rules.predicate
def key_in_jurisdiction(user: Any, key: Any) -> bool:
    """The key's jurisdiction lies inside the user's (blank: the user's is the top region)."""
    if key is None:
        return True
    scope = scope_of(user)
    if scope == NOWHERE:
        return False
    code = getattr(key, "region_code", "") or ""
    if code:
        return contains(scope, code)
    from gongzhi.regions.models import Region

    return Region.objects.filter(region_code=scope, parent__isnull=True).exists()


rules.add_perm("service_requests.manage_open311_key", is_system_admin & key_in_jurisdiction)
