"""The region pages of the staff console, as each persona sees them."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, TOWNSHIP, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.regions.actions import do_save_building, do_save_compound, do_save_grid
from gongzhi.regions.models import Compound, Grid, ManagementMode, Region

from .helpers import BOX_A, rectangle

pytestmark = pytest.mark.django_db


def row_numbers(html: str, name: str) -> list[int]:
    """The numeric cells of the table row whose header links ``name``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        if f">{name}</a>" in row:
            return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
    raise AssertionError(f"no row for {name}")


@pytest.fixture
def places(personas: Personas) -> dict[str, object]:
    wanjia = Region.objects.get(region_code=COMMUNITY_A)
    grid = do_save_grid(
        wanjia,
        name="万佳一网格",
        boundary=rectangle(*BOX_A),
        head=personas.grid_worker,
        workers=[personas.grid_worker],
        actor=None,
    )
    compound = do_save_compound(
        grid,
        name="春阳新城",
        total_units=200,
        occupied_units=120,
        committee_region=Region.objects.get(region_code="152201001002"),
        management_mode=ManagementMode.NEIGHBOUR_COMMITTEE,
        lon=122.055,
        lat=46.085,
        actor=None,
    )
    building = do_save_building(compound, name="1号楼", floors=18, units=120, actor=None)
    return {"grid": grid, "compound": compound, "building": building}


