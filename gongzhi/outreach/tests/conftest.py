"""Fixtures of the outreach tests (R3.2a, R3.2b): the personas, the seeded categories, a
route of 爱国街道 (township of community A) with a stop in community A, residents with
linked registry records. Everything is built through the real actions."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, Personas, make_user
from gongzhi.cases.seed import seed_categories
from gongzhi.outreach import actions
from gongzhi.outreach.models import ServiceRoute, ServiceStop, ServiceVisit
from gongzhi.regions.models import Region
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in

# A second community of 爱国街道 (same township as A).
COMMUNITY_A2 = "152201001002"
SERVICE = "old-age-allowance"  # 高龄津贴, a service without required extra fields
COMPLAINT = "neighbour-dispute"  # 邻里纠纷


def link_record(user: Any, community: str, name: str = "张三") -> Resident:
    """A registry record in ``community`` linked to the portal account ``user``."""
    record = resident_in(household_in(community), name=name)
    Resident.objects.filter(pk=record.pk).update(user=user)
    record.refresh_from_db()
    return record


def soon(days: int = 3) -> date:
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def world(personas: Personas) -> Personas:
    seed_categories()
    assert Region.objects.filter(region_code=COMMUNITY_A2).exists()
    return personas


@pytest.fixture
def route(world: Personas) -> ServiceRoute:
    return actions.do_save_route(
        name="爱国街道流动服务车",
        township=TOWNSHIP,
        vehicle="流动服务车（蒙J·12345）",
        actor=world.street_staff,
    )


@pytest.fixture
def stop_a(world: Personas, route: ServiceRoute) -> ServiceStop:
    return actions.do_save_stop(
        route, community=COMMUNITY_A, place_name="社区服务站门前", actor=world.street_staff
    )


def schedule(stop: ServiceStop, actor: Any, day: date | None = None, **extra: Any) -> ServiceVisit:
    extra.setdefault("start_time", time(9, 0))
    extra.setdefault("end_time", time(11, 30))
    extra.setdefault("services", [SERVICE, COMPLAINT])
    return actions.do_schedule_visit(stop, date=day or soon(), actor=actor, **extra)


@pytest.fixture
def neighbour(world: Personas) -> Any:
    """A second resident of community A, with a registry record."""
    user = make_user("neighbour", "resident", COMMUNITY_A, full_name="巴图孟和")
    link_record(user, COMMUNITY_A, name="巴图孟和")
    return user


@pytest.fixture
def resident_b(world: Personas) -> Any:
    user = make_user("resident_b", "resident", COMMUNITY_B, full_name="王芳")
    link_record(user, COMMUNITY_B, name="王芳")
    return user


@pytest.fixture
def linked(world: Personas) -> Resident:
    """The resident persona's own registry record in community A."""
    return link_record(world.resident, COMMUNITY_A, name="乌云")
