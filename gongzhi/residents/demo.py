"""A small synthetic population for the demo communities (``make run``).

``create_demo_residents(n=60, seed=0)`` registers about ``n`` residents in households of
1–4 people in 万佳 (152201001001), 春阳 (152201001002), 红云 (152201002001) and, when
the demo places exist there, 联兴嘎查 (152221101200): valid checksummed ID numbers whose
address and birth codes match, about 41% 蒙古族 as in the league, some tags, and at least
one child under 14. Everything goes through the actions (actor ``None``), so the ledger
records it. It is idempotent: household numbers are fixed by the seed, and a household
that already exists is skipped with its members.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from gongzhi.core.idcard import generate_citizen_id
from gongzhi.organisations.demo import GIVEN_NAMES, HAN, MONGOL
from gongzhi.regions.models import Building, Grid, Region
from gongzhi.residents.actions import do_register_household, do_register_resident
from gongzhi.residents.enums import HOUSEHOLDER, ResidenceSituation
from gongzhi.residents.models import Household, Tag

MONGOL_SHARE = 0.41  # the league's population (第七次全国人口普查)
SPOUSE, SON, DAUGHTER = "10", "20", "30"
SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "孙",
    "马",
    "高",
    "于",
    "韩",
)
# Community (statistical code) → the GB/T 2260 code its residents' IDs mostly carry.
COMMUNITIES = {
    "152201001001": "152201",
    "152201001002": "152201",
    "152201002001": "152201",
    "152221101200": "152221",
}
COMMON_TAGS = ("social_assistance", "disabled", "veteran", "left_behind_elder")
SENSITIVE_TAGS = ("mental_disorder", "released_prisoner")


@dataclass
class DemoResidentsResult:
    households: int = 0
    residents: int = 0
    skipped: int = 0
    communities: list[str] = field(default_factory=list)


def _name(rng: random.Random, sex: str, ethnicity: str) -> str:
    given = rng.choice(GIVEN_NAMES[(ethnicity, sex)])
    return given if ethnicity == MONGOL else rng.choice(SURNAMES) + given


def _birth(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randrange(low * 365 + 1, high * 365))


def create_demo_residents(n: int = 60, seed: int = 0) -> DemoResidentsResult:
    """Register about ``n`` synthetic residents in the demo communities (idempotent)."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    today = timezone.localdate()
    result = DemoResidentsResult()
    regions = {r.code: r for r in Region.objects.filter(code__in=list(COMMUNITIES))}
    communities = [
        regions[code]
        for code in COMMUNITIES
        if code in regions
        and (not code.startswith("152221") or Grid.objects.filter(community=regions[code]).exists())
    ]
    if not communities:
        return result
    result.communities = [c.region_code for c in communities]
    tags = {t.code: t for t in Tag.objects.filter(is_active=True)}
    made = 0
    index = 0
    while made < n:
        index += 1
        community = communities[index % len(communities)]
        size = rng.choices((1, 2, 3, 4), weights=(15, 35, 30, 20))[0]
        size = min(size, n - made) or 1
        if index == 1:
            size = max(size, 3)  # the first family has a child under 14
        ethnicity = MONGOL if rng.random() < MONGOL_SHARE else HAN
        address_code = COMMUNITIES[community.code]
        members = _plan_household(rng, today, size, ethnicity, young_child=index == 1)
        number = f"{community.region_code}-D{index:03d}"
        made += len(members)
        if Household.objects.filter(number=number).exists():
            result.skipped += 1
            continue
        buildings = list(Building.objects.within(community.region_code).order_by("region_code"))
        building = rng.choice(buildings) if buildings else None
        with transaction.atomic():
            household = do_register_household(
                community=community,
                number=number,
                building=building,
                room=f"{rng.randrange(1, 7)}0{rng.randrange(1, 5)}" if building else "",
                address=building.compound.address if building else community.name,
                actor=None,
            )
            result.households += 1
            for relationship, sex, birth, member_ethnicity in members:
                chosen = []
                if size == 1 and (today - birth).days > 65 * 365:
                    chosen.append(tags["elder_living_alone"])
                if rng.random() < 0.12:
                    chosen.append(tags[rng.choice(COMMON_TAGS)])
                if rng.random() < 0.03:
                    chosen.append(tags[rng.choice(SENSITIVE_TAGS)])
                migrant = rng.random() < 0.08
                do_register_resident(
                    household=household,
                    relationship=relationship,
                    name=_name(rng, sex, member_ethnicity),
                    id_number=generate_citizen_id(
                        rng,
                        address_code="152222" if migrant else address_code,
                        birth_date=birth,
                        sex=sex,
                    ),
                    ethnicity=member_ethnicity,
                    phone=f"13{rng.randrange(10**9):09d}" if rng.random() < 0.7 else "",
                    registered_region_code="152222" if migrant else address_code,
                    residence_situation=(
                        ResidenceSituation.MIGRANT if migrant else ResidenceSituation.CONSISTENT
                    ),
                    moved_in_on=(
                        max(birth, today - timedelta(days=rng.randrange(30, 3650)))
                        if migrant
                        else None
                    ),
                    is_local_resident=not migrant,
                    tags=chosen,
                    actor=None,
                )
                result.residents += 1
    return result


def _plan_household(
    rng: random.Random, today: date, size: int, ethnicity: str, *, young_child: bool
) -> list[tuple[str, str, date, str]]:
    """(relationship, sex, birth date, ethnicity) of each member, householder first."""
    head_sex = rng.choice(("1", "2"))
    head_birth = _birth(rng, today, 30 if size > 2 else 25, 85 if size < 3 else 60)
    members = [(HOUSEHOLDER, head_sex, head_birth, ethnicity)]
    if size >= 2:
        spouse_sex = "2" if head_sex == "1" else "1"
        spouse_ethnicity = (
            ethnicity if rng.random() < 0.8 else (HAN if ethnicity == MONGOL else MONGOL)
        )
        spouse_birth = head_birth + timedelta(days=rng.randrange(-5 * 365, 5 * 365))
        members.append((SPOUSE, spouse_sex, min(spouse_birth, today), spouse_ethnicity))
    for child in range(size - 2):
        sex = rng.choice(("1", "2"))
        if young_child and child == 0:
            birth = _birth(rng, today, 6, 10)
        else:
            earliest = head_birth + timedelta(days=20 * 365)
            span = max((today - earliest).days, 366)
            birth = earliest + timedelta(days=rng.randrange(1, min(span, 20 * 365)))
        members.append((SON if sex == "1" else DAUGHTER, sex, min(birth, today), ethnicity))
    return members
