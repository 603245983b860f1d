"""Named permissions of the case engine: who may take which step on which case.

Every permission combines a role with a place (DESIGN rule 3):

- the **place scope** — the case's ``region_code`` (where the matter is) lies in the
  actor's jurisdiction: grid workers report and verify there;
- the **unit scope** — the case's ``assigned_region_code`` (the unit that answers for it)
  lies in the actor's jurisdiction: community, township and county staff accept,
  dispatch, handle and close there. Escalation moves a case out of a community's unit
  scope and into the township's;
- a **functional department** acts on the cases dispatched to it
  (``assigned_organisation`` is the department its staff account belongs to);
- **residents** act only on their own cases (``reporter``), and the agent (代办员) may
  reopen for them (全程代办). Only the reporter rates (好差评 is the person's own word).

Verification (核查) is never done by the person who handled the case: GB/T 30428 has the
supervisor check the handler's work. Extensions are approved by the level above the
unit (R4.3b: the township supervises its communities). Deferral (挂账) needs township or
county staff. The three administrators (三员) have no part in casework.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.core.scoping import contains, scope_of

is_resident = has_role(Role.RESIDENT)
is_grid_worker = has_role(Role.GRID_WORKER)
is_case_staff = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_supervising_staff = has_role(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_department_staff = has_role(Role.DEPARTMENT_STAFF)
is_any_staff = is_case_staff | is_grid_worker | is_department_staff


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def in_unit_scope(user: Any, case: Any) -> bool:
    """The unit that answers for the case lies in the user's jurisdiction."""
    if case is None:
        return True
    return contains(scope_of(user), getattr(case, "assigned_region_code", "") or "-")


@rules.predicate
def above_unit(user: Any, case: Any) -> bool:
    """The user's jurisdiction strictly contains the unit's: a higher level."""
    if case is None:
        return True
    scope = scope_of(user)
    code = getattr(case, "assigned_region_code", "") or ""
    return bool(code) and contains(scope, code) and len(scope) < len(code)


@rules.predicate
def is_reporter(user: Any, case: Any) -> bool:
    return case is not None and _active(user) and case.reporter_id == user.pk


@rules.predicate
def is_agent(user: Any, case: Any) -> bool:
    return case is not None and _active(user) and case.agent_id == user.pk


@rules.predicate
def is_assignee(user: Any, case: Any) -> bool:
    return case is not None and _active(user) and case.assignee_id == user.pk


@rules.predicate
def is_first_responsible(user: Any, case: Any) -> bool:
    return case is not None and _active(user) and case.first_responsible_id == user.pk


@rules.predicate
def is_assigned_unit_member(user: Any, case: Any) -> bool:
    """The user's account belongs to the organisation the case is assigned to."""
    return (
        case is not None
        and _active(user)
        and user.organisation_id is not None
        and case.assigned_organisation_id == user.organisation_id
    )


is_unit_staff = (is_case_staff & in_unit_scope) | (is_department_staff & is_assigned_unit_member)

rules.add_perm(
    "cases.submit_case",
    is_resident | (is_any_staff & is_in_jurisdiction),
)
rules.add_perm(
    "cases.view_case",
    is_reporter
    | is_agent
    | is_assignee
    | is_first_responsible
    | is_assigned_unit_member
    | (
        (is_case_staff | is_grid_worker | is_department_staff)
        & (is_in_jurisdiction | in_unit_scope)
    ),
)
rules.add_perm(
    "cases.view_internal_notes",
    is_any_staff & (is_in_jurisdiction | in_unit_scope | is_assignee | is_assigned_unit_member),
)
rules.add_perm("cases.accept_case", is_unit_staff)
rules.add_perm("cases.dispatch_case", is_unit_staff)
rules.add_perm("cases.handle_case", is_assignee | is_unit_staff)
rules.add_perm(
    "cases.verify_case",
    ~is_assignee & ((is_case_staff & in_unit_scope) | (is_grid_worker & is_in_jurisdiction)),
)
rules.add_perm("cases.escalate_case", is_case_staff & in_unit_scope)
rules.add_perm("cases.defer_case", is_supervising_staff & in_unit_scope)
rules.add_perm("cases.approve_extension", is_case_staff & above_unit)
rules.add_perm("cases.merge_case", is_case_staff & in_unit_scope)
rules.add_perm("cases.reopen_case", is_reporter | is_agent)
rules.add_perm("cases.rate_case", is_reporter)
# Attachments: the reporter and their agent add photos; staff who work on the case add
# photos and evidence (grid workers on patrol where they verify).
rules.add_perm(
    "cases.attach_file",
    is_reporter
    | is_agent
    | is_assignee
    | is_first_responsible
    | is_unit_staff
    | (is_grid_worker & is_in_jurisdiction),
)
# Managers' indicators (考核): staff of a community and above, over their jurisdiction.
rules.add_perm("cases.view_indicators", is_case_staff & is_in_jurisdiction)

# --- The staff console (办件 pages) ------------------------------------------------------
# Who works cases in the console at all: every staff role but the three administrators.
rules.add_perm("cases.work_cases", is_any_staff)
# 一窗受理 (R3.2e): community, township and county staff register cases for residents.
rules.add_perm("cases.register_case", is_case_staff & is_in_jurisdiction)
# 网格事件上报 (R3.1e): grid workers on patrol, and case staff, report events.
rules.add_perm("cases.report_event", (is_grid_worker | is_case_staff) & is_in_jurisdiction)
# The reporter's full name and phone number, as the residents registry unmasks (DESIGN
# rule 4): community staff and above over the case's place or unit; each unmasking of
# the phone number is a ledger event.
rules.add_perm("cases.unmask_reporter", is_case_staff & (is_in_jurisdiction | in_unit_scope))
# 事项管理: the catalogue is league-wide configuration, kept by county and league staff
# (the county_staff role), like the residents' tags.
rules.add_perm("cases.manage_categories", has_role(Role.COUNTY_STAFF))
