"""Region endpoints of the REST API (``/api/v1/regions/…``).

Both read through ``regions.queries``, so a division outside the caller's jurisdiction
answers 404 exactly like one that does not exist. Codes may be the 12-digit statistical
code (``152201001001``) or the short region code (``152201001001``, ``152201``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gongzhi.api.errors import errors
from gongzhi.api.pagination import LimitOffsetPagination
from gongzhi.regions.models import Building, Compound, Grid, Level, Region
from gongzhi.regions.queries import access_region, children_of

router = Router(tags=["区划"])


class RegionCounts(Schema):
    subdivisions: int = Field(description="下一级区划数")
    grids: int = Field(description="网格数")
    compounds: int = Field(description="小区数")
    buildings: int = Field(description="楼栋数")


class RegionOut(Schema):
    """行政区划"""

    code: str = Field(description="统计用区划代码（12 位）")
    region_code: str = Field(description="辖区编码（按层级截短的代码，用于辖区范围）")
    name: str
    level: int = Field(description="层级：1 盟，2 旗县市，3 苏木乡镇街道，4 嘎查村社区")
    level_label: str
    parent_code: str = Field(description="上级区划的统计用区划代码")
    parent_region_code: str | None = Field(description="上级区划的辖区编码")
    is_active: bool
    counts: RegionCounts


class RegionChildOut(Schema):
    """下级区划"""

    code: str
    region_code: str
    name: str
    level: int
    level_label: str
    is_active: bool
    counts: RegionCounts


def _level_label(level: int) -> str:
    return str(Level(level).label)


def region_counts(region: Region) -> RegionCounts:
    """What lies inside a division; each count is one range scan on an indexed code."""
    return RegionCounts(
        subdivisions=Region.objects.filter(parent=region, is_active=True).count(),
        grids=Grid.objects.within(region.region_code).count(),
        compounds=Compound.objects.within(region.region_code).count(),
        buildings=Building.objects.within(region.region_code).count(),
    )


@router.get(
    "/{code}",
    response={200: RegionOut, **errors(401, 404)},
    summary="查看区划",
    description="按 12 位统计用区划代码或辖区编码查看一个区划及其下属数量；辖区外的区划返回 404。",
)
def get_region(request: HttpRequest, code: str) -> dict[str, Any]:
    region = access_region(request.user, code)
    parent = region.parent
    return {
        "code": region.code,
        "region_code": region.region_code,
        "name": region.name,
        "level": region.level,
        "level_label": _level_label(region.level),
        "parent_code": region.parent_code,
        "parent_region_code": parent.region_code if parent is not None else None,
        "is_active": region.is_active,
        "counts": region_counts(region),
    }


@router.get(
    "/{code}/children",
    response={200: list[RegionChildOut], **errors(401, 404, 422)},
    summary="下级区划列表",
    description="一个区划的直接下级（分页），每项带其下属区划、网格、小区、楼栋数量。",
)
@paginate(LimitOffsetPagination)
def list_children(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region(request.user, code)
    return [
        {
            "code": row.region.code,
            "region_code": row.region.region_code,
            "name": row.region.name,
            "level": row.region.level,
            "level_label": _level_label(row.region.level),
            "is_active": row.region.is_active,
            "counts": {
                "subdivisions": row.subdivisions,
                "grids": row.grids,
                "compounds": row.compounds,
                "buildings": row.buildings,
            },
        }
        for row in children_of(request.user, region)
    ]