class TestTree:
    def test_it_opens_at_the_users_own_region(self, personas: Personas) -> None:
        response = client_for(personas.county_admin).get(reverse("regions:tree"))
        assert response.status_code == 302
        assert response["Location"] == reverse("regions:region_detail", args=[COUNTY])

    def test_residents_have_no_region_tree(self, personas: Personas) -> None:
        assert client_for(personas.resident).get(reverse("regions:tree")).status_code == 404

    def test_a_county_sees_its_townships_with_counts(
        self, personas: Personas, places: dict
    ) -> None:
        response = client_for(personas.county_admin).get(
            reverse("regions:region_detail", args=[COUNTY])
        )
        assert response.status_code == 200
        html = response.content.decode()
        for heading in ("下级区划数", "网格数", "小区数", "楼栋数"):
            assert heading in html
        assert row_numbers(html, "爱国街道") == [4, 1, 1, 1]
        assert row_numbers(html, "和平街道") == [7, 0, 0, 0]

    def test_a_township_sees_its_communities(self, personas: Personas, places: dict) -> None:
        response = client_for(personas.street_staff).get(
            reverse("regions:region_detail", args=[TOWNSHIP])
        )
        assert response.status_code == 200
        assert row_numbers(response.content.decode(), "万佳社区居委会") == [1, 1, 1]

    def test_a_community_lists_its_grids(self, personas: Personas, places: dict) -> None:
        response = client_for(personas.staff_a).get(
            reverse("regions:region_detail", args=[COMMUNITY_A])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "万佳一网格" in html
        assert "巴特尔" in html  # the grid head
        assert row_numbers(html, "万佳一网格") == [1, 1]
        assert reverse("regions:grid_create", args=[COMMUNITY_A]) in html

    @pytest.mark.parametrize(
        ("persona", "code"),
        [
            ("staff_b", COMMUNITY_A),
            ("staff_a", COMMUNITY_B),
            ("staff_a", TOWNSHIP),
            ("street_staff", COMMUNITY_B),
            ("county_admin", "1522"),
            ("county_admin", "152202"),
            ("grid_worker", COUNTY),
            ("resident", COMMUNITY_A),
        ],
    )
    def test_places_outside_the_jurisdiction_are_not_found(
        self, personas: Personas, persona: str, code: str
    ) -> None:
        client = client_for(getattr(personas, persona))
        assert client.get(reverse("regions:region_detail", args=[code])).status_code == 404

    def test_grids_compounds_and_buildings_of_another_community_are_not_found(
        self, personas: Personas, places: dict
    ) -> None:
        client = client_for(personas.staff_b)
        grid, compound, building = places["grid"], places["compound"], places["building"]
        for url in (
            reverse("regions:grid_detail", args=[grid.region_code]),
            reverse("regions:grid_edit", args=[grid.region_code]),
            reverse("regions:compound_detail", args=[compound.region_code]),
            reverse("regions:compound_create", args=[grid.region_code]),
            reverse("regions:building_create", args=[compound.region_code]),
            reverse("regions:building_edit", args=[building.region_code]),
            reverse("regions:grid_create", args=[COMMUNITY_A]),
        ):
            assert client.get(url).status_code == 404, url


class TestBreadcrumb:
    def crumbs(self, html: str) -> list[tuple[str, bool]]:
        nav = re.search(r'<nav class="breadcrumb".*?</nav>', html, flags=re.S)
        assert nav is not None
        items = re.findall(r"<li>(.*?)</li>", nav.group(0), flags=re.S)
        return [(re.sub(r"<[^>]+>", "", item), "<a " in item) for item in items]

    def test_only_the_part_inside_the_jurisdiction_links(
        self, personas: Personas, places: dict
    ) -> None:
        grid = places["grid"]
        html = (
            client_for(personas.street_staff)
            .get(reverse("regions:grid_detail", args=[grid.region_code]))
            .content.decode()
        )
        assert self.crumbs(html) == [
            ("兴安盟", False),
            ("乌兰浩特市", False),
            ("爱国街道", True),
            ("万佳社区居委会", True),
            ("万佳一网格", False),  # the current page
        ]


class TestGridAndCompoundPages:
    def test_a_grid_shows_its_boundary_head_and_flagged_compound(
        self, personas: Personas, places: dict
    ) -> None:
        grid = places["grid"]
        response = client_for(personas.grid_worker).get(
            reverse("regions:grid_detail", args=[grid.region_code])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert re.search(r'<path class="grid-shape" d="M[0-9., L]+ Z"', html)
        assert "<circle" in html  # the compound's marker
        assert "巴特尔" in html
        assert "春阳新城" in html and "60%" in html
        assert "须成立居委会（R2.3b）" in html
        # A grid worker reads but does not edit.
        assert reverse("regions:grid_edit", args=[grid.region_code]) not in html
        assert reverse("regions:compound_create", args=[grid.region_code]) not in html

    def test_a_compound_lists_its_buildings_and_the_r2_3b_notice(
        self, personas: Personas, places: dict
    ) -> None:
        compound = places["compound"]
        response = client_for(personas.staff_a).get(
            reverse("regions:compound_detail", args=[compound.region_code])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "1号楼" in html
        assert "尚无本小区居委会" in html
        assert reverse("regions:building_create", args=[compound.region_code]) in html

    def test_no_flag_once_the_compound_has_its_own_committee(
        self, personas: Personas, places: dict
    ) -> None:
        grid = places["grid"]
        compound: Compound = places["compound"]
        do_save_compound(
            grid,
            name=compound.name,
            total_units=200,
            occupied_units=120,
            committee_region=grid.community,
            management_mode=ManagementMode.OWN_COMMITTEE,
            code=compound.region_code,
            actor=None,
        )
        html = (
            client_for(personas.staff_a)
            .get(reverse("regions:grid_detail", args=[grid.region_code]))
            .content.decode()
        )
        assert "须成立居委会" not in html


class TestForms:
    def test_a_grid_worker_may_not_open_the_grid_form(self, personas: Personas) -> None:
        url = reverse("regions:grid_create", args=[COMMUNITY_A])
        assert client_for(personas.grid_worker).get(url).status_code == 403
        assert client_for(personas.grid_worker).post(url, {"name": "x"}).status_code == 403
        assert not Grid.objects.exists()

    def test_community_staff_create_a_grid_with_a_boundary(self, personas: Personas) -> None:
        client = client_for(personas.staff_a)
        url = reverse("regions:grid_create", args=[COMMUNITY_A])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "name": "万佳二网格",
                "code": "",
                "boundary": json.dumps(rectangle(*BOX_A)),
                "head": personas.grid_worker.pk,
                "workers": [personas.grid_worker.pk],
            },
        )
        grid = Grid.objects.get(name="万佳二网格")
        assert response.status_code == 302
        assert response["Location"] == reverse("regions:grid_detail", args=[grid.region_code])
        assert grid.region_code == COMMUNITY_A + "001"
        assert grid.head == personas.grid_worker

    @pytest.mark.parametrize(
        ("boundary", "message"),
        [
            ('{"type": "Polygon", ', "边界不是有效的 JSON"),
            (
                json.dumps(
                    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
                ),
                "自相交",
            ),
            (json.dumps(rectangle(122.0, 46.0, 122.1, 91.0)), "超出 WGS84 范围"),
        ],
    )
    def test_a_bad_boundary_comes_back_with_a_chinese_error(
        self, personas: Personas, boundary: str, message: str
    ) -> None:
        response = client_for(personas.staff_a).post(
            reverse("regions:grid_create", args=[COMMUNITY_A]),
            {"name": "万佳二网格", "boundary": boundary},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Grid.objects.exists()

    def test_only_grid_workers_of_the_community_are_offered_as_head(
        self, personas: Personas
    ) -> None:
        html = (
            client_for(personas.staff_a)
            .get(reverse("regions:grid_create", args=[COMMUNITY_A]))
            .content.decode()
        )
        assert "巴特尔" in html
        assert "张丽" not in html.split('name="head"')[1].split("</select>")[0]

    def test_a_compound_over_full_is_refused_beside_the_field(
        self, personas: Personas, places: dict
    ) -> None:
        grid = places["grid"]
        response = client_for(personas.staff_a).post(
            reverse("regions:compound_create", args=[grid.region_code]),
            {
                "name": "新小区",
                "total_units": "10",
                "occupied_units": "12",
                "management_mode": "own",
                "committee_region": grid.community.pk,
            },
        )
        assert response.status_code == 200
        assert "入住户数不能多于总户数" in response.content.decode()

    def test_township_staff_add_a_building(self, personas: Personas, places: dict) -> None:
        compound = places["compound"]
        response = client_for(personas.street_staff).post(
            reverse("regions:building_create", args=[compound.region_code]),
            {"name": "2号楼", "floors": "18", "units": "80"},
        )
        assert response.status_code == 302
        assert compound.buildings.get(name="2号楼").region_code == compound.region_code + "002"


class TestSearchPage:
    def test_the_full_page_and_the_live_fragment(self, personas: Personas) -> None:
        client = client_for(personas.county_admin)
        url = reverse("regions:search")
        full = client.get(url, {"q": "wjsq"})
        assert full.status_code == 200
        assert "<html" in full.content.decode()
        assert "万佳社区居委会" in full.content.decode()
        fragment = client.get(url, {"q": "wanjia"}, headers={"HX-Request": "true"})
        html = fragment.content.decode()
        assert "<html" not in html
        assert html.lstrip().startswith('<div id="region-search-results"')
        assert "万佳社区居委会" in html

    def test_the_search_stays_inside_the_jurisdiction(self, personas: Personas) -> None:
        html = (
            client_for(personas.staff_b)
            .get(reverse("regions:search"), {"q": "万佳"})
            .content.decode()
        )
        assert "万佳社区居委会" not in html
        assert "没有找到" in html
