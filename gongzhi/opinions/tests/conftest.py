"""Fixtures of the opinion-map tests (R3.1d, R2.3e): the personas, residents of community A
with linked registry records, a resident of community B, and a conversation of
community A with seed statements, all built through the real actions."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.opinions import actions
from gongzhi.opinions.models import Conversation
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in

SEEDS = ["小区应当增设充电桩", "夜间应当禁止广场舞", "停车费应当降低"]


def link_record(user: Any, community: str, name: str = "张三") -> Resident:
    """A registry record in ``community`` linked to the portal account ``user``."""
    record = resident_in(household_in(community), name=name)
    Resident.objects.filter(pk=record.pk).update(user=user)
    record.refresh_from_db()
    return record


@pytest.fixture
def world(personas: Personas) -> Personas:
    link_record(personas.resident, COMMUNITY_A, name="乌云")
    return personas


@pytest.fixture
def neighbour(world: Personas) -> Any:
    user = make_user("neighbour", "resident", COMMUNITY_A, full_name="巴图")
    link_record(user, COMMUNITY_A, name="巴图")
    return user


@pytest.fixture
def resident_b(world: Personas) -> Any:
    user = make_user("resident_b", "resident", COMMUNITY_B, full_name="王芳")
    link_record(user, COMMUNITY_B, name="王芳")
    return user


@pytest.fixture
def conversation(world: Personas) -> Conversation:
    return actions.do_create_conversation(
        region=COMMUNITY_A,
        title="小区停车怎么办",
        description="请大家对下面的观点表态",
        statements=SEEDS,
        actor=world.staff_a,
    )
