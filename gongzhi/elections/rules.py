"""Named permissions of committee elections (R2.3d).

- Street/township and county/league staff schedule elections of the committees in their
  jurisdiction and appoint the election committee (``elections.schedule_election``).
- The election committee's work — voter list, applications and objections, proxies,
  candidates, polling stations, tally-sheet entry, tally, certification, handover — is
  done in the platform by community staff of the community, or by street/county staff
  (``elections.run_election``).
- Every staff member but the three administrators (三员) reads the elections of their
  jurisdiction (``elections.view_election``). Published lists and results are public pages.
- A resident on a voter list files their own proxy on the portal (``elections.file_own_proxy``).
"""

from __future__ import annotations

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

is_scheduler = has_role(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_runner = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_reader = is_runner | has_role(Role.GRID_WORKER, Role.DEPARTMENT_STAFF)

rules.add_perm("elections.use_console", is_reader)
rules.add_perm("elections.view_election", is_reader & is_in_jurisdiction)
rules.add_perm("elections.schedule_election", is_scheduler & is_in_jurisdiction)
rules.add_perm("elections.run_election", is_runner & is_in_jurisdiction)
# A voter files their own proxy on the portal; the action checks they are on the list.
rules.add_perm("elections.file_own_proxy", has_role(Role.RESIDENT))
