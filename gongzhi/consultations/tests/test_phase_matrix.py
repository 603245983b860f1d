"""The role × phase matrix (meinBerlin's rules tests): which persona may do what in
each phase of a meeting-based consultation, from the blueprint's feature switches."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Personas
from gongzhi.consultations import actions, linking
from gongzhi.consultations.blueprints import MEETING, ONLINE
from gongzhi.consultations.enums import ConsultationForm, Feature, PhaseKey
from gongzhi.consultations.models import Consultation, Topic

pytestmark = pytest.mark.django_db

PHASES = list(PhaseKey)
RESIDENT_PERMS = {
    "consultations.suggest": Feature.PROPOSE,
    "consultations.support_topic": Feature.SUPPORT,
    "consultations.comment_topic": Feature.COMMENT,
    "consultations.register_meeting": Feature.REGISTER,
    "consultations.rate_outcome": Feature.RATE,
}
# The meeting blueprint (blueprints.MEETING), written out so that a change shows here.
OPEN = {
    PhaseKey.COLLECT: {Feature.PROPOSE, Feature.SUPPORT, Feature.COMMENT},
    PhaseKey.DELIBERATE: {Feature.COMMENT, Feature.REGISTER},
    PhaseKey.DECIDE: {Feature.REGISTER, Feature.DECIDE, Feature.POLL},
    PhaseKey.IMPLEMENT: {Feature.COMMENT, Feature.RATE},
    PhaseKey.REPORT: {Feature.COMMENT, Feature.RATE},
}


def _in_phase(consultation: Consultation, phase: PhaseKey) -> Consultation:
    # Set the phase directly: the matrix is about switches, not about reaching a phase.
    Consultation.objects.filter(pk=consultation.pk).update(phase=phase)
    return Consultation.objects.get(pk=consultation.pk)


def _target(consultation: Consultation, perm: str) -> Any:
    return (
        consultation.topic if perm.endswith("_topic") or perm.endswith("suggest") else consultation
    )


@pytest.mark.parametrize("phase", PHASES)
def test_a_resident_of_the_community_may_do_what_the_phase_opens(
    world: Personas, consultation: Consultation, neighbour: Any, phase: PhaseKey
) -> None:
    consultation = _in_phase(consultation, phase)
    for perm, feature in RESIDENT_PERMS.items():
        allowed = neighbour.has_perm(perm, _target(consultation, perm))
        assert allowed == (feature in OPEN[phase]), (perm, phase)


@pytest.mark.parametrize("phase", PHASES)
def test_residents_elsewhere_and_staff_never_act_as_residents(
    world: Personas, consultation: Consultation, resident_b: Any, phase: PhaseKey
) -> None:
    consultation = _in_phase(consultation, phase)
    for perm in RESIDENT_PERMS:
        target = _target(consultation, perm)
        assert not resident_b.has_perm(perm, target), (perm, phase)
        if perm != "consultations.comment_topic":  # staff answer in any phase
            for persona in (world.staff_a, world.street_staff, world.grid_worker):
                assert not persona.has_perm(perm, target), (persona, perm, phase)
        for admin in (world.system_admin, world.security_admin, world.audit_admin):
            assert not admin.has_perm(perm, target), (admin, perm, phase)


@pytest.mark.parametrize("phase", PHASES)
def test_recording_a_decision_is_open_only_in_the_decide_phase(
    world: Personas, consultation: Consultation, phase: PhaseKey
) -> None:
    consultation = _in_phase(consultation, phase)
    expected = phase == PhaseKey.DECIDE
    assert world.staff_a.has_perm("consultations.decide", consultation) == expected
    assert world.street_staff.has_perm("consultations.decide", consultation) == expected
    assert not world.staff_b.has_perm("consultations.decide", consultation)
    assert not world.resident.has_perm("consultations.decide", consultation)
    assert not world.grid_worker.has_perm("consultations.decide", consultation)


def test_staff_management_follows_jurisdiction(world: Personas, consultation: Consultation) -> None:
    perm = "consultations.manage_consultation"
    assert world.staff_a.has_perm(perm, consultation)
    assert world.street_staff.has_perm(perm, consultation)
    assert world.county_admin.has_perm(perm, consultation)
    for persona in (world.staff_b, world.grid_worker, world.resident, world.system_admin):
        assert not persona.has_perm(perm, consultation)
    assert world.grid_worker.has_perm("consultations.view_consultation", consultation)
    assert not world.staff_b.has_perm("consultations.view_consultation", consultation)


def test_a_proposed_topic_is_open_to_support_and_comment(
    world: Personas, topic: Topic, neighbour: Any, resident_b: Any
) -> None:
    assert neighbour.has_perm("consultations.support_topic", topic)
    assert neighbour.has_perm("consultations.comment_topic", topic)
    assert not neighbour.has_perm("consultations.suggest", topic)
    assert not resident_b.has_perm("consultations.support_topic", topic)


def test_switching_a_feature_off_closes_it(
    world: Personas, consultation: Consultation, neighbour: Any
) -> None:
    assert neighbour.has_perm("consultations.comment_topic", consultation.topic)
    actions.do_set_phase_features(
        consultation, phase=PhaseKey.COLLECT, features=[Feature.SUPPORT], actor=world.staff_a
    )
    topic = Topic.objects.get(pk=consultation.topic_id)
    assert not neighbour.has_perm("consultations.comment_topic", topic)
    assert neighbour.has_perm("consultations.support_topic", topic)


def test_online_consultation_has_no_meeting_sign_up(
    world: Personas, topic: Topic, neighbour: Any
) -> None:
    consultation = actions.do_accept_topic(topic, form=ConsultationForm.ONLINE, actor=world.staff_a)
    for phase in PHASES:
        consultation = _in_phase(consultation, phase)
        assert not neighbour.has_perm("consultations.register_meeting", consultation)


def test_the_written_out_matrix_is_the_meeting_blueprint() -> None:
    assert {key: set(features) for key, features in MEETING} == OPEN


@pytest.mark.parametrize("phase", PHASES)
def test_linked_polls_and_opinion_maps_follow_the_phase(
    world: Personas, consultation: Consultation, phase: PhaseKey
) -> None:
    """Voting in a linked poll needs ``poll``, taking part in a linked opinion map needs
    ``comment`` (``consultations.linking``)."""
    consultation = _in_phase(consultation, phase)
    for feature in (Feature.POLL, Feature.COMMENT):
        refusal = linking.phase_refusal(consultation, feature)
        assert (refusal is None) == (feature in OPEN[phase]), (feature, phase)
        if refusal is not None:
            assert f"“{PhaseKey(phase).label}”阶段" in refusal


def test_an_online_consultation_votes_in_its_decide_phase_only() -> None:
    opens_poll = [key for key, features in ONLINE if Feature.POLL in features]
    assert opens_poll == [PhaseKey.DECIDE]
