"""Demo residents who use the portal: a registry record with a linked resident account.

The participation demos (consultations, polls, opinion map, disclosures, cases) need
neighbours of ``demo_resident`` who support topics, vote, rate and ask: each is a
one-person household registered in 万佳社区 (152201001001) through the registry's actions,
an account created by ``do_create_user`` with the demo password, and the link made by
``do_link_resident_account`` — the same three steps a community worker takes. Everything
runs with no actor (the demo loader), so the ledger records it. Idempotent: an account
that exists is returned as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.actions import do_create_user
from gongzhi.accounts.demo import DEMO_PASSWORD
from gongzhi.accounts.models import Role, User
from gongzhi.core.idcard import generate_citizen_id
from gongzhi.regions.models import Building, Region
from gongzhi.residents.actions import (
    do_link_resident_account,
    do_register_household,
    do_register_resident,
)
from gongzhi.residents.enums import HOUSEHOLDER
from gongzhi.residents.models import Household, Resident

HAN, MONGOL = "01", "02"
MALE, FEMALE = "1", "2"
DEMO_COMMUNITY = "152201001001"


@dataclass(frozen=True)
class Person:
    """A demo resident: account name, full name, sex, ethnicity (GB/T 3304) and age."""

    username: str
    name: str
    sex: str
    ethnicity: str
    age: int


# 万佳社区's neighbours of demo_resident: about four in ten Mongol, as in the league.
NEIGHBOURS = (
    Person("demo_nb01", "巴图孟和", MALE, MONGOL, 58),
    Person("demo_nb02", "王秀英", FEMALE, HAN, 67),
    Person("demo_nb03", "刘建国", MALE, HAN, 71),
    Person("demo_nb04", "萨仁高娃", FEMALE, MONGOL, 34),
    Person("demo_nb05", "张海涛", MALE, HAN, 42),
    Person("demo_nb06", "额尔敦巴雅尔", MALE, MONGOL, 63),
    Person("demo_nb07", "李桂兰", FEMALE, HAN, 75),
    Person("demo_nb08", "陈晓燕", FEMALE, HAN, 29),
    Person("demo_nb09", "朝鲁门", MALE, MONGOL, 38),
    Person("demo_nb10", "赵志刚", MALE, HAN, 51),
    Person("demo_nb11", "斯琴图雅", FEMALE, MONGOL, 46),
    Person("demo_nb12", "孙丽娟", FEMALE, HAN, 39),
    Person("demo_nb13", "宝音德力格尔", MALE, MONGOL, 69),
    Person("demo_nb14", "马红梅", FEMALE, HAN, 55),
    Person("demo_nb15", "高鹏", MALE, HAN, 33),
    Person("demo_nb16", "乌日娜", FEMALE, MONGOL, 27),
    Person("demo_nb17", "杨勇", MALE, HAN, 48),
    Person("demo_nb18", "娜仁托娅", FEMALE, MONGOL, 61),
    Person("demo_nb19", "于斌", MALE, HAN, 36),
    Person("demo_nb20", "韩静", FEMALE, HAN, 44),
    Person("demo_nb21", "孟和苏和", MALE, MONGOL, 52),
    Person("demo_nb22", "周敏", FEMALE, HAN, 31),
)


def _birth(today: date, age: int, rng: random.Random) -> date:
    return today - timedelta(days=age * 365 + rng.randrange(30, 330))


@transaction.atomic
def ensure_resident_account(person: Person, *, community_code: str = DEMO_COMMUNITY) -> User | None:
    """The account of ``person``, registered and linked on first use; None when the
    community does not exist (a division tree without it)."""
    existing = User.objects.filter(username=person.username).first()
    if existing is not None:
        return existing
    community = Region.objects.filter(region_code=community_code).first()
    if community is None:
        return None
    # A stream of its own per person: the same person gets the same ID number every run.
    rng = random.Random(f"gongzhi-demo-{person.username}")  # noqa: S311  (synthetic data)
    today = timezone.localdate()
    buildings = list(Building.objects.within(community_code).order_by("region_code"))
    building = rng.choice(buildings) if buildings else None
    number = f"{community_code}-{person.username.upper()}"
    household = Household.objects.filter(number=number).first()
    if household is None:
        household = do_register_household(
            community=community,
            number=number,
            building=building,
            room=f"{rng.randrange(1, 7)}0{rng.randrange(1, 5)}" if building else "",
            address=building.compound.address if building else community.name,
            actor=None,
        )
    record = Resident.objects.filter(household=household).order_by("id").first()
    if record is None:
        birth = _birth(today, person.age, rng)
        record = do_register_resident(
            household=household,
            relationship=HOUSEHOLDER,
            name=person.name,
            id_number=generate_citizen_id(
                rng, address_code=community_code[:6], birth_date=birth, sex=person.sex
            ),
            ethnicity=person.ethnicity,
            phone=f"13{rng.randrange(10**9):09d}",
            registered_region_code=community_code[:6],
            actor=None,
        )
    account = do_create_user(
        person.username,
        roles=[Role.RESIDENT],
        region=community,
        password=DEMO_PASSWORD,
        full_name=person.name,
        actor=None,
    )
    do_link_resident_account(record, account, actor=None)
    return account


def demo_neighbours(count: int = len(NEIGHBOURS)) -> list[User]:
    """The first ``count`` neighbours of ``demo_resident`` in 万佳社区, created when missing."""
    accounts = [ensure_resident_account(person) for person in NEIGHBOURS[:count]]
    return [account for account in accounts if account is not None]
