"""Writes to grids, compounds and buildings.

Each action is atomic, checks the named permission on the place it writes into, keeps
the code invariants (a child's code is its parent's code plus three digits), and records
one ledger event as its last write. ``actor=None`` is the command line or the demo
loader, outside the web's permission model but still written to the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role, User
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.geo import parse_boundary, to_geojson
from gongzhi.regions.models import (
    CHILD_CODE_DIGITS,
    Building,
    Compound,
    Grid,
    Level,
    ManagementMode,
    Region,
)

MAX_FLOORS = 200

Place = TypeVar("Place", Grid, Compound, Building)


def _clean_name(name: str, field: str = "name", max_length: int = 100) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: _("名称不能为空")})
    if len(name) > max_length:
        raise ValidationError({field: _("名称不能超过 %(n)d 个字") % {"n": max_length}})
    return name


def _child_code(parent_code: str, code: str | None, field: str = "code") -> str | None:
    """Normalise a requested code: three digits, or the full code under ``parent_code``."""
    if code is None or code == "":
        return None
    code = code.strip()
    if len(code) == CHILD_CODE_DIGITS and code.isdigit() and code != "000":
        return parent_code + code
    if (
        len(code) == len(parent_code) + CHILD_CODE_DIGITS
        and code.isdigit()
        and code.startswith(parent_code)
        and not code.endswith("000")
    ):
        return code
    raise ValidationError(
        {
            field: _("编码须为 3 位数字（001–999），或以 %(parent)s 开头再加 3 位数字")
            % {"parent": parent_code}
        }
    )


def _next_code(model: type[Grid] | type[Compound] | type[Building], parent_code: str) -> str:
    """The next three-digit suffix after the highest under ``parent_code``.

    Call with the parent row locked. Each table holds one level, so every code under
    the prefix is a direct child.
    """
    last = model.objects.within(parent_code).aggregate(last=Max("region_code"))["last"]
    number = int(last[-CHILD_CODE_DIGITS:]) + 1 if last else 1
    if number >= 10**CHILD_CODE_DIGITS:
        raise ValidationError({"code": _("编码已用完（最多 999 个）")})
    return f"{parent_code}{number:0{CHILD_CODE_DIGITS}d}"


def _child_to_save(
    model: type[Place], parent: Region | Grid | Compound, parent_field: str, code: str | None
) -> tuple[Place, bool]:
    """The child of ``parent`` with ``code`` to update, or a new unsaved one with that code or
    the next free one; ``True`` when it is new.

    Locks the parent row first, so two concurrent saves cannot take the same new code.
    """
    type(parent).objects.select_for_update().filter(pk=parent.pk).first()
    wanted = _child_code(parent.region_code, code)
    child = model.objects.filter(region_code=wanted).first() if wanted else None
    if child is not None:
        return child, False
    new_code = wanted or _next_code(model, parent.region_code)
    return model(**{parent_field: parent, "region_code": new_code}), True


def _check_grid_worker(user: User, community: Region, field: str) -> None:
    if not user.has_role(Role.GRID_WORKER):
        raise ValidationError({field: _("%(name)s 不是网格员") % {"name": user}})
    if not user.region_code or not contains(community.region_code, user.region_code):
        raise ValidationError(
            {
                field: _("%(name)s 不在%(community)s工作")
                % {"name": user, "community": community.name}
            }
        )


@transaction.atomic
def do_save_grid(
    community: Region,
    *,
    name: str,
    boundary: dict[str, Any] | None,
    code: str | None = None,
    head: User | None = None,
    workers: Iterable[User] = (),
    actor: User | None,
    request: Any = None,
) -> Grid:
    """Create a grid in ``community``, or update the grid with ``code`` there.

    Locks the community row while choosing a new code, so two concurrent saves cannot
    take the same one. R2.3c: every grid belongs to one committee's community.
    """
    _require(actor, "regions.change_grid", community)
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("网格只能设在嘎查村社区一级")})
    if not community.is_active:
        raise ValidationError({"community": _("%(name)s 已停用") % {"name": community.name}})
    name = _clean_name(name)
    geometry = parse_boundary(boundary) if boundary is not None else None
    workers = list(workers)
    if head is not None:
        _check_grid_worker(head, community, "head")
    for worker in workers:
        _check_grid_worker(worker, community, "workers")

    grid, created = _child_to_save(Grid, community, "community", code)
    if Grid.objects.filter(community=community, name=name).exclude(pk=grid.pk).exists():
        raise ValidationError({"name": _("本社区已有名为“%(name)s”的网格") % {"name": name}})
    before = {"name": grid.name, "head": grid.head_id} if not created else {}
    grid.name = name
    grid.head = head
    if geometry is not None:
        grid.boundary = to_geojson(geometry)
        grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat = geometry.bounds
    else:
        grid.boundary = None
        grid.min_lon = grid.min_lat = grid.max_lon = grid.max_lat = None
    grid.save()
    grid.workers.set(workers)
    record_event(
        EventType.GRID_SAVED,
        actor=actor,
        obj=grid,
        summary={
            "created": created,
            "name": name,
            "before": before,
            "head": head.username if head else None,
            "workers": sorted(w.username for w in workers),
            "has_boundary": geometry is not None,
        },
        request=request,
    )
    return grid


def _check_point(lon: float | None, lat: float | None) -> None:
    if (lon is None) != (lat is None):
        raise ValidationError({"lon": _("经度和纬度须同时填写或同时留空")})
    if lon is None or lat is None:
        return
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise ValidationError({"lon": _("经度须在 −180～180 之间")})
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise ValidationError({"lat": _("纬度须在 −90～90 之间")})


@transaction.atomic
def do_save_compound(
    grid: Grid,
    *,
    name: str,
    address: str = "",
    total_units: int,
    occupied_units: int,
    committee_region: Region,
    management_mode: str = ManagementMode.OWN_COMMITTEE,
    lon: float | None = None,
    lat: float | None = None,
    code: str | None = None,
    actor: User | None,
    request: Any = None,
) -> Compound:
    """Create a compound in ``grid``, or update the compound with ``code`` there.

    R2.3b: records occupancy and the committee that runs or looks after the compound.
    Locks the grid row while choosing a new code.
    """
    _require(actor, "regions.change_compound", grid)
    name = _clean_name(name)
    address = (address or "").strip()
    if len(address) > 200:
        raise ValidationError({"address": _("地址不能超过 200 个字")})
    if total_units < 0:
        raise ValidationError({"total_units": _("总户数不能为负数")})
    if occupied_units < 0:
        raise ValidationError({"occupied_units": _("入住户数不能为负数")})
    if occupied_units > total_units:
        raise ValidationError({"occupied_units": _("入住户数不能多于总户数")})
    if management_mode not in ManagementMode.values:
        raise ValidationError({"management_mode": _("管理方式无效")})
    if committee_region.level != Level.COMMUNITY or not committee_region.is_active:
        raise ValidationError({"committee_region": _("管理居委会须为有效的嘎查村社区")})
    if management_mode == ManagementMode.NEIGHBOUR_COMMITTEE:
        if committee_region.pk == grid.community_id:
            raise ValidationError(
                {"committee_region": _("相邻居委会代管时，须选择另一个社区的居委会")}
            )
    elif committee_region.pk != grid.community_id:
        raise ValidationError(
            {"committee_region": _("本社区居委会管理或居民小组代管时，管理居委会须为网格所在社区")}
        )
    _check_point(lon, lat)

    compound, created = _child_to_save(Compound, grid, "grid", code)
    before = (
        {"total_units": compound.total_units, "occupied_units": compound.occupied_units}
        if not created
        else {}
    )
    compound.name = name
    compound.address = address
    compound.total_units = total_units
    compound.occupied_units = occupied_units
    compound.committee_region = committee_region
    compound.management_mode = management_mode
    compound.lon, compound.lat = lon, lat
    compound.save()
    record_event(
        EventType.COMPOUND_SAVED,
        actor=actor,
        obj=compound,
        summary={
            "created": created,
            "name": name,
            "before": before,
            "total_units": total_units,
            "occupied_units": occupied_units,
            "management_mode": management_mode,
            "committee_region": committee_region.region_code,
        },
        request=request,
    )
    return compound


@transaction.atomic
def do_save_building(
    compound: Compound,
    *,
    name: str,
    floors: int | None = None,
    units: int = 0,
    code: str | None = None,
    actor: User | None,
    request: Any = None,
) -> Building:
    """Create a building in ``compound``, or update the building with ``code`` there.

    Locks the compound row while choosing a new code.
    """
    _require(actor, "regions.change_building", compound)
    name = _clean_name(name, max_length=50)
    if floors is not None and not 1 <= floors <= MAX_FLOORS:
        raise ValidationError({"floors": _("层数须在 1～%(n)d 之间") % {"n": MAX_FLOORS}})
    if units < 0:
        raise ValidationError({"units": _("户数不能为负数")})

    building, created = _child_to_save(Building, compound, "compound", code)
    if Building.objects.filter(compound=compound, name=name).exclude(pk=building.pk).exists():
        raise ValidationError({"name": _("本小区已有名为“%(name)s”的楼栋") % {"name": name}})
    building.name = name
    building.floors = floors
    building.units = units
    building.save()
    record_event(
        EventType.BUILDING_SAVED,
        actor=actor,
        obj=building,
        summary={"created": created, "name": name, "floors": floors, "units": units},
        request=request,
    )
    return building
