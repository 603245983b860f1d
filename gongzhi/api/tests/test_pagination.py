"""Lists answer {"items": [...], "count": N} and page with limit (≤ 200) and offset."""

from __future__ import annotations

import pytest

from conftest import COUNTY
from gongzhi.regions.models import Region

BIG_TOWNSHIP = "152223100"


@pytest.fixture
def county_children(personas, api_as):
    client = api_as(personas.county_admin)
    codes = list(
        Region.objects.filter(parent__region_code=COUNTY, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert len(codes) > 3
    return client, codes


@pytest.mark.django_db
class TestPagination:
    def test_a_page_has_items_and_the_total_count(self, county_children):
        client, codes = county_children

        page = client.get(f"/api/v1/regions/{COUNTY}/children", limit=2).json()

        assert set(page) == {"items", "count"}
        assert page["count"] == len(codes)
        assert [item["code"] for item in page["items"]] == codes[:2]

    def test_offset_moves_through_the_list(self, county_children):
        client, codes = county_children

        page = client.get(f"/api/v1/regions/{COUNTY}/children", limit=2, offset=2).json()

        assert [item["code"] for item in page["items"]] == codes[2:4]
        assert page["count"] == len(codes)

    def test_an_offset_past_the_end_gives_an_empty_page(self, county_children):
        client, codes = county_children

        page = client.get(f"/api/v1/regions/{COUNTY}/children", offset=len(codes)).json()

        assert page == {"items": [], "count": len(codes)}

    def test_the_default_page_holds_fifty(self, personas, api_as):
        # 152223100 has the most communities of any township in the league's tree.
        client = api_as(personas.system_admin)
        total = Region.objects.filter(parent__region_code=BIG_TOWNSHIP, is_active=True).count()
        assert total > 50

        first = client.get(f"/api/v1/regions/{BIG_TOWNSHIP}/children").json()
        rest = client.get(f"/api/v1/regions/{BIG_TOWNSHIP}/children", offset=50).json()

        assert len(first["items"]) == 50
        assert len(rest["items"]) == total - 50
        assert first["count"] == rest["count"] == total

    @pytest.mark.parametrize(
        ("params", "field", "reason"),
        [
            ({"limit": 201}, "limit", "不能大于 200"),
            ({"limit": 0}, "limit", "不能小于 1"),
            ({"offset": -1}, "offset", "不能小于 0"),
            ({"limit": "many"}, "limit", "须为整数"),
        ],
    )
    def test_it_refuses_a_bad_page_request_naming_the_field(
        self, county_children, params, field, reason
    ):
        client, _ = county_children

        response = client.get(f"/api/v1/regions/{COUNTY}/children", **params)

        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["fields"] == {field: reason}
        assert field in body["message"] and reason in body["message"]
