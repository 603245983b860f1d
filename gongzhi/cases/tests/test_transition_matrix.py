"""Every transition by every role: the role × state matrix (STYLE.md).

The case lies in community A (万佳社区), reported by the resident, and answered for by
community A's unit. For each action, in the state it starts from, exactly the listed
personas may take it; everyone else is refused with ``PermissionDenied`` and the case
is unchanged. Then, for each state, the actions not declared from it are refused with
a ``ValidationError`` on ``status`` even for someone who could take them elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from gongzhi.cases import actions
from gongzhi.cases.enums import CaseAction, CaseStatus
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.conftest import MONDAY, closed_case, handling_case, submit, verifying_case
from gongzhi.cases.workflow import TRANSITIONS, actions_from, available_actions
from gongzhi.ledger.models import Event

pytestmark = pytest.mark.django_db

PERSONAS = (
    "resident",
    "grid_worker",
    "staff_a",
    "staff_b",
    "street_staff",
    "county_admin",
    "system_admin",
    "security_admin",
    "audit_admin",
)
UNIT = {"staff_a", "street_staff", "county_admin"}
EVENT = "exposed-garbage"


def submitted(p: Personas) -> Case:
    return submit(p.resident, EVENT)


def pending_dispatch(p: Personas) -> Case:
    return actions.do_accept_case(submitted(p), actor=None, now=MONDAY)


def handling(p: Personas) -> Case:
    return handling_case(p, EVENT)


def extension_requested(p: Personas) -> Case:
    return actions.do_request_extension(handling(p), actor=None, amount=2, reason="需协调物业")


def verifying(p: Personas) -> Case:
    return verifying_case(p, EVENT)


def closed(p: Personas) -> Case:
    return closed_case(p, EVENT)


# The newer report each case under test may be merged into, by the case's id.
DUPLICATES: dict[int, Case] = {}


def handling_with_duplicate(p: Personas) -> Case:
    """A handling case and, beside it, a newer report of the same matter to merge into."""
    case = handling(p)
    DUPLICATES[case.pk] = submit(p.resident, EVENT)
    return case


def deferred(p: Personas) -> Case:
    return actions.do_defer_case(handling(p), actor=None, reason="等待管网改造")


Setup = Callable[[Personas], Case]
Act = Callable[[Case, Any, Personas], Any]

MATRIX: list[tuple[str, Setup, Act, set[str]]] = [
    ("accept", submitted, lambda c, a, p: actions.do_accept_case(c, actor=a), UNIT),
    (
        "refuse",
        submitted,
        lambda c, a, p: actions.do_refuse_case(c, actor=a, reason="不属实"),
        UNIT,
    ),
    (
        "dispatch",
        pending_dispatch,
        lambda c, a, p: actions.do_dispatch_case(c, actor=a, assignee=a),
        UNIT,
    ),
    (
        "feedback",
        handling,
        lambda c, a, p: actions.do_feedback_case(c, actor=a, note="已处置"),
        UNIT,
    ),
    (
        "verify_close",
        verifying,
        lambda c, a, p: actions.do_verify_close_case(c, actor=a),
        UNIT | {"grid_worker"},
    ),
    (
        "rework",
        verifying,
        lambda c, a, p: actions.do_rework_case(c, actor=a, reason="仍有垃圾"),
        UNIT | {"grid_worker"},
    ),
    (
        "escalate",
        handling,
        lambda c, a, p: actions.do_escalate_case(c, actor=a, reason="需街道协调"),
        UNIT,
    ),
    (
        "defer",
        handling,
        lambda c, a, p: actions.do_defer_case(c, actor=a, reason="等待管网改造"),
        {"street_staff", "county_admin"},
    ),
    (
        "resume",
        deferred,
        lambda c, a, p: actions.do_resume_case(c, actor=a),
        {"street_staff", "county_admin"},
    ),
    (
        "request_extension",
        handling,
        lambda c, a, p: actions.do_request_extension(c, actor=a, amount=2, reason="需协调物业"),
        UNIT,
    ),
    (
        "approve_extension",
        extension_requested,
        lambda c, a, p: actions.do_approve_extension(c, actor=a),
        {"street_staff", "county_admin"},
    ),
    (
        "merge",
        handling_with_duplicate,
        lambda c, a, p: actions.do_merge_case(c, into=DUPLICATES[c.pk], actor=a),
        UNIT,
    ),
    (
        "reopen",
        closed,
        lambda c, a, p: actions.do_reopen_case(c, actor=a, reason="又堆上了", now=MONDAY),
        {"resident"},
    ),
    ("rate", closed, lambda c, a, p: actions.do_rate_case(c, actor=a, rating=5), {"resident"}),
]


def _snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.status, fresh.assigned_region_code, fresh.rating, fresh.extension_state)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("action", "setup", "act", "allowed"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_role_by_action(
    world: Personas, persona: str, action: str, setup: Setup, act: Act, allowed: set[str]
) -> None:
    case = setup(world)
    actor = getattr(world, persona)
    if persona in allowed:
        act(case, actor, world)
        assert CaseEvent.objects.filter(case=case).order_by("-seq").first().action == action  # type: ignore[union-attr]
        return
    before = (_snapshot(case), CaseEvent.objects.count(), Event.objects.count())
    with pytest.raises(PermissionDenied):
        act(case, actor, world)
    assert (_snapshot(case), CaseEvent.objects.count(), Event.objects.count()) == before


STATES: list[tuple[str, Setup]] = [
    ("submitted", submitted),
    ("pending_dispatch", pending_dispatch),
    ("handling", handling),
    ("pending_verification", verifying),
    ("closed", closed),
    ("deferred", deferred),
]
CALLS: dict[str, Act] = {row[0]: row[2] for row in MATRIX}


@pytest.mark.parametrize(("state", "setup"), STATES, ids=[s[0] for s in STATES])
def test_undeclared_steps_are_refused_in_each_state(
    world: Personas, state: str, setup: Setup
) -> None:
    case = setup(world)
    declared = {t.action for t in actions_from(case.kind, case.status)}
    DUPLICATES[case.pk] = submit(world.resident, EVENT)
    for action, act in CALLS.items():
        if action in declared:
            continue
        # Someone who could take this step in the right state (the reporter for hers).
        actor = world.resident if action in {"reopen", "rate"} else world.county_admin
        with pytest.raises(ValidationError) as exc:
            act(Case.objects.get(pk=case.pk), actor, world)
        assert "status" in exc.value.message_dict, (state, action)
        assert Case.objects.get(pk=case.pk).status == case.status


def test_service_applications_are_neither_deferred_nor_merged(world: Personas) -> None:
    case = handling_case(world, "residence-certificate", attributes={"purpose": "job"})
    with pytest.raises(ValidationError) as exc:
        actions.do_defer_case(case, actor=world.county_admin, reason="长期")
    assert exc.value.message_dict == {"action": ["服务申请不能挂账"]}


def test_every_declared_permission_is_a_rule() -> None:
    for table in TRANSITIONS.values():
        for transition in table:
            assert rules.perm_exists(transition.permission), transition


def test_available_actions_follow_the_table_and_the_rules(world: Personas) -> None:
    case = submitted(world)
    assert set(available_actions(world.staff_a, case)) == {"accept", "refuse", "escalate", "merge"}
    assert available_actions(world.staff_b, case) == []
    assert available_actions(world.resident, case) == []
    assert CaseStatus(case.status) == CaseStatus.SUBMITTED
    assert CaseAction.ACCEPT in available_actions(world.street_staff, case)
