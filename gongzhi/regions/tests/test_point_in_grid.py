"""Placing a WGS84 point in its grid (R3.1e: events are placed by polygon lookup)."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import shape

from conftest import COMMUNITY_A, COMMUNITY_B
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.geo import GridIndex, locate_point, locate_points
from gongzhi.regions.models import Region

from .helpers import BOX_A, BOX_B, rectangle

DONUT = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[20, 0], [22, 0], [22, 2], [20, 2], [20, 0]]],
        [[[30, 0], [32, 0], [32, 2], [30, 2], [30, 0]]],
    ],
}


class TestGridIndex:
    def index(self) -> GridIndex:
        return GridIndex.from_geojson(
            [
                ("donut", DONUT),
                ("islands", TWO_ISLANDS),
                ("east", rectangle(10, 0, 12, 10)),
            ]
        )

    def test_it_finds_the_polygon_around_a_point(self) -> None:
        assert self.index().locate(1, 1) == "donut"

    def test_a_point_outside_every_polygon_has_no_grid(self) -> None:
        assert self.index().locate(50, 50) is None
        assert self.index().locate(25, 1) is None  # between the islands

    def test_a_point_in_a_hole_is_not_in_the_polygon(self) -> None:
        assert self.index().locate(5, 5) is None
        assert self.index().locate(3.9, 5) == "donut"

    def test_each_part_of_a_multipolygon_counts(self) -> None:
        assert self.index().locate(21, 1) == "islands"
        assert self.index().locate(31, 1) == "islands"

    def test_a_point_on_a_shared_edge_goes_to_the_lower_code(self) -> None:
        assert self.index().locate(10, 5) == "donut"

    def test_a_batch_gives_one_answer_per_point_in_order(self) -> None:
        points = np.array([[1, 1], [5, 5], [31, 1], [11, 5], [99, 99]])
        assert self.index().locate_many(points) == ["donut", None, "islands", "east", None]

    def test_an_empty_index_finds_nothing(self) -> None:
        assert GridIndex([]).locate_many([[1, 1], [2, 2]]) == [None, None]

    def test_it_can_be_built_from_shapely_geometries(self) -> None:
        index = GridIndex([("a", shape(rectangle(0, 0, 1, 1)))])
        assert index.locate(0.5, 0.5) == "a"
        assert len(index) == 1


@pytest.mark.django_db
class TestLocatePoint:
    def test_it_returns_the_grid_covering_the_point(self, regions: None) -> None:
        grid = do_save_grid(
            Region.objects.get(region_code=COMMUNITY_A),
            name="第一网格",
            boundary=rectangle(*BOX_A),
            actor=None,
        )
        assert locate_point(122.055, 46.085) == grid
        assert locate_point(121.0, 45.0) is None

    def test_the_index_sees_a_grid_saved_after_it_was_built(self, regions: None) -> None:
        community_a = Region.objects.get(region_code=COMMUNITY_A)
        first = do_save_grid(community_a, name="第一网格", boundary=rectangle(*BOX_A), actor=None)
        assert locate_points([[122.055, 46.085], [122.085, 46.07]]) == [first.region_code, None]

        second = do_save_grid(
            Region.objects.get(region_code=COMMUNITY_B),
            name="红云第一网格",
            boundary=rectangle(*BOX_B),
            actor=None,
        )
        assert locate_points([[122.055, 46.085], [122.085, 46.07]]) == [
            first.region_code,
            second.region_code,
        ]

    def test_the_index_follows_a_redrawn_boundary(self, regions: None) -> None:
        community_a = Region.objects.get(region_code=COMMUNITY_A)
        grid = do_save_grid(community_a, name="第一网格", boundary=rectangle(*BOX_A), actor=None)
        assert locate_point(122.075, 46.085) is None
        do_save_grid(
            community_a,
            name="第一网格",
            code=grid.region_code,
            boundary=rectangle(122.070, 46.080, 122.080, 46.090),
            actor=None,
        )
        assert locate_point(122.075, 46.085) == grid
        assert locate_point(122.055, 46.085) is None
