"""Fixtures of the consultations tests (R2.3e, R3.1a–R3.1f): the personas with registry
records, a topic proposed by the resident of community A, and helpers that run a
consultation through its phases with the real actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.consultations import actions
from gongzhi.consultations.enums import BaseKind, ConsultationForm, PhaseKey
from gongzhi.consultations.models import Consultation, Meeting, Topic
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in

# A second community of 爱国街道 (same township as A).
COMMUNITY_A2 = "152201001002"


def link_record(user: Any, community: str, name: str = "张三", **extra: Any) -> Resident:
    """A registry record in ``community`` linked to the portal account ``user``."""
    record = resident_in(household_in(community), name=name, **extra)
    Resident.objects.filter(pk=record.pk).update(user=user)
    record.refresh_from_db()
    return record


@pytest.fixture
def world(personas: Personas) -> Personas:
    link_record(personas.resident, COMMUNITY_A, name="乌云")
    return personas


@pytest.fixture
def neighbour(world: Personas) -> Any:
    """A second resident of community A."""
    user = make_user("neighbour", "resident", COMMUNITY_A, full_name="巴图孟和")
    link_record(user, COMMUNITY_A, name="巴图孟和")
    return user


@pytest.fixture
def resident_a2(world: Personas) -> Any:
    """A resident of the other community of the same street."""
    user = make_user("resident_a2", "resident", COMMUNITY_A2, full_name="其其格")
    link_record(user, COMMUNITY_A2, name="其其格")
    return user


@pytest.fixture
def resident_b(world: Personas) -> Any:
    """A resident of community B (another street)."""
    user = make_user("resident_b", "resident", COMMUNITY_B, full_name="王芳")
    link_record(user, COMMUNITY_B, name="王芳")
    return user


@pytest.fixture
def staff_a2(world: Personas) -> Any:
    return make_user("staff_a2", "community_staff", COMMUNITY_A2, full_name="刘洋")


@pytest.fixture
def topic(world: Personas) -> Topic:
    return actions.do_propose_topic(
        title="小区北门加装路灯",
        description="北门到菜市场一段晚上没有路灯，老人出行不便，建议加装路灯。",
        actor=world.resident,
    )


@pytest.fixture
def consultation(world: Personas, topic: Topic) -> Consultation:
    return actions.do_accept_topic(
        topic, form=ConsultationForm.RESIDENTS_MEETING, actor=world.staff_a
    )


def advance_to(consultation: Consultation, phase: PhaseKey, actor: Any) -> Consultation:
    """Advance phase by phase to ``phase`` (a decision must exist to leave 决策)."""
    order = list(PhaseKey)
    while order.index(PhaseKey(consultation.phase)) < order.index(phase):
        consultation = actions.do_advance_phase(consultation, actor=actor)
    return consultation


def held_meeting(
    consultation: Consultation,
    actor: Any,
    *,
    base: int = 100,
    present: int = 60,
    base_kind: str = BaseKind.ADULT_RESIDENTS,
    form: str = "",
) -> Meeting:
    meeting = actions.do_schedule_meeting(
        consultation,
        title="万佳社区居民会议",
        starts_at=timezone.now() + timedelta(days=3),
        place="社区议事厅",
        agenda="一、通报路灯方案\n二、表决",
        form=form,
        actor=actor,
    )
    return actions.do_record_attendance(
        meeting,
        base_kind=base_kind,
        base_count=base,
        present_count=present,
        minutes="会议由社区书记主持。",
        actor=actor,
    )


def adopted_meeting(consultation: Consultation, actor: Any) -> Meeting:
    meeting = held_meeting(consultation, actor)
    return actions.do_record_decision(
        meeting,
        motion="在北门加装 6 盏路灯",
        votes_for=45,
        votes_against=10,
        votes_abstain=5,
        decision_text="加装 6 盏太阳能路灯，由物业公司实施。",
        minority_opinion="部分居民担心灯光影响一楼住户休息，建议调低亮度。",
        actor=actor,
    )
