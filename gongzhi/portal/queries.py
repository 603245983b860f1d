"""What the portal reads about the person using it. Reads only; every lookup is of the
logged-in account itself, never of an id taken from the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongzhi.regions import queries as region_queries
from gongzhi.regions.models import Level, Region


@dataclass
class HomePlace:
    """The division an account belongs to, and the divisions above it, for display."""

    region: Region
    is_community: bool
    above: list[str]  # names from the township (or county) up, nearest first


def home_place(user: Any) -> HomePlace | None:
    """The account's community (or, for staff, their region), or None when logged out."""
    if not getattr(user, "is_authenticated", False) or user.region is None:
        return None
    region = user.region
    crumbs = region_queries.breadcrumb(user, region)
    # Leave out the place itself and the league: a resident knows their league.
    above = [crumb["label"] for crumb in crumbs[1:-1]][::-1]
    return HomePlace(region=region, is_community=region.level == Level.COMMUNITY, above=above)
