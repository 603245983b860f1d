"""Drill-down: every number of 办件统计 opens the list of exactly the cases it counts,
only inside the viewer's jurisdiction (DESIGN rule 2: outside it is 404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, TOWNSHIP
from gongzhi.accounts.testing import client_for
from gongzhi.cases import queries
from gongzhi.dashboards.forms import PeriodForm
from gongzhi.dashboards.tests.conftest import MARCH, MONDAY, Scenario, _submit

URL = reverse("dashboards:cases")
DATES = {"since": MARCH["since"], "until": MARCH["until"]}


def listed(user: Any, **params: str) -> set[int]:
    response = client_for(user).get(URL, {**DATES, **params})
    assert response.status_code == 200, response.status_code
    return {case.pk for case in response.context["cases"]}


# The cases behind each count over 乌兰浩特市 in March (see conftest).
EXPECTED = {
    "submitted": (
        "a_good", "a_rework", "a_refused", "a_handling", "a_waiting", "a_escalated", "b_good",
    ),
    "decided": ("a_good", "a_rework", "a_refused", "a_handling", "a_escalated", "b_good"),
    "filed": ("a_good", "a_rework", "a_handling", "a_escalated", "b_good"),
    "closed": ("a_good", "a_rework", "b_good"),
    "closed_on_time": ("a_good", "b_good"),
    "reworked": ("a_rework",),
    "overdue_now": ("a_handling", "a_waiting", "a_escalated"),
    "rated": ("a_good", "a_rework", "b_good"),
    "satisfied": ("a_good", "b_good"),
}  # fmt: skip


@pytest.mark.django_db
class TestDrillDown:
    @pytest.mark.parametrize("count", sorted(EXPECTED))
    def test_each_list_holds_exactly_the_counted_cases(
        self, scenario: Scenario, count: str
    ) -> None:
        shown = listed(scenario.personas.county_admin, count=count, region=COUNTY)
        assert shown == scenario.pks(*EXPECTED[count])

    def test_every_number_of_every_row_matches_its_list(self, scenario: Scenario) -> None:
        """Whatever the row and the count, the list is as long as the number says."""
        user = scenario.personas.county_admin
        page = client_for(user).get(reverse("dashboards:indicators"), MARCH)
        form = PeriodForm(DATES)
        assert form.is_valid()
        period = form.chosen()
        for row in [*page.context["rows"], page.context["total"]]:
            for count in queries.INDICATOR_FILTERS:
                cases = queries.indicator_cases(
                    user, count, since=period.since, until=period.until, region_code=row.code
                )
                assert len(cases) == row.figures[count], (row.code, count)

    def test_a_units_list_holds_the_cases_that_unit_answers_for(self, scenario: Scenario) -> None:
        staff_a = scenario.personas.staff_a
        page = client_for(staff_a).get(reverse("dashboards:indicators"), MARCH)
        township_row = next(row for row in page.context["rows"] if row.code == TOWNSHIP)
        response = client_for(staff_a).get(township_row.drill + "&count=submitted")
        assert {c.pk for c in response.context["cases"]} == scenario.pks("a_escalated")
        shown = listed(staff_a, count="submitted", region=COMMUNITY_A, unit=COMMUNITY_A)
        assert shown == scenario.pks("a_good", "a_rework", "a_refused", "a_handling", "a_waiting")

    def test_the_list_links_to_the_case_page(self, scenario: Scenario) -> None:
        response = client_for(scenario.personas.staff_b).get(URL, {**DATES, "count": "closed"})
        case = scenario.cases["b_good"]
        assert reverse("cases:detail", args=[case.pk]) in response.content.decode()
        assert case.number in response.content.decode()

    @pytest.mark.parametrize("region", [COMMUNITY_A, TOWNSHIP, COUNTY])
    def test_staff_b_cannot_drill_into_community_a(self, scenario: Scenario, region: str) -> None:
        client = client_for(scenario.personas.staff_b)
        response = client.get(URL, {**DATES, "count": "submitted", "region": region})
        assert response.status_code == 404

    def test_a_unit_outside_the_jurisdiction_shows_nothing_of_it(self, scenario: Scenario) -> None:
        # staff_b's own region, narrowed to community A's unit: no case of A leaks.
        shown = listed(
            scenario.personas.staff_b, count="submitted", region=COMMUNITY_B, unit=COMMUNITY_A
        )
        assert shown == set()

    def test_an_unknown_count_is_not_found(self, scenario: Scenario) -> None:
        client = client_for(scenario.personas.county_admin)
        assert client.get(URL, {**DATES, "count": "everything"}).status_code == 404

    def test_without_the_indicators_permission_it_is_forbidden(self, scenario: Scenario) -> None:
        client = client_for(scenario.personas.grid_worker)
        assert client.get(URL, {**DATES, "count": "submitted"}).status_code == 403

    def test_long_lists_go_by_pages(self, scenario: Scenario, monkeypatch: Any) -> None:
        monkeypatch.setattr(queries, "PAGE_SIZE", 2)
        for _ in range(3):
            _submit(scenario.personas.resident, COMMUNITY_B, now=MONDAY)
        client = client_for(scenario.personas.staff_b)
        seen: list[int] = []
        response = client.get(URL, {**DATES, "count": "submitted"})
        while True:
            seen += [c.pk for c in response.context["cases"]]
            if not response.context["next_url"]:
                break
            response = client.get(URL + response.context["next_url"])
        assert len(seen) == len(set(seen)) == 4
        assert seen == sorted(seen, reverse=True)
