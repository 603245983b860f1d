"""Named permissions of polls (R2.3e).

- Community, township and county staff run the polls of their jurisdiction: draft, open,
  close, set up booths, mark paper voters, enter booth counts and publish results.
- Every staff member but the three administrators (三员) reads the polls of their
  jurisdiction and their turnout lists (a grid worker checks who has voted).
- Residents vote; whether this resident may vote in this poll (the poll's region, age,
  migrants) is the action's check, with the reason in Chinese (``actions.ineligibility``).
"""

from __future__ import annotations

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

is_resident = has_role(Role.RESIDENT)
is_poll_manager = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_poll_reader = is_poll_manager | has_role(Role.GRID_WORKER, Role.DEPARTMENT_STAFF)

rules.add_perm("polls.use_console", is_poll_reader)
rules.add_perm("polls.view_poll", is_poll_reader & is_in_jurisdiction)
rules.add_perm("polls.manage_poll", is_poll_manager & is_in_jurisdiction)
rules.add_perm("polls.record_paper", is_poll_manager & is_in_jurisdiction)
rules.add_perm("polls.vote", is_resident)
