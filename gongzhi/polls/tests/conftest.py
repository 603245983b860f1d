"""Fixtures of the polls tests (R2.3e): the personas, residents of community A with linked
registry records (an adult, a minor, a migrant), and polls built through the real actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.polls import actions
from gongzhi.polls.models import Poll
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in


def link_record(user: Any, community: str, name: str = "张三", **extra: Any) -> Resident:
    """A registry record in ``community`` linked to the portal account ``user``."""
    record = resident_in(household_in(community), name=name, **extra)
    Resident.objects.filter(pk=record.pk).update(user=user)
    record.refresh_from_db()
    return record


def voter(username: str, community: str = COMMUNITY_A, **extra: Any) -> Any:
    user = make_user(username, "resident", community, full_name=username)
    user.record = link_record(user, community, name=username, **extra)
    return user


def make_poll(actor: Any, *, open_it: bool = True, **extra: Any) -> Poll:
    now = timezone.now()
    fields: dict[str, Any] = {
        "region": COMMUNITY_A,
        "title": "小区停车位划线方案",
        "question": "东门空地是否划为居民停车位？",
        "options": ["同意", "不同意", "弃权"],
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=3),
    }
    fields.update(extra)
    poll = actions.do_save_poll(actor=actor, **fields)
    if open_it:
        poll = actions.do_open_poll(poll, actor=actor)
    return poll


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))


@pytest.fixture
def world(personas: Personas) -> Personas:
    return personas


@pytest.fixture
def alice(world: Personas) -> Any:
    """An adult resident of community A."""
    return voter("alice")


@pytest.fixture
def bob(world: Personas) -> Any:
    return voter("bob")


@pytest.fixture
def minor(world: Personas) -> Any:
    """A 16-year-old resident of community A."""
    birth = timezone.localdate() - timedelta(days=16 * 366)
    return voter("minor", id_number=new_id(birth=birth))


@pytest.fixture
def migrant(world: Personas) -> Any:
    return voter("migrant", residence_situation="migrant")


@pytest.fixture
def outsider(world: Personas) -> Any:
    """An adult resident of community B."""
    return voter("outsider", COMMUNITY_B)


@pytest.fixture
def poll(world: Personas) -> Poll:
    return make_poll(world.staff_a)
