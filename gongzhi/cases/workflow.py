"""The workflow, declared as data: which action moves a case of which kind from which
state to which, and which named permission (``cases.rules``) the actor must hold.

Read it as the process of GB/T 30428 and the 12345 hotline:

    submit ─▶ 待受理 ─accept─▶ 待派遣 ─dispatch─▶ 办理中 ─feedback─▶ 待核查 ─verify_close─▶ 已结案
                 │                                  ▲  │                   │                 │
               refuse ─▶ 不予受理            rework ┘  defer ─▶ 挂账       └─ rework ─▶ 办理中 │
                                                         └ resume ─▶ 办理中    reopen ◀──────┘

plus escalate (to the level above, the case waiting there to be accepted or dispatched
again), request/approve an extension, merge a duplicate into another case (已并单) and
rate a closed case. Kinds differ where their practice differs: service applications and
corrections are neither deferred nor merged (a person's application is never a
duplicate and never parked); events and complaints may be.

``actions.py`` executes a transition only if ``transition_for`` finds it here, so this
table is the whole of what can happen to a case.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.cases.enums import CaseAction, CaseKind, CaseStatus

A = CaseAction
S = CaseStatus


@dataclass(frozen=True)
class Transition:
    from_status: str
    action: str
    to_status: str
    # A named permission of cases.rules, checked with actor.has_perm(permission, case).
    permission: str


# Shared by every kind. ``to_status`` of escalate is where the case waits at the level above.
COMMON: tuple[Transition, ...] = (
    Transition(S.SUBMITTED, A.ACCEPT, S.PENDING_DISPATCH, "cases.accept_case"),
    Transition(S.SUBMITTED, A.REFUSE, S.REFUSED, "cases.accept_case"),
    Transition(S.PENDING_DISPATCH, A.DISPATCH, S.HANDLING, "cases.dispatch_case"),
    # 转派: the unit that holds the case passes it on.
    Transition(S.HANDLING, A.DISPATCH, S.HANDLING, "cases.dispatch_case"),
    Transition(S.HANDLING, A.FEEDBACK, S.PENDING_VERIFICATION, "cases.handle_case"),
    Transition(S.PENDING_VERIFICATION, A.VERIFY_CLOSE, S.CLOSED, "cases.verify_case"),
    Transition(S.PENDING_VERIFICATION, A.REWORK, S.HANDLING, "cases.verify_case"),
    Transition(S.SUBMITTED, A.ESCALATE, S.SUBMITTED, "cases.escalate_case"),
    Transition(S.PENDING_DISPATCH, A.ESCALATE, S.PENDING_DISPATCH, "cases.escalate_case"),
    Transition(S.HANDLING, A.ESCALATE, S.PENDING_DISPATCH, "cases.escalate_case"),
    Transition(S.HANDLING, A.REQUEST_EXTENSION, S.HANDLING, "cases.handle_case"),
    Transition(S.HANDLING, A.APPROVE_EXTENSION, S.HANDLING, "cases.approve_extension"),
    Transition(S.CLOSED, A.REOPEN, S.HANDLING, "cases.reopen_case"),
    Transition(S.CLOSED, A.RATE, S.CLOSED, "cases.rate_case"),
)

# Long-running matters and duplicates: events (GB/T 30428) and complaints (12345).
PARKING: tuple[Transition, ...] = (
    Transition(S.HANDLING, A.DEFER, S.DEFERRED, "cases.defer_case"),
    Transition(S.DEFERRED, A.RESUME, S.HANDLING, "cases.defer_case"),
    Transition(S.SUBMITTED, A.MERGE, S.MERGED, "cases.merge_case"),
    Transition(S.PENDING_DISPATCH, A.MERGE, S.MERGED, "cases.merge_case"),
    Transition(S.HANDLING, A.MERGE, S.MERGED, "cases.merge_case"),
)

TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    CaseKind.SERVICE: COMMON,
    CaseKind.CORRECTION: COMMON,
    CaseKind.EVENT: COMMON + PARKING,
    CaseKind.COMPLAINT: COMMON + PARKING,
}

# Who may submit a case at all (no "from" state: the case does not exist yet).
SUBMIT_PERMISSION = "cases.submit_case"

_INDEX: dict[tuple[str, str, str], Transition] = {
    (kind, t.from_status, t.action): t for kind, table in TRANSITIONS.items() for t in table
}


def transition_for(kind: str, from_status: str, action: str) -> Transition | None:
    """The transition ``action`` takes from ``from_status`` for a case of ``kind``, if any."""
    return _INDEX.get((kind, from_status, action))


def actions_from(kind: str, status: str) -> list[Transition]:
    """Every transition declared from ``status`` for ``kind`` (for buttons and the API)."""
    return [t for t in TRANSITIONS.get(kind, ()) if t.from_status == status]


def available_actions(user: object, case: object) -> list[str]:
    """The actions ``user`` may take on ``case`` now, by the table and the permissions.

    Invariants an action checks beyond the table (the reopen window, a rating given
    once, an extension awaiting approval) are not looked at here.
    """
    kind, status = case.kind, case.status  # type: ignore[attr-defined]
    allowed = []
    for transition in actions_from(kind, status):
        if user.has_perm(transition.permission, case):  # type: ignore[attr-defined]
            allowed.append(transition.action)
    return allowed
