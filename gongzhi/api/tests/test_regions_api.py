"""GET /api/v1/regions/{code} and /children: the jurisdiction matrix over the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, LEAGUE, OTHER_COUNTY, TOWNSHIP, TOWNSHIP_B
from gongzhi.regions.models import Region

# A county of another league (兴安盟 is 1522; 1523 is 通辽市): not in anyone's jurisdiction.
OUTSIDE_LEAGUE = "152301"

# (persona, region code, expected status) — every persona against a region inside its
# jurisdiction and one outside it; residents have no jurisdiction at all.
MATRIX = [
    ("resident", COMMUNITY_A, 404),
    ("resident", COMMUNITY_B, 404),
    ("grid_worker", COMMUNITY_A, 200),
    ("grid_worker", COMMUNITY_B, 404),
    ("grid_worker", TOWNSHIP, 404),
    ("staff_a", COMMUNITY_A, 200),
    ("staff_a", COMMUNITY_B, 404),
    ("staff_a", TOWNSHIP, 404),
    ("staff_b", COMMUNITY_B, 200),
    ("staff_b", COMMUNITY_A, 404),
    ("street_staff", TOWNSHIP, 200),
    ("street_staff", COMMUNITY_A, 200),
    ("street_staff", TOWNSHIP_B, 404),
    ("street_staff", COMMUNITY_B, 404),
    ("street_staff", COUNTY, 404),
    ("county_admin", COUNTY, 200),
    ("county_admin", COMMUNITY_A, 200),
    ("county_admin", COMMUNITY_B, 200),
    ("county_admin", OTHER_COUNTY, 404),
    ("county_admin", LEAGUE, 404),
    ("system_admin", LEAGUE, 200),
    ("system_admin", OTHER_COUNTY, 200),
    ("system_admin", OUTSIDE_LEAGUE, 404),
    ("security_admin", LEAGUE, 200),
    ("security_admin", OUTSIDE_LEAGUE, 404),
    ("audit_admin", COMMUNITY_B, 200),
    ("audit_admin", OUTSIDE_LEAGUE, 404),
]


def full_code(code: str) -> str:
    return code.ljust(12, "0")


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["/api/v1/regions/{code}", "/api/v1/regions/{code}/children"])
@pytest.mark.parametrize(("persona", "code", "expected"), MATRIX)
def test_jurisdiction_matrix(personas, api_as, endpoint, persona, code, expected):
    client = api_as(getattr(personas, persona))

    for form in (code, full_code(code)):
        response = client.get(endpoint.format(code=form))

        assert response.status_code == expected, (persona, form, response.content)
        if expected == 404:
            assert response.json() == {
                "code": "not_found",
                "message": "未找到请求的对象",
                "fields": {},
            }


@pytest.mark.django_db
class TestRegionDetail:
    def test_it_shows_the_region_with_its_level_parent_and_counts(self, personas, api_as):
        response = api_as(personas.county_admin).get(f"/api/v1/regions/{TOWNSHIP}")

        assert response.status_code == 200
        region = response.json()
        assert region["code"] == "152201001000"
        assert region["region_code"] == TOWNSHIP
        assert region["name"] == "爱国街道"
        assert region["level"] == 3
        assert region["level_label"] == "苏木乡镇街道"
        assert region["parent_code"] == "152201000000"
        assert region["parent_region_code"] == COUNTY
        expected_children = Region.objects.filter(
            parent__region_code=TOWNSHIP, is_active=True
        ).count()
        assert expected_children > 0
        assert region["counts"]["subdivisions"] == expected_children
        assert set(region["counts"]) == {"subdivisions", "grids", "compounds", "buildings"}

    def test_a_nonexistent_code_and_a_code_outside_the_jurisdiction_read_the_same(
        self, personas, api_as
    ):
        client = api_as(personas.staff_a)

        outside = client.get(f"/api/v1/regions/{COMMUNITY_B}")
        missing = client.get("/api/v1/regions/152201001999")

        assert outside.status_code == missing.status_code == 404
        assert outside.json() == missing.json()

    def test_a_code_that_is_not_digits_is_not_found(self, personas, api_as):
        assert api_as(personas.county_admin).get("/api/v1/regions/abc").status_code == 404


@pytest.mark.django_db
class TestChildren:
    def test_it_lists_the_children_with_their_counts(self, personas, api_as):
        response = api_as(personas.county_admin).get(f"/api/v1/regions/{COUNTY}/children")

        assert response.status_code == 200
        page = response.json()
        townships = Region.objects.filter(parent__region_code=COUNTY, is_active=True).order_by(
            "code"
        )
        assert page["count"] == townships.count()
        assert [item["code"] for item in page["items"]] == [t.code for t in townships][:50]
        first = page["items"][0]
        assert first["level_label"] == "苏木乡镇街道"
        assert (
            first["counts"]["subdivisions"]
            == Region.objects.filter(parent__code=first["code"], is_active=True).count()
        )

    def test_a_community_has_no_children(self, personas, api_as):
        page = api_as(personas.staff_a).get(f"/api/v1/regions/{COMMUNITY_A}/children").json()

        assert page == {"items": [], "count": 0}


@pytest.mark.django_db
def test_the_children_list_costs_the_same_queries_however_many_children(personas, api_as):
    client = api_as(personas.system_admin)
    few, many = "152201001", "152223100"  # 爱国街道 and the league's largest township
    assert (
        Region.objects.filter(parent__region_code=many).count()
        > 5 * Region.objects.filter(parent__region_code=few).count()
    )

    counts = []
    for code in (few, many):
        client.get(f"/api/v1/regions/{code}/children")  # warm the token's last-use stamp
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/regions/{code}/children").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
