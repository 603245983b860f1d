"""Grid workers' pages and visits (走访记录, R2.3c, R3.1e): who sees which grid, the
last-visit flag, recording a visit and the query count of the grid's list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, COUNTY, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.models import Grid, Region
from gongzhi.residents import queries
from gongzhi.residents.actions import do_record_visit, do_register_household
from gongzhi.residents.models import Household, Tag, Visit, VisitKind
from gongzhi.residents.tests.helpers import resident_in

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def grids(personas: Personas) -> dict[str, Grid]:
    community = Region.objects.get(region_code=COMMUNITY_A)
    return {
        "mine": do_save_grid(
            community, name="第一网格", boundary=None, workers=[personas.grid_worker], actor=None
        ),
        "other": do_save_grid(community, name="第二网格", boundary=None, actor=None),
    }


def household_on(grid: Grid, name: str = "乌云", **extra: Any) -> Household:
    household = do_register_household(community=grid.community, grid=grid, actor=None)
    resident_in(household, name=name, **extra)
    return household


def visit(household: Household, user: Any, days_ago: int = 0, **extra: Any) -> Visit:
    return do_record_visit(
        household,
        visited_on=timezone.localdate() - timedelta(days=days_ago),
        kind=extra.pop("kind", VisitKind.HOME),
        summary=extra.pop("summary", "了解家庭情况，无特殊诉求"),
        actor=user,
        **extra,
    )


def grid_url(grid: Grid) -> str:
    return reverse("residents:grid_households", args=[grid.region_code])


class TestGridPages:
    def test_a_grid_worker_sees_the_households_of_their_grid(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household_on(grids["mine"], name="乌云", phone=PHONE)
        household_on(grids["other"], name="巴雅尔")
        page = client_for(personas.grid_worker).get(grid_url(grids["mine"])).content.decode()
        assert "乌云" in page
        assert "巴雅尔" not in page
        assert "138****5678" in page
        assert PHONE not in page

    def test_another_grid_of_the_same_community_answers_404_to_the_grid_worker(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        response = client_for(personas.grid_worker).get(grid_url(grids["other"]))
        assert response.status_code == 404

    @pytest.mark.parametrize(("persona", "expected"), [("staff_a", 200), ("staff_b", 404)])
    def test_community_staff_see_every_grid_of_their_jurisdiction_only(
        self, personas: Personas, grids: dict[str, Grid], persona: str, expected: int
    ) -> None:
        response = client_for(getattr(personas, persona)).get(grid_url(grids["other"]))
        assert response.status_code == expected

    def test_my_grid_goes_straight_to_the_only_grid(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        response = client_for(personas.grid_worker).get(reverse("residents:my_grids"))
        assert response.status_code == 302
        assert response["Location"] == grid_url(grids["mine"])

    def test_the_resident_list_links_my_grid_for_grid_workers_only(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        link = reverse("residents:my_grids")
        worker_page = client_for(personas.grid_worker).get(reverse("residents:list"))
        staff_page = client_for(personas.staff_a).get(reverse("residents:list"))
        assert link in worker_page.content.decode()
        assert link not in staff_page.content.decode()

    def test_sensitive_tags_stay_hidden_from_the_grid_worker(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        tags = Tag.objects.filter(code__in=["elder_living_alone", "mental_disorder"])
        household_on(grids["mine"], tags=list(tags))
        page = client_for(personas.grid_worker).get(grid_url(grids["mine"])).content.decode()
        assert "独居老人" in page
        assert "精神障碍患者" not in page


class TestLastVisitFlag:
    def test_a_household_not_visited_for_more_than_90_days_is_flagged(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        stale = household_on(grids["mine"], name="乌云")
        fresh = household_on(grids["mine"], name="巴雅尔")
        visit(stale, personas.grid_worker, days_ago=queries.VISIT_OVERDUE_DAYS + 1)
        visit(fresh, personas.grid_worker, days_ago=10)
        rows = {h.pk: h for h in queries.households_of_grid(personas.grid_worker, grids["mine"])}
        assert queries.visit_overdue(rows[stale.pk].last_visited_on)  # type: ignore[attr-defined]
        assert not queries.visit_overdue(rows[fresh.pk].last_visited_on)  # type: ignore[attr-defined]
        page = client_for(personas.grid_worker).get(grid_url(grids["mine"])).content.decode()
        assert page.count("is-overdue") == 1

    def test_a_household_never_visited_is_flagged(self) -> None:
        assert queries.visit_overdue(None)
        today = timezone.localdate()
        assert not queries.visit_overdue(today - timedelta(days=90), today)
        assert queries.visit_overdue(today - timedelta(days=91), today)


class TestRecordVisit:
    def test_a_grid_worker_records_a_visit_from_the_phone_page(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        client = client_for(personas.grid_worker)
        url = reverse("residents:visit_create", args=[household.pk]) + "?from=grid"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "visited_on": timezone.localdate().isoformat(),
                "kind": VisitKind.HOME,
                "summary": "老人身体尚可，希望社区组织义诊",
                "follow_up_needed": "on",
                "follow_up_note": "联系社区卫生服务站",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == grid_url(grids["mine"])
        saved = Visit.objects.get(household=household)
        assert saved.worker == personas.grid_worker
        assert saved.region_code == household.region_code
        assert saved.follow_up_needed
        event = Event.objects.get(type=EventType.VISIT_RECORDED)
        assert event.summary["household"] == household.number
        assert "老人" not in str(event.summary)

    def test_it_refuses_a_visit_in_the_future_in_chinese(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        with pytest.raises(ValidationError) as raised:
            visit(household, personas.grid_worker, days_ago=-1)
        assert raised.value.message_dict["visited_on"] == ["走访日期不能晚于今天"]
        assert not Visit.objects.exists()

    def test_the_form_shows_the_future_date_error_beside_the_field(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        tomorrow = timezone.localdate() + timedelta(days=1)
        response = client_for(personas.grid_worker).post(
            reverse("residents:visit_create", args=[household.pk]),
            {"visited_on": tomorrow.isoformat(), "kind": VisitKind.HOME, "summary": "走访"},
        )
        assert response.status_code == 200
        assert "走访日期不能晚于今天" in response.content.decode()

    @pytest.mark.parametrize("text", ["身份证11010519491231002X需核实", "电话13812345678"])
    def test_it_refuses_id_and_mobile_numbers_in_the_summary(
        self, personas: Personas, grids: dict[str, Grid], text: str
    ) -> None:
        household = household_on(grids["mine"])
        with pytest.raises(ValidationError) as raised:
            visit(household, personas.grid_worker, summary=text)
        assert "summary" in raised.value.message_dict
        assert not Visit.objects.exists()

    def test_it_asks_for_a_follow_up_note_when_follow_up_is_needed(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        with pytest.raises(ValidationError) as raised:
            visit(household, personas.grid_worker, follow_up_needed=True)
        assert "follow_up_note" in raised.value.message_dict

    def test_community_staff_can_record_a_visit(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["other"])
        visit(household, personas.staff_a, kind=VisitKind.PHONE)
        assert Visit.objects.filter(household=household, worker=personas.staff_a).exists()

    def test_department_staff_cannot_record_a_visit(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        department = make_user("civil_affairs", "department_staff", COUNTY)
        with pytest.raises(PermissionDenied):
            visit(household, department)
        url = reverse("residents:visit_create", args=[household.pk])
        assert client_for(department).get(url).status_code == 403

    def test_a_grid_worker_cannot_record_a_visit_in_another_grid(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["other"])
        with pytest.raises(PermissionDenied):
            visit(household, personas.grid_worker)
        assert not Visit.objects.exists()

    def test_the_household_page_lists_its_visits(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        household = household_on(grids["mine"])
        visit(household, personas.grid_worker, summary="门前道路积雪，已反映")
        page = client_for(personas.staff_a).get(
            reverse("residents:household_detail", args=[household.pk])
        )
        assert "门前道路积雪，已反映" in page.content.decode()


class TestQueryCount:
    def test_the_grid_list_takes_the_same_number_of_queries_for_more_households(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                for household in queries.households_of_grid(personas.grid_worker, grids["mine"]):
                    queries.householder_of(household)
                    for member in household.current_members:  # type: ignore[attr-defined]
                        list(member.visible_tags)
            return len(captured)

        for _ in range(2):
            visit(household_on(grids["mine"]), personas.grid_worker)
        few = count()
        for _ in range(5):
            household = household_on(grids["mine"])
            resident_in(household, name="其木格", relationship="配偶")
            visit(household, personas.grid_worker)
        assert count() == few
        assert few <= 4

    def test_the_grid_page_takes_the_same_number_of_queries_for_more_households(
        self, personas: Personas, grids: dict[str, Grid]
    ) -> None:
        client = client_for(personas.grid_worker)

        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(grid_url(grids["mine"])).status_code == 200
            return len(captured)

        household_on(grids["mine"])
        few = count()
        for _ in range(4):
            visit(household_on(grids["mine"]), personas.grid_worker)
        assert count() == few
