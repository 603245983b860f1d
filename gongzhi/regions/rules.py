"""Named permissions for the region tree and the places inside communities.

Grids, compounds and buildings are kept by community staff and by the township and
county staff above them, each inside their jurisdiction (DESIGN rule 3). Grid workers
report from their grid but do not redraw it; the 三员 administer accounts, not places.
"""

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

# Reading needs no rule of its own: regions.queries shows every account with a
# jurisdiction what lies inside it (DESIGN rule 2).
is_place_keeper = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)

rules.add_perm("regions.change_grid", is_place_keeper & is_in_jurisdiction)
rules.add_perm("regions.change_compound", is_place_keeper & is_in_jurisdiction)
rules.add_perm("regions.change_building", is_place_keeper & is_in_jurisdiction)
