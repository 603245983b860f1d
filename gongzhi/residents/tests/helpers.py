"""Builders shared by the residents tests: households and residents made through the actions."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from gongzhi.core.idcard import generate_citizen_id
from gongzhi.regions.models import Region
from gongzhi.residents.actions import do_register_household, do_register_resident
from gongzhi.residents.models import Household, Resident

_rng = random.Random(20260101)  # noqa: S311  (synthetic test data)


def new_id(birth: date | None = None, sex: str = "1", address: str = "152201") -> str:
    """A valid ID number; adults born on a random day unless ``birth`` is given."""
    if birth is None:
        birth = date(1950, 1, 1) + timedelta(days=_rng.randrange(365 * 50))
    return generate_citizen_id(_rng, address_code=address, birth_date=birth, sex=sex)


def household_in(region_code: str, number: str = "", actor: Any = None) -> Household:
    return do_register_household(
        community=Region.objects.get(region_code=region_code), number=number, actor=actor
    )


def resident_in(
    household: Household,
    *,
    name: str = "张三",
    id_number: str | None = None,
    relationship: str = "户主",
    ethnicity: str = "汉族",
    actor: Any = None,
    **extra: Any,
) -> Resident:
    return do_register_resident(
        household=household,
        relationship=relationship,
        name=name,
        id_number=id_number or new_id(),
        ethnicity=ethnicity,
        actor=actor,
        **extra,
    )
