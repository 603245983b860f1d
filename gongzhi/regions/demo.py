"""A small, plausible set of grids, compounds and buildings for the demo and screenshots.

Three communities of 乌兰浩特市 and one gacha of 科尔沁右翼前旗, each cut into a few
grids whose quadrilaterals tile a box near the real place, with compounds and
buildings. One compound in 春阳社区 is 65% occupied and still looked after by the
neighbouring 万佳社区 committee, so the R2.3b flag has something to show.

Everything is written through the actions (actor None), so the ledger records it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import pairwise

from gongzhi.accounts.models import Role, User
from gongzhi.regions.actions import do_save_building, do_save_compound, do_save_grid
from gongzhi.regions.models import Grid, ManagementMode, Region


@dataclass(frozen=True)
class CompoundPlan:
    name: str
    address: str
    total_units: int
    occupied_units: int
    buildings: int
    floors: int
    mode: str = ManagementMode.OWN_COMMITTEE
    # The community whose committee looks after it, when that is not its own.
    committee_code: str | None = None


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    # (min_lon, min_lat, max_lon, max_lat) of the area the grids tile.
    box: tuple[float, float, float, float]
    grids: list[tuple[str, list[CompoundPlan]]] = field(default_factory=list)


OWN = ManagementMode.OWN_COMMITTEE
NEIGHBOUR = ManagementMode.NEIGHBOUR_COMMITTEE
GROUP = ManagementMode.RESIDENTS_GROUP

PLANS = [
    CommunityPlan(
        "152201001001",  # 万佳社区居委会, 爱国街道
        (122.0500, 46.0820, 122.0800, 46.0890),
        [
            (
                "万佳第一网格",
                [
                    CompoundPlan("万佳小区", "爱国街道兴安南大路 18 号", 336, 318, 6, 6),
                    CompoundPlan("金泰园", "爱国街道五一南街 7 号", 180, 171, 3, 6),
                ],
            ),
            ("万佳第二网格", [CompoundPlan("兴安家园", "爱国街道新桥东街 22 号", 420, 389, 5, 11)]),
            (
                "万佳第三网格",
                [CompoundPlan("洮儿河畔家园", "爱国街道滨河北路 3 号", 288, 101, 4, 18, GROUP)],
            ),
        ],
    ),
    CommunityPlan(
        "152201001002",  # 春阳社区居委会, 爱国街道
        (122.0800, 46.0820, 122.1000, 46.0890),
        [
            ("春阳第一网格", [CompoundPlan("春阳小区", "爱国街道春阳路 11 号", 240, 226, 4, 6)]),
            (
                "春阳第二网格",
                [
                    # R2.3b: 65% occupied, no committee of its own yet.
                    CompoundPlan(
                        "春阳新城",
                        "爱国街道春阳路 66 号",
                        480,
                        312,
                        6,
                        18,
                        NEIGHBOUR,
                        "152201001001",
                    ),
                    CompoundPlan("阳光花园", "爱国街道阳光街 5 号", 160, 150, 2, 7),
                ],
            ),
        ],
    ),
    CommunityPlan(
        "152201002001",  # 红云社区居委会, 和平街道
        (122.0600, 46.0660, 122.1000, 46.0730),
        [
            ("红云第一网格", [CompoundPlan("红云小区", "和平街道红云街 9 号", 216, 205, 4, 6)]),
            ("红云第二网格", [CompoundPlan("和平小区", "和平街道和平路 31 号", 192, 180, 4, 5)]),
            ("红云第三网格", [CompoundPlan("天骄花园", "和平街道天骄路 2 号", 360, 330, 5, 12)]),
            ("红云第四网格", [CompoundPlan("都林嘉苑", "和平街道都林街 15 号", 264, 238, 4, 11)]),
        ],
    ),
    CommunityPlan(
        "152221101200",  # 联兴嘎查, 索伦镇, 科尔沁右翼前旗
        (121.1800, 46.5800, 121.2600, 46.6100),
        [
            ("联兴嘎查第一网格", [CompoundPlan("联兴牧民新村", "索伦镇联兴嘎查", 96, 88, 8, 1)]),
            (
                "联兴嘎查第二网格",
                [CompoundPlan("联兴嘎查居民点", "索伦镇联兴嘎查南", 64, 57, 6, 1)],
            ),
        ],
    ),
]


def _strips(
    box: tuple[float, float, float, float], count: int, rng: random.Random
) -> list[list[list[float]]]:
    """Cut ``box`` into ``count`` quadrilaterals side by side.

    The cut lines are jittered and the top and bottom edges tilted the same way for every
    strip, so neighbours share their edge exactly and never overlap.
    """
    min_lon, min_lat, max_lon, max_lat = box
    width = (max_lon - min_lon) / count
    cuts = (
        [min_lon]
        + [min_lon + width * i + rng.uniform(-0.2, 0.2) * width for i in range(1, count)]
        + [max_lon]
    )
    tilt = rng.uniform(-0.08, 0.08)
    height = max_lat - min_lat

    def bottom(lon: float) -> float:
        return min_lat + tilt * (lon - min_lon)

    def top(lon: float) -> float:
        return min_lat + height * 0.97 + tilt * (lon - min_lon)

    rings = []
    for left, right in pairwise(cuts):
        ring = [
            [left, bottom(left)],
            [right, bottom(right)],
            [right, top(right)],
            [left, top(left)],
            [left, bottom(left)],
        ]
        rings.append([[round(lon, 6), round(lat, 6)] for lon, lat in ring])
    return rings


def create_demo_places(seed: int = 0) -> dict[str, int]:
    """Create the demo grids, compounds and buildings; communities that already have grids
    are left alone, so running it again adds nothing."""
    rng = random.Random(seed)  # noqa: S311  (layout jitter, not security)
    created = {"grids": 0, "compounds": 0, "buildings": 0, "skipped": 0}
    regions = {r.code: r for r in Region.objects.filter(code__in=[p.code for p in PLANS])}
    for plan in PLANS:
        community = regions.get(plan.code)
        rings = _strips(plan.box, len(plan.grids), rng)
        if community is None or Grid.objects.filter(community=community).exists():
            created["skipped"] += 1
            continue
        workers = list(
            User.objects.filter(
                region_code=community.region_code,
                role_grants__role=Role.GRID_WORKER,
                is_active=True,
            ).order_by("username")
        )
        for index, ((grid_name, compounds), ring) in enumerate(zip(plan.grids, rings, strict=True)):
            head = workers[index] if index < len(workers) else None
            grid = do_save_grid(
                community,
                name=grid_name,
                boundary={"type": "Polygon", "coordinates": [ring]},
                head=head,
                workers=[head] if head else [],
                actor=None,
            )
            created["grids"] += 1
            (left, low), (right, _low), (_r, high) = ring[0], ring[1], ring[2]
            for number, compound_plan in enumerate(compounds, start=1):
                # Spread the compounds along the strip's middle, inside its boundary.
                share = number / (len(compounds) + 1)
                committee = (
                    Region.objects.get(code=compound_plan.committee_code)
                    if compound_plan.committee_code
                    else community
                )
                compound = do_save_compound(
                    grid,
                    name=compound_plan.name,
                    address=compound_plan.address,
                    total_units=compound_plan.total_units,
                    occupied_units=compound_plan.occupied_units,
                    committee_region=committee,
                    management_mode=compound_plan.mode,
                    lon=round(left + (right - left) * (0.35 + 0.3 * rng.random()), 6),
                    lat=round(low + (high - low) * share, 6),
                    actor=None,
                )
                created["compounds"] += 1
                per_building, extra = divmod(compound_plan.total_units, compound_plan.buildings)
                for b in range(compound_plan.buildings):
                    do_save_building(
                        compound,
                        name=f"{b + 1}号楼",
                        floors=compound_plan.floors,
                        units=per_building + (1 if b < extra else 0),
                        actor=None,
                    )
                    created["buildings"] += 1
    return created
