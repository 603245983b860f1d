"""Scoped reads of the division tree, grids, compounds and buildings.

Every function takes the acting user and sees only their jurisdiction (DESIGN rule 2);
``access_*`` return the object or raise 404 outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.scoping import access, contains, scope_of
from gongzhi.policy.queries import policy_value
from gongzhi.policy.registry import Threshold
from gongzhi.regions.models import (
    CODE_LENGTH,
    Building,
    Compound,
    Grid,
    Level,
    ManagementMode,
    Region,
)
from gongzhi.regions.policies import COMMITTEE_OCCUPANCY

SEARCH_PAGE_SIZE = 20


def scope_summary(user: Any) -> dict[str, Any]:
    """The region the user acts in and how many places of each level lie inside it."""
    scope = scope_of(user)
    region = Region.objects.filter(region_code=scope).first()
    regions = Region.objects.within(scope).filter(is_active=True)
    counts = [
        (_("旗县市"), regions.filter(level=Level.COUNTY).count()),
        (_("苏木乡镇街道"), regions.filter(level=Level.TOWNSHIP).count()),
        (_("嘎查村社区"), regions.filter(level=Level.COMMUNITY).count()),
        (_("网格"), Grid.objects.within(scope).count()),
        (_("小区"), Compound.objects.within(scope).count()),
        (_("楼栋"), Building.objects.within(scope).count()),
    ]
    return {"region": region, "counts": counts}


# --- Fetching one place ----------------------------------------------------------------


def access_region(user: Any, code: str) -> Region:
    """A division by its 12-digit statistical code or its short region code; 404 outside scope."""
    if not code.isdigit():
        raise Http404
    return access(Region.objects.filter(Q(code=code) | Q(region_code=code)), user)


def access_grid(user: Any, code: str) -> Grid:
    return access(Grid.objects.select_related("community", "head"), user, region_code=code)


def access_compound(user: Any, code: str) -> Compound:
    return access(
        Compound.objects.select_related("grid", "grid__community", "committee_region"),
        user,
        region_code=code,
    )


def access_building(user: Any, code: str) -> Building:
    return access(
        Building.objects.select_related("compound", "compound__grid"), user, region_code=code
    )


# --- Lists -----------------------------------------------------------------------------


@dataclass
class ChildRow:
    """A division below the one shown, with what lies inside it."""

    region: Region
    subdivisions: int
    grids: int
    compounds: int
    buildings: int


def _counts_by_prefix(queryset: QuerySet[Any], length: int) -> dict[str, int]:
    rows = (
        queryset.annotate(prefix=Substr("region_code", 1, length))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def children_of(user: Any, region: Region) -> list[ChildRow]:
    """The active divisions directly below ``region`` inside the user's jurisdiction, with
    counts of their own sub-divisions, grids, compounds and buildings.

    Five queries whatever the number of children: the children, then one grouped count
    per kind of place (grouped by the children's code prefix).
    """
    scope = scope_of(user)
    if not contains(scope, region.region_code) or region.level >= Level.COMMUNITY:
        return []
    children = list(
        Region.objects.within(scope).filter(parent=region, is_active=True).order_by("code")
    )
    if not children:
        return []
    length = CODE_LENGTH[region.level + 1]
    subdivisions = {
        row["parent_id"]: row["n"]
        for row in Region.objects.filter(parent__in=children, is_active=True)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    grids = _counts_by_prefix(Grid.objects.within(region.region_code), length)
    compounds = _counts_by_prefix(Compound.objects.within(region.region_code), length)
    buildings = _counts_by_prefix(Building.objects.within(region.region_code), length)
    return [
        ChildRow(
            region=child,
            subdivisions=subdivisions.get(child.pk, 0),
            grids=grids.get(child.region_code, 0),
            compounds=compounds.get(child.region_code, 0),
            buildings=buildings.get(child.region_code, 0),
        )
        for child in children
    ]


def grids_of(user: Any, community: Region) -> QuerySet[Grid]:
    """A community's grids with their head, workers and counts of compounds and buildings."""
    return (
        Grid.objects.for_user(user)
        .filter(community=community)
        .select_related("head")
        .prefetch_related("workers")
        .annotate(
            compound_count=Count("compounds", distinct=True),
            building_count=Count("compounds__buildings", distinct=True),
        )
        .order_by("region_code")
    )


def compounds_of(user: Any, grid: Grid) -> QuerySet[Compound]:
    """A grid's compounds with who looks after them and their number of buildings."""
    return (
        Compound.objects.for_user(user)
        .filter(grid=grid)
        .select_related("committee_region")
        .annotate(building_count=Count("buildings"))
        .order_by("region_code")
    )


def buildings_of(user: Any, compound: Compound) -> QuerySet[Building]:
    return Building.objects.for_user(user).filter(compound=compound).order_by("region_code")


def committee_occupancy(region_code: str) -> Threshold:
    """R2.3b: the occupancy at which a new compound must form its own residents' committee
    (50 % in the league's policy), from the rules store."""
    value = policy_value(COMMITTEE_OCCUPANCY, region_code).value
    assert isinstance(value, Threshold)
    return value


def needs_own_committee(compound: Compound, threshold: Threshold | None = None) -> bool:
    """R2.3b: occupancy has reached the threshold and no committee of its own runs it yet.
    ``threshold`` is ``committee_occupancy`` of the compound's place, read once per page."""
    threshold = threshold or committee_occupancy(compound.region_code)
    return (
        compound.total_units > 0
        and threshold.met(compound.occupied_units, compound.total_units)
        and compound.management_mode != ManagementMode.OWN_COMMITTEE
    )


def search_regions(user: Any, q: str, page: int | str = 1) -> Page[Region]:
    """Divisions inside the user's jurisdiction whose name contains ``q``, whose pinyin or
    pinyin initials contain it (case-insensitive), or whose code starts with it."""
    q = (q or "").strip()
    regions = Region.objects.for_user(user)
    if not q:
        matches = regions.none()
    else:
        condition = Q(name__icontains=q)
        letters = "".join(q.split()).lower()
        if letters.isascii() and letters.isalpha():
            condition |= Q(name_pinyin__contains=letters) | Q(name_initials__contains=letters)
        if q.isdigit():
            condition |= Q(code__startswith=q) | Q(region_code__startswith=q)
        matches = (
            regions.filter(condition)
            .select_related("parent")
            .order_by("-is_active", "level", "code")
        )
    return Paginator(matches, SEARCH_PAGE_SIZE).get_page(page)


# --- Where a place sits ----------------------------------------------------------------


def _ancestor_codes(region_code: str) -> list[str]:
    lengths = [n for n in CODE_LENGTH.values() if n < len(region_code)]
    return [region_code[:n] for n in lengths]


def breadcrumb(user: Any, place: Region | Grid | Compound | Building) -> list[dict[str, str]]:
    """From the league down to ``place``; only the steps inside the jurisdiction link.

    One query for the divisions above the place, whatever its depth.
    """
    scope = scope_of(user)
    chain: list[tuple[str, str, str]] = []  # (region_code, label, url)
    divisions = {
        r.region_code: r
        for r in Region.objects.filter(region_code__in=_ancestor_codes(place.region_code)).only(
            "region_code", "name"
        )
    }
    for code in _ancestor_codes(place.region_code):
        division = divisions.get(code)
        if division is not None:
            chain.append((code, division.name, reverse("regions:region_detail", args=[code])))
    if isinstance(place, Region):
        chain.append(
            (
                place.region_code,
                place.name,
                reverse("regions:region_detail", args=[place.region_code]),
            )
        )
    else:
        grid = place if isinstance(place, Grid) else None
        compound = place if isinstance(place, Compound) else None
        if isinstance(place, Building):
            compound = place.compound
        if compound is not None:
            grid = compound.grid
        if grid is not None:
            chain.append(
                (
                    grid.region_code,
                    grid.name,
                    reverse("regions:grid_detail", args=[grid.region_code]),
                )
            )
        if compound is not None:
            chain.append(
                (
                    compound.region_code,
                    compound.name,
                    reverse("regions:compound_detail", args=[compound.region_code]),
                )
            )
        if isinstance(place, Building):
            chain.append((place.region_code, place.name, ""))
    return [
        {"label": label, "url": url if contains(scope, code) else ""} for code, label, url in chain
    ]
