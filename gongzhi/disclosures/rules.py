"""Named permissions of 居务公开 (R2.3f).

- **Community staff** (社区工作者) of the community draft disclosures, submit them for
  review, publish them once signed off, draft corrections and answer residents' questions.
- **Township and county staff** read the disclosures and the schedule flags of their
  jurisdiction (R4.3d: the street supervises the committees); they do not write them,
  since disclosure is the committee's own duty.
- **Supervision committee members** (an account linked to a current membership of the
  community's 居务监督委员会) sign off or return a submitted disclosure, whatever their role.
- **Residents** of the community ask questions about its published disclosures.
- Everyone, logged in or not, reads published disclosures (``queries.public_*``).
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.disclosures import supervision

is_community_staff = has_role(Role.COMMUNITY_STAFF)
is_supervising_staff = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_resident = has_role(Role.RESIDENT)


@rules.predicate
def is_supervision_member(user: Any, obj: Any) -> bool:
    """The account is a current member of the supervision committee of the object's community."""
    if obj is None:
        return bool(supervision.supervised_communities(user))
    return bool(supervision.memberships_of(user, obj.region_code))


@rules.predicate
def lives_in_community(user: Any, obj: Any) -> bool:
    """The resident's account belongs to the object's community (or a place inside it)."""
    if obj is None:
        return True
    code = getattr(user, "region_code", "") or ""
    return bool(code) and code.startswith(obj.region_code)


rules.add_perm("disclosures.use_console", is_supervising_staff)
rules.add_perm("disclosures.view_disclosure", is_supervising_staff & is_in_jurisdiction)
rules.add_perm("disclosures.view_flags", is_supervising_staff & is_in_jurisdiction)
rules.add_perm("disclosures.manage_disclosure", is_community_staff & is_in_jurisdiction)
rules.add_perm("disclosures.answer_question", is_community_staff & is_in_jurisdiction)
rules.add_perm("disclosures.sign_off", is_supervision_member)
rules.add_perm("disclosures.ask_question", is_resident & lives_in_community)
