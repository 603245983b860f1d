"""办件统计: each manager sees their jurisdiction one level down, with the right figures
(issue 4, "Managers see, per unit and per region: filing rate, on-time closure rate,
rework rate, overdue cases, average handling time, satisfaction rate"; R4.3b the level
above supervises the one below)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, TOWNSHIP, TOWNSHIP_B
from gongzhi.accounts.testing import client_for
from gongzhi.console.context_processors import modules_for
from gongzhi.dashboards.templatetags.indicator_cells import db_count, db_hours, db_rate
from gongzhi.dashboards.tests.conftest import MARCH, MONDAY, Scenario, _submit

URL = reverse("dashboards:indicators")


def page(user: Any, **params: str) -> Any:
    response = client_for(user).get(URL, {**MARCH, **params})
    assert response.status_code == 200
    return response


def figures(response: Any) -> dict[str, dict[str, Any]]:
    return {row.code: row.figures for row in response.context["rows"]}


@pytest.mark.django_db
class TestBreakdownByPersona:
    def test_the_league_sees_its_counties(self, scenario: Scenario) -> None:
        response = page(scenario.league_staff)
        rows = response.context["rows"]
        assert response.context["grouping"] == "county"
        assert len(rows) == 6
        submitted = {row.name: row.figures["submitted"] for row in rows}
        assert submitted["乌兰浩特市"] == 7
        assert submitted["阿尔山市"] == 1
        assert response.context["total"].figures["submitted"] == 8

    def test_the_county_sees_its_townships_and_not_the_other_county(
        self, scenario: Scenario
    ) -> None:
        response = page(scenario.personas.county_admin)
        assert response.context["grouping"] == "township"
        by_code = figures(response)
        assert len(by_code) == 17
        assert all(code.startswith(COUNTY) for code in by_code)
        assert by_code[TOWNSHIP]["submitted"] == 6
        assert by_code[TOWNSHIP_B]["submitted"] == 1
        assert sum(f["submitted"] for f in by_code.values()) == 7
        total = response.context["total"].figures
        assert (total["submitted"], total["decided"], total["filed"]) == (7, 6, 5)
        assert (total["closed"], total["closed_on_time"], total["reworked"]) == (3, 2, 1)
        assert (total["overdue_now"], total["rated"], total["satisfied"]) == (3, 3, 2)
        # (6 h + 240 h + 4 h) / 3
        assert total["avg_handling_hours"] == pytest.approx(83.33, abs=0.01)

    def test_the_street_sees_its_communities_and_not_community_b(self, scenario: Scenario) -> None:
        response = page(scenario.personas.street_staff)
        assert response.context["grouping"] == "community"
        by_code = figures(response)
        assert len(by_code) == 4
        assert COMMUNITY_B not in by_code
        a = by_code[COMMUNITY_A]
        assert a["submitted"] == 6
        assert [f["submitted"] for code, f in by_code.items() if code != COMMUNITY_A] == [0, 0, 0]
        assert response.context["total"].figures["submitted"] == 6

    def test_a_community_sees_itself_by_the_unit_answering_now(self, scenario: Scenario) -> None:
        response = page(scenario.personas.staff_a)
        assert response.context["grouping"] == "unit"
        by_code = figures(response)
        # The escalated case now answers to 爱国街道; the rest to the committee.
        assert {code: f["submitted"] for code, f in by_code.items()} == {
            TOWNSHIP: 1,
            COMMUNITY_A: 5,
        }
        names = {row.code: row.name for row in response.context["rows"]}
        assert names == {TOWNSHIP: "爱国街道", COMMUNITY_A: "万佳社区居委会"}

    def test_community_b_sees_only_its_own_case(self, scenario: Scenario) -> None:
        response = page(scenario.personas.staff_b)
        assert {code: f["submitted"] for code, f in figures(response).items()} == {COMMUNITY_B: 1}
        total = response.context["total"].figures
        assert (total["closed_on_time"], total["closed"], total["satisfied"]) == (1, 1, 1)

    def test_the_county_narrows_to_a_township(self, scenario: Scenario) -> None:
        response = page(scenario.personas.county_admin, region=TOWNSHIP)
        assert response.context["grouping"] == "community"
        assert figures(response)[COMMUNITY_A]["submitted"] == 6
        crumbs = [c["label"] for c in response.context["breadcrumb"]]
        assert crumbs == ["办件统计", "乌兰浩特市", "爱国街道"]

    @pytest.mark.parametrize("region", [COMMUNITY_A, TOWNSHIP, COUNTY])
    def test_staff_b_cannot_look_into_community_a(self, scenario: Scenario, region: str) -> None:
        response = client_for(scenario.personas.staff_b).get(URL, {**MARCH, "region": region})
        assert response.status_code == 404

    def test_a_region_code_that_is_not_a_code_is_not_found(self, scenario: Scenario) -> None:
        client = client_for(scenario.personas.county_admin)
        assert client.get(URL, {**MARCH, "region": "1522'--"}).status_code == 404

    def test_grid_workers_and_administrators_have_no_indicators(self, scenario: Scenario) -> None:
        for persona in ("grid_worker", "system_admin"):
            user = getattr(scenario.personas, persona)
            assert client_for(user).get(URL).status_code == 403
            assert "dashboards:indicators" not in [m.url_name for m in modules_for(user)]

    def test_residents_are_sent_to_the_portal(self, scenario: Scenario) -> None:
        response = client_for(scenario.personas.resident).get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/")

    def test_case_staff_find_it_in_the_menu(self, scenario: Scenario) -> None:
        for persona in ("staff_a", "street_staff", "county_admin"):
            user = getattr(scenario.personas, persona)
            assert "dashboards:indicators" in [m.url_name for m in modules_for(user)]


@pytest.mark.django_db
class TestFigures:
    def test_rates_show_one_decimal_and_their_counts(self, scenario: Scenario) -> None:
        html = page(scenario.personas.street_staff).content.decode()
        total = html[html.index('class="db-total"') :]
        # 立案 4 of 5 decided; on time 1 of 2 closed; rework 1 of 2; satisfied 1 of 2 rated.
        assert "80.0%" in total
        assert total.count("50.0%") == 3
        assert "123.0 小时" in total  # (6 h + 240 h) / 2
        assert "count=filed" in total and "count=decided" in total

    def test_a_zero_denominator_shows_a_dash_not_a_rate(self, scenario: Scenario) -> None:
        response = page(scenario.personas.street_staff)
        empty = next(row for row in response.context["rows"] if row.code != COMMUNITY_A)
        assert str(db_rate(empty, "filed", "decided")).endswith(">—</span>")
        assert str(db_hours(empty)).endswith(">—</span>")
        assert str(db_count(empty, "submitted")) == "0"
        assert ">0.0%" not in response.content.decode()

    def test_every_nonzero_number_links_to_its_cases(self, scenario: Scenario) -> None:
        html = page(scenario.personas.staff_b).content.decode()
        for count in ("submitted", "decided", "filed", "closed", "closed_on_time", "rated"):
            assert f"count={count}" in html
        # Nothing overdue in B: a plain 0, no link to an empty list.
        assert "count=overdue_now" not in html

    def test_the_default_period_is_this_month(self, scenario: Scenario) -> None:
        import time_machine

        with time_machine.travel(MONDAY.replace(day=20), tick=False):
            response = client_for(scenario.personas.county_admin).get(URL)
        assert response.status_code == 200
        assert response.context["period"].label == "2026年3月1日 至 2026年3月31日"
        assert response.context["total"].figures["submitted"] == 7


@pytest.mark.django_db
class TestCost:
    """The indicators are aggregate SQL: more regions or more cases, the same queries."""

    def test_the_page_costs_the_same_queries_for_a_county_as_for_a_community(
        self, scenario: Scenario, django_assert_max_num_queries: Any
    ) -> None:
        counts = {}
        for persona in ("staff_a", "street_staff", "county_admin"):
            client = client_for(getattr(scenario.personas, persona))
            client.get(URL, MARCH)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(URL, MARCH).status_code == 200
            counts[persona] = len(queries)
        client = client_for(scenario.league_staff)
        with django_assert_max_num_queries(max(counts.values())):
            client.get(URL, MARCH)
        # The same for 4 communities as for 17 townships; community staff have no
        # jurisdiction switcher, one query fewer in the console's header.
        assert counts["street_staff"] == counts["county_admin"] <= 15
        assert counts["staff_a"] <= counts["county_admin"]

    def test_more_cases_cost_no_more_queries(
        self, scenario: Scenario, django_assert_max_num_queries: Any
    ) -> None:
        client = client_for(scenario.personas.county_admin)
        client.get(URL, MARCH)
        with CaptureQueriesContext(connection) as before:
            client.get(URL, MARCH)
        for _ in range(5):
            _submit(scenario.personas.resident, COMMUNITY_B)
        with django_assert_max_num_queries(len(before)):
            response = client.get(URL, MARCH)
        assert response.context["total"].figures["submitted"] == 12
