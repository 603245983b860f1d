"""Scoped reads of the division tree, grids, compounds and buildings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.scoping import scope_of
from gongzhi.regions.models import Building, Compound, Grid, Level, Region


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
