"""Scoped reads: children with counts, search, and fetching one place."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, TOWNSHIP, Personas
from gongzhi.regions.actions import do_save_building, do_save_compound, do_save_grid
from gongzhi.regions.models import Region
from gongzhi.regions.queries import access_region, children_of, search_regions

from .helpers import BOX_A, BOX_B, rectangle

pytestmark = pytest.mark.django_db


def build_places() -> None:
    """Two grids in A with 2 compounds and 3 buildings; one grid in B with one compound."""
    wanjia = Region.objects.get(region_code=COMMUNITY_A)
    hongyun = Region.objects.get(region_code=COMMUNITY_B)
    first = do_save_grid(wanjia, name="万佳一网格", boundary=rectangle(*BOX_A), actor=None)
    do_save_grid(wanjia, name="万佳二网格", boundary=None, actor=None)
    home = do_save_compound(
        first,
        name="万佳小区",
        total_units=100,
        occupied_units=90,
        committee_region=wanjia,
        actor=None,
    )
    garden = do_save_compound(
        first, name="金泰园", total_units=50, occupied_units=40, committee_region=wanjia, actor=None
    )
    do_save_building(home, name="1号楼", units=50, actor=None)
    do_save_building(home, name="2号楼", units=50, actor=None)
    do_save_building(garden, name="1号楼", units=50, actor=None)
    red = do_save_grid(hongyun, name="红云一网格", boundary=rectangle(*BOX_B), actor=None)
    do_save_compound(
        red, name="红云小区", total_units=10, occupied_units=9, committee_region=hongyun, actor=None
    )


class TestChildrenOf:
    def test_a_county_lists_its_townships_with_counts(self, personas: Personas) -> None:
        build_places()
        county = Region.objects.get(region_code=COUNTY)
        rows = {row.region.region_code: row for row in children_of(personas.county_admin, county)}
        aiguo, heping = rows[TOWNSHIP], rows["152201002"]
        assert (aiguo.subdivisions, aiguo.grids, aiguo.compounds, aiguo.buildings) == (4, 2, 2, 3)
        assert (heping.subdivisions, heping.grids, heping.compounds, heping.buildings) == (
            7,
            1,
            1,
            0,
        )
        assert rows["152201003"].grids == 0
        assert len(rows) == Region.objects.filter(parent=county, is_active=True).count()

    def test_the_list_costs_five_queries_whatever_its_length(
        self, personas: Personas, django_assert_num_queries: object
    ) -> None:
        build_places()
        league = Region.objects.get(region_code="1522")
        township = Region.objects.get(region_code=TOWNSHIP)
        user = personas.system_admin
        assert user.roles  # loaded once per request, before any page's own queries
        with django_assert_num_queries(5):  # type: ignore[operator]
            counties = children_of(user, league)
        with django_assert_num_queries(5):  # type: ignore[operator]
            communities = children_of(user, township)
        assert len(counties) == 6
        assert len(communities) == 4

    def test_it_shows_nothing_outside_the_jurisdiction(self, personas: Personas) -> None:
        county = Region.objects.get(region_code=COUNTY)
        assert children_of(personas.staff_a, county) == []
        township = Region.objects.get(region_code=TOWNSHIP)
        assert [r.region.region_code for r in children_of(personas.street_staff, township)] == [
            "152201001001",
            "152201001002",
            "152201001003",
            "152201001004",
        ]


class TestAccessRegion:
    def test_it_accepts_the_statistical_code_and_the_short_code(self, personas: Personas) -> None:
        by_long = access_region(personas.county_admin, "152201001000")
        by_short = access_region(personas.county_admin, "152201001")
        assert by_long == by_short
        assert by_long.name == "爱国街道"

    @pytest.mark.parametrize(
        "code", ["152201002001", "152201002", "1522", "152202", "abc", "999999"]
    )
    def test_it_answers_404_outside_the_jurisdiction(self, personas: Personas, code: str) -> None:
        with pytest.raises(Http404):
            access_region(personas.staff_a, code)

    def test_residents_reach_no_region(self, personas: Personas) -> None:
        with pytest.raises(Http404):
            access_region(personas.resident, COMMUNITY_A)


class TestSearchRegions:
    def names(self, user: object, q: str) -> list[str]:
        return [region.name for region in search_regions(user, q)]

    def test_it_matches_chinese_characters(self, personas: Personas) -> None:
        assert self.names(personas.county_admin, "万佳") == ["万佳社区居委会"]

    def test_it_matches_full_pinyin_in_any_case(self, personas: Personas) -> None:
        assert self.names(personas.county_admin, "WanJia") == ["万佳社区居委会"]
        assert "红云社区居委会" in self.names(personas.county_admin, "hongyun")

    def test_it_matches_initials(self, personas: Personas) -> None:
        assert "万佳社区居委会" in self.names(personas.county_admin, "wjsq")

    def test_it_matches_a_code_prefix(self, personas: Personas) -> None:
        found = self.names(personas.county_admin, "152201001")
        assert found[0] == "爱国街道"
        assert set(found) == {
            "爱国街道",
            "万佳社区居委会",
            "春阳社区居委会",
            "普惠社区居委会",
            "洮儿河社区居委会",
        }

    def test_it_never_looks_outside_the_jurisdiction(self, personas: Personas) -> None:
        assert self.names(personas.staff_a, "红云") == []
        assert self.names(personas.street_staff, "hongyun") == []
        assert self.names(personas.resident, "万佳") == []
        # 阿尔山市 is another county: the county administrator of 乌兰浩特市 finds none of it.
        assert self.names(personas.county_admin, "152202") == []

    def test_results_are_paginated(self, personas: Personas) -> None:
        page = search_regions(personas.system_admin, "嘎查")
        assert page.paginator.count > 100
        assert len(page.object_list) == 20
        assert search_regions(personas.system_admin, "嘎查", page=2).number == 2

    def test_an_empty_query_finds_nothing(self, personas: Personas) -> None:
        assert search_regions(personas.county_admin, "  ").paginator.count == 0
