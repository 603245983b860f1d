"""Fixtures of the case engine's tests: the seeded categories, a fixed clock, builders.

Cases are built through the real actions (STYLE.md). The clock is fixed on a working
Monday, 2026-03-02 09:00 in Asia/Shanghai, so deadlines are the same on every run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from conftest import COMMUNITY_A, Personas
from gongzhi.cases import actions
from gongzhi.cases.calendar import TIME_ZONE
from gongzhi.cases.models import Case
from gongzhi.cases.seed import seed_categories

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TIME_ZONE)


@pytest.fixture
def categories(db: None) -> None:
    seed_categories()


@pytest.fixture
def world(personas: Personas, categories: None) -> Personas:
    """The personas with the seeded categories."""
    return personas


def submit(
    actor: Any,
    code: str = "exposed-garbage",
    *,
    community: str | None = COMMUNITY_A,
    now: datetime = MONDAY,
    **extra: Any,
) -> Case:
    extra.setdefault("description", "楼下垃圾堆放三天无人清理")
    return actions.do_submit_case(category=code, community=community, actor=actor, now=now, **extra)


def handling_case(personas: Personas, code: str = "exposed-garbage", **extra: Any) -> Case:
    """A resident's case, accepted and dispatched to community A's unit (no assignee)."""
    case = submit(personas.resident, code, **extra)
    actions.do_accept_case(case, actor=personas.staff_a, now=MONDAY)
    return actions.do_dispatch_case(case, actor=personas.staff_a, region_code=COMMUNITY_A)


def verifying_case(personas: Personas, code: str = "exposed-garbage", **extra: Any) -> Case:
    case = handling_case(personas, code, **extra)
    return actions.do_feedback_case(case, actor=personas.staff_a, note="已清理完毕，附现场照片")


def closed_case(personas: Personas, code: str = "exposed-garbage", **extra: Any) -> Case:
    case = verifying_case(personas, code, **extra)
    return actions.do_verify_close_case(case, actor=personas.street_staff, now=MONDAY)


def at_hm(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TIME_ZONE)
