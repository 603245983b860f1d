"""The demo grids, compounds and buildings."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from gongzhi.regions.demo import create_demo_places
from gongzhi.regions.geo import locate_point
from gongzhi.regions.models import Building, Compound, Grid
from gongzhi.regions.queries import needs_own_committee

pytestmark = pytest.mark.django_db


class TestDemoPlaces:
    def test_it_creates_grids_compounds_and_buildings_once(self, regions: None) -> None:
        first = create_demo_places()
        assert first["grids"] == Grid.objects.count() >= 8
        assert first["compounds"] == Compound.objects.count()
        assert first["buildings"] == Building.objects.count()
        second = create_demo_places()
        assert (second["grids"], second["compounds"], second["buildings"]) == (0, 0, 0)
        assert Grid.objects.count() == first["grids"]

    def test_grids_do_not_overlap_and_each_compound_lies_in_its_grid(self, regions: None) -> None:
        create_demo_places()
        shapes = [shape(grid.boundary) for grid in Grid.objects.all()]
        for i, one in enumerate(shapes):
            for other in shapes[i + 1 :]:
                assert one.intersection(other).area < 1e-12
        for compound in Compound.objects.select_related("grid"):
            assert compound.lon is not None and compound.lat is not None
            assert locate_point(compound.lon, compound.lat) == compound.grid

    def test_one_compound_shows_the_r2_3b_flag(self, regions: None) -> None:
        create_demo_places()
        flagged = [c.name for c in Compound.objects.all() if needs_own_committee(c)]
        assert flagged == ["春阳新城"]
