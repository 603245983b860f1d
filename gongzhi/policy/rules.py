"""Named permissions of the rules store (DESIGN rule 5).

Every staff member reads the rules and their sources (a community worker must be able to
show residents why a meeting was not quorate). County and league staff add a version for
their own jurisdiction — a league's setting, a province's measures entered by league staff
— never for a wider area; nationwide versions come with the code, when the law changes.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.models import STAFF_ROLES, Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

rules.add_perm("policy.view_policy", has_role(*STAFF_ROLES))
rules.add_perm("policy.add_version", has_role(Role.COUNTY_STAFF) & is_in_jurisdiction)
