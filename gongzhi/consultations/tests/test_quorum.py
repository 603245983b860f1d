"""Quorum and majority as data (DESIGN rule 5, R2.3e, R3.1d), with their boundaries:
exactly half is not more than half; two thirds counts as "三分之二以上"."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_A, Personas
from gongzhi.consultations import actions, decisions
from gongzhi.consultations.enums import BaseKind, ConsultationForm, DecisionOutcome, PhaseKey
from gongzhi.consultations.models import Consultation
from gongzhi.consultations.tests.conftest import advance_to, held_meeting
from gongzhi.policy.queries import policy_value

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 1)


def _evaluate(form: str, base_kind: str, base: int, present: int, yes: int) -> decisions.Evaluation:
    return decisions.evaluate(
        form=form,
        base_kind=base_kind,
        base_count=base,
        present=present,
        votes_for=yes,
        region_code=COMMUNITY_A,
        on=ON,
    )


@pytest.mark.parametrize(("present", "adopted"), [(50, False), (51, True)])
def test_residents_meeting_needs_more_than_half_of_adults(present: int, adopted: bool) -> None:
    result = _evaluate(
        ConsultationForm.RESIDENTS_MEETING, BaseKind.ADULT_RESIDENTS, 100, present, present
    )
    assert result.adopted is adopted
    if not adopted:
        assert "未达到法定出席人数" in result.reason
        assert "51" in result.reason


@pytest.mark.parametrize(("present", "adopted"), [(20, False), (21, True)])
def test_residents_meeting_may_count_household_representatives(present: int, adopted: bool) -> None:
    result = _evaluate(
        ConsultationForm.RESIDENTS_MEETING, BaseKind.HOUSEHOLDS, 40, present, present
    )
    assert result.adopted is adopted
    assert result.checks[0].key == "consultation.residents_meeting.household_quorum"


@pytest.mark.parametrize(("yes", "adopted"), [(30, False), (31, True)])
def test_a_decision_needs_more_than_half_of_those_present(yes: int, adopted: bool) -> None:
    result = _evaluate(ConsultationForm.RESIDENTS_MEETING, BaseKind.ADULT_RESIDENTS, 100, 60, yes)
    assert result.adopted is adopted
    if not adopted:
        assert "赞成票未达到规定" in result.reason


@pytest.mark.parametrize(("present", "adopted"), [(19, False), (20, True)])
def test_representatives_meeting_needs_two_thirds_of_members(present: int, adopted: bool) -> None:
    result = _evaluate(
        ConsultationForm.RESIDENTS_REPRESENTATIVES, BaseKind.MEMBERS, 30, present, present
    )
    assert result.adopted is adopted


@pytest.mark.parametrize(("present", "adopted"), [(26, False), (27, True)])
def test_villagers_meeting_counts_two_thirds_of_households(present: int, adopted: bool) -> None:
    result = _evaluate(
        ConsultationForm.VILLAGERS_MEETING, BaseKind.HOUSEHOLDS, 40, present, present
    )
    assert result.adopted is adopted


def test_deliberation_has_no_statutory_quorum() -> None:
    result = _evaluate(ConsultationForm.DELIBERATION, BaseKind.PARTICIPANTS, 100, 10, 6)
    assert result.adopted
    assert [c.key for c in result.checks] == ["consultation.deliberation.majority"]


def test_each_rule_has_a_version_from_the_revised_laws() -> None:
    before = policy_value("consultation.residents_meeting.quorum", COMMUNITY_A, date(2025, 12, 31))
    after = policy_value("consultation.residents_meeting.quorum", COMMUNITY_A, date(2026, 1, 1))
    assert "第十条" in before.source
    assert "2025年10月28日修订" in after.source
    assert after.effective_from == date(2026, 1, 1)


def test_a_failed_quorum_is_recorded_as_not_adopted_with_the_reason(
    world: Personas, consultation: Consultation
) -> None:
    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    meeting = held_meeting(consultation, world.staff_a, base=100, present=50)
    meeting = actions.do_record_decision(
        meeting,
        motion="加装路灯",
        votes_for=50,
        votes_against=0,
        votes_abstain=0,
        actor=world.staff_a,
    )
    assert meeting.outcome == DecisionOutcome.NOT_ADOPTED
    assert "过半数" in meeting.outcome_reason and "51" in meeting.outcome_reason
    assert meeting.rules_applied[0]["source"]


def test_votes_cannot_exceed_those_present(world: Personas, consultation: Consultation) -> None:
    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    meeting = held_meeting(consultation, world.staff_a, base=100, present=60)
    with pytest.raises(ValidationError) as error:
        actions.do_record_decision(
            meeting,
            motion="加装路灯",
            votes_for=50,
            votes_against=10,
            votes_abstain=1,
            actor=world.staff_a,
        )
    assert "votes_for" in error.value.message_dict


def test_present_cannot_exceed_the_base(world: Personas, consultation: Consultation) -> None:
    with pytest.raises(ValidationError) as error:
        held_meeting(consultation, world.staff_a, base=10, present=11)
    assert "present_count" in error.value.message_dict


def test_a_representatives_base_is_members(world: Personas, consultation: Consultation) -> None:
    with pytest.raises(ValidationError) as error:
        held_meeting(
            consultation,
            world.staff_a,
            base_kind=BaseKind.MEMBERS,
            form=ConsultationForm.RESIDENTS_MEETING,
        )
    assert "base_kind" in error.value.message_dict
