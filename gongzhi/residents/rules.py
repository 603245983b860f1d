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

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

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
