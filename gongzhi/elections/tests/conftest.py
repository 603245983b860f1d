"""Fixtures of the election tests (R2.3d): the personas, the committee of community A, its
residents in the registry, and elections built through the real actions.

Election day is fixed at 2026-06-30; tests travel in time with ``time_machine`` to the step
they exercise (scheduling on 2026-05-01, the vote on election day).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.elections import actions
from gongzhi.elections.models import Election, Voter
from gongzhi.organisations.actions import do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.models import Region
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

ELECTION_DAY = date(2026, 6, 30)
SCHEDULED_ON = date(2026, 5, 1)


def at(day: date) -> Any:
    """Travel to noon of ``day`` in Beijing time."""
    return time_machine.travel(f"{day.isoformat()} 12:00 +0800", tick=False)


def committee_of(code: str) -> Organisation:
    region = Region.objects.get(region_code=code)
    found = Organisation.objects.filter(
        region=region,
        kind__in=[
            OrganisationKind.RESIDENTS_COMMITTEE,
            OrganisationKind.VILLAGERS_COMMITTEE,
            OrganisationKind.GACHA_COMMITTEE,
        ],
    ).first()
    if found is not None:
        return found
    return do_save_organisation(
        Organisation(
            kind=OrganisationKind.RESIDENTS_COMMITTEE,
            name=f"{region.name}居民委员会",
            region=region,
        ),
        actor=None,
    )


_births = itertools.count()


def person(
    name: str,
    *,
    birth: date | None = None,
    sex: str = "1",
    ethnicity: str = "汉族",
    community: str = COMMUNITY_A,
    **extra: Any,
) -> Resident:
    if birth is None:  # distinct adult birthdays, so that ID numbers never collide
        birth = date(1960, 1, 1) + timedelta(days=next(_births))
    return resident_in(
        household_in(community),
        name=name,
        id_number=new_id(birth=birth, sex=sex),
        ethnicity=ethnicity,
        **extra,
    )


@pytest.fixture
def world(personas: Personas) -> Personas:
    return personas


@pytest.fixture
def clerk2(world: Personas) -> Any:
    """A second community staff member of A, the second clerk of double entry."""
    return make_user("clerk2", "community_staff", COMMUNITY_A, full_name="刘芳")


@pytest.fixture
def committee_a(world: Personas) -> Organisation:
    return committee_of(COMMUNITY_A)


@pytest.fixture
def committee_b(world: Personas) -> Organisation:
    return committee_of(COMMUNITY_B)


@pytest.fixture
def on_schedule_day() -> Iterator[None]:
    with at(SCHEDULED_ON):
        yield


def schedule(actor: Any, committee: Organisation, **extra: Any) -> Election:
    fields: dict[str, Any] = {
        "election_day": ELECTION_DAY,
        "seats_director": 1,
        "seats_deputy": 1,
        "seats_member": 3,
    }
    fields.update(extra)
    return actions.do_schedule_election(committee=committee, actor=actor, **fields)


@pytest.fixture
def election(world: Personas, committee_a: Organisation, on_schedule_day: None) -> Election:
    return schedule(world.street_staff, committee_a)


def voter_of(election: Election, resident: Resident) -> Voter:
    return Voter.objects.get(election=election, resident=resident)


def populate(count: int = 12, women: int = 4) -> list[Resident]:
    """``count`` adult residents of community A, the first ``women`` of them women."""
    return [
        person(f"选民{i:02d}", sex="2" if i < women else "1", birth=date(1970 + i, 3, 1))
        for i in range(count)
    ]


def published(election: Election, actor: Any, count: int = 12, women: int = 4) -> list[Voter]:
    """Residents in the registry, the list built and published; the voters in order."""
    people = populate(count, women)
    actions.do_build_voter_list(election, actor=actor)
    actions.do_publish_voter_list(election, actor=actor)
    return [voter_of(election, p) for p in people]


def slate(election: Election, actor: Any, voters: list[Voter]) -> dict[str, list[Any]]:
    """Nominate 2 for director, 2 for deputy, 4 for member (women first), and publish."""
    plan = {"director": voters[0:2], "deputy_director": voters[2:4], "member": voters[4:8]}
    made: dict[str, list[Any]] = {}
    for post, group in plan.items():
        made[post] = [
            actions.do_nominate_candidate(election, voter=v, post=post, nominations=10, actor=actor)
            for v in group
        ]
    actions.do_publish_candidates(election, actor=actor)
    return made
