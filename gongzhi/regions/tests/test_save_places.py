"""Saving grids, compounds and buildings through the actions."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.ledger.models import Event, EventType
from gongzhi.regions.actions import do_save_building, do_save_compound, do_save_grid
from gongzhi.regions.models import Grid, ManagementMode, Region

from .helpers import BOX_A, rectangle

pytestmark = pytest.mark.django_db

# Who may save a grid in community A (万佳) and in community B (红云).
GRID_MATRIX = {
    "resident": (False, False),
    "grid_worker": (False, False),
    "staff_a": (True, False),
    "staff_b": (False, True),
    "street_staff": (True, False),
    "county_admin": (True, True),
    "system_admin": (False, False),
    "security_admin": (False, False),
    "audit_admin": (False, False),
}


def community(code: str) -> Region:
    return Region.objects.get(region_code=code)


class TestWhoMaySaveAGrid:
    @pytest.mark.parametrize("persona", sorted(GRID_MATRIX))
    def test_the_permission_follows_role_and_jurisdiction(
        self, personas: Personas, persona: str
    ) -> None:
        user = getattr(personas, persona)
        for code, allowed in zip((COMMUNITY_A, COMMUNITY_B), GRID_MATRIX[persona], strict=True):
            region = community(code)
            assert user.has_perm("regions.change_grid", region) is allowed, (persona, code)
            if allowed:
                grid = do_save_grid(region, name=f"{persona}的网格", boundary=None, actor=user)
                assert grid.region_code.startswith(code)
            else:
                with pytest.raises(PermissionDenied):
                    do_save_grid(region, name=f"{persona}的网格", boundary=None, actor=user)
        expected = sum(GRID_MATRIX[persona])
        assert Grid.objects.filter(name=f"{persona}的网格").count() == expected

    def test_compounds_and_buildings_follow_the_same_rule(self, personas: Personas) -> None:
        grid = do_save_grid(community(COMMUNITY_A), name="第一网格", boundary=None, actor=None)
        with pytest.raises(PermissionDenied):
            do_save_compound(
                grid,
                name="万佳小区",
                total_units=10,
                occupied_units=5,
                committee_region=grid.community,
                actor=personas.grid_worker,
            )
        compound = do_save_compound(
            grid,
            name="万佳小区",
            total_units=10,
            occupied_units=5,
            committee_region=grid.community,
            actor=personas.staff_a,
        )
        with pytest.raises(PermissionDenied):
            do_save_building(compound, name="1号楼", actor=personas.staff_b)
        building = do_save_building(
            compound, name="1号楼", floors=6, units=10, actor=personas.street_staff
        )
        assert building.region_code == compound.region_code + "001"


class TestGridCodes:
    def test_codes_extend_the_community_code_in_order(self, regions: None) -> None:
        wanjia = community(COMMUNITY_A)
        first = do_save_grid(wanjia, name="第一网格", boundary=None, actor=None)
        second = do_save_grid(wanjia, name="第二网格", boundary=None, actor=None)
        chosen = do_save_grid(wanjia, name="第五网格", boundary=None, code="005", actor=None)
        after = do_save_grid(wanjia, name="第六网格", boundary=None, actor=None)
        assert [g.region_code for g in (first, second, chosen, after)] == [
            COMMUNITY_A + "001",
            COMMUNITY_A + "002",
            COMMUNITY_A + "005",
            COMMUNITY_A + "006",
        ]

    def test_saving_with_an_existing_code_updates_that_grid(self, regions: None) -> None:
        wanjia = community(COMMUNITY_A)
        grid = do_save_grid(wanjia, name="第一网格", boundary=None, actor=None)
        again = do_save_grid(
            wanjia, name="万佳一网格", boundary=rectangle(*BOX_A), code=grid.region_code, actor=None
        )
        assert again.pk == grid.pk
        assert Grid.objects.get(pk=grid.pk).name == "万佳一网格"
        assert (again.min_lon, again.min_lat, again.max_lon, again.max_lat) == BOX_A

    def test_a_code_outside_the_community_is_refused(self, regions: None) -> None:
        with pytest.raises(ValidationError) as error:
            do_save_grid(
                community(COMMUNITY_A),
                name="第一网格",
                boundary=None,
                code=COMMUNITY_B + "001",
                actor=None,
            )
        assert "编码" in error.value.message_dict["code"][0]

    def test_two_grids_of_one_community_cannot_share_a_name(self, regions: None) -> None:
        wanjia = community(COMMUNITY_A)
        do_save_grid(wanjia, name="第一网格", boundary=None, actor=None)
        with pytest.raises(ValidationError) as error:
            do_save_grid(wanjia, name="第一网格", boundary=None, actor=None)
        assert "已有名为“第一网格”的网格" in error.value.message_dict["name"][0]

    def test_a_grid_lies_in_a_community_not_a_township(self, regions: None) -> None:
        with pytest.raises(ValidationError):
            do_save_grid(community("152201001"), name="街道网格", boundary=None, actor=None)

    def test_each_save_writes_one_ledger_event(self, personas: Personas) -> None:
        before = Event.objects.filter(type=EventType.GRID_SAVED).count()
        grid = do_save_grid(
            community(COMMUNITY_A),
            name="第一网格",
            boundary=rectangle(*BOX_A),
            actor=personas.staff_a,
        )
        events = Event.objects.filter(type=EventType.GRID_SAVED)
        assert events.count() == before + 1
        event = events.order_by("-seq").first()
        assert event is not None
        assert (event.actor_username, event.region_code, event.object_id) == (
            "staff_a",
            grid.region_code,
            str(grid.pk),
        )


class TestGridHeadAndWorkers:
    def test_the_head_and_workers_are_grid_workers_of_the_community(
        self, personas: Personas
    ) -> None:
        grid = do_save_grid(
            community(COMMUNITY_A),
            name="第一网格",
            boundary=None,
            head=personas.grid_worker,
            workers=[personas.grid_worker],
            actor=personas.staff_a,
        )
        assert grid.head == personas.grid_worker
        assert list(grid.workers.all()) == [personas.grid_worker]

    def test_community_staff_cannot_be_made_grid_head(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as error:
            do_save_grid(
                community(COMMUNITY_A),
                name="第一网格",
                boundary=None,
                head=personas.staff_a,
                actor=None,
            )
        assert "不是网格员" in error.value.message_dict["head"][0]

    def test_a_grid_worker_of_another_community_is_refused(self, personas: Personas) -> None:
        other = make_user("worker_b", "grid_worker", COMMUNITY_B, full_name="其木格")
        with pytest.raises(ValidationError) as error:
            do_save_grid(
                community(COMMUNITY_A), name="第一网格", boundary=None, workers=[other], actor=None
            )
        assert "不在万佳社区居委会工作" in error.value.message_dict["workers"][0]


class TestBoundaryValidation:
    @pytest.mark.parametrize(
        ("boundary", "reason"),
        [
            ({"type": "Point", "coordinates": [122.0, 46.0]}, "Polygon 或 MultiPolygon"),
            (rectangle(122.0, 46.0, 122.1, 95.0), "超出 WGS84 范围"),
            (rectangle(181.0, 46.0, 182.0, 46.1), "超出 WGS84 范围"),
            (
                {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                },
                "自相交",
            ),
            ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "至少需要 4 个坐标点"),
            ({"type": "Polygon", "coordinates": [[["东", 46.0]]]}, "两个数字"),
            ({"type": "Polygon", "coordinates": 5}, "坐标结构"),
            (
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},
                "不是有效的多边形",
            ),
        ],
    )
    def test_a_bad_boundary_is_refused_with_a_chinese_reason(
        self, regions: None, boundary: dict[str, Any], reason: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            do_save_grid(community(COMMUNITY_A), name="第一网格", boundary=boundary, actor=None)
        assert reason in error.value.message_dict["boundary"][0]
        assert not Grid.objects.exists()


class TestCompounds:
    def grid(self) -> Grid:
        return do_save_grid(community(COMMUNITY_A), name="第一网格", boundary=None, actor=None)

    def test_more_occupied_than_total_units_is_refused(self, regions: None) -> None:
        grid = self.grid()
        with pytest.raises(ValidationError) as error:
            do_save_compound(
                grid,
                name="万佳小区",
                total_units=10,
                occupied_units=11,
                committee_region=grid.community,
                actor=None,
            )
        assert error.value.message_dict["occupied_units"] == ["入住户数不能多于总户数"]

    def test_a_neighbouring_committee_must_be_another_community(self, regions: None) -> None:
        grid = self.grid()
        with pytest.raises(ValidationError):
            do_save_compound(
                grid,
                name="新城",
                total_units=100,
                occupied_units=60,
                committee_region=grid.community,
                management_mode=ManagementMode.NEIGHBOUR_COMMITTEE,
                actor=None,
            )
        neighbour = community("152201001002")
        compound = do_save_compound(
            grid,
            name="新城",
            total_units=100,
            occupied_units=60,
            committee_region=neighbour,
            management_mode=ManagementMode.NEIGHBOUR_COMMITTEE,
            actor=None,
        )
        assert compound.committee_region == neighbour
        assert compound.region_code == grid.region_code + "001"

    def test_a_point_needs_both_coordinates(self, regions: None) -> None:
        grid = self.grid()
        with pytest.raises(ValidationError):
            do_save_compound(
                grid,
                name="万佳小区",
                total_units=1,
                occupied_units=1,
                committee_region=grid.community,
                lon=122.05,
                actor=None,
            )


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks are what keep concurrent saves apart; SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_get_different_codes() -> None:
    from gongzhi.regions.loader import load_regions

    load_regions()
    wanjia = community(COMMUNITY_A)
    barrier = threading.Barrier(4)
    codes: list[str] = []
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            barrier.wait()
            codes.append(
                do_save_grid(wanjia, name=f"并发网格{n}", boundary=None, actor=None).region_code
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [COMMUNITY_A + f"00{n}" for n in range(1, 5)]
