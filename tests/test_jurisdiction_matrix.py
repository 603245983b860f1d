"""Every role against an in-scope and an out-of-scope place, on the staff console pages.

One table for the whole console, read row by row: a persona, a page of community A or of
community B (another township), and the status the persona must get. Outside the
jurisdiction the answer is 404 — the page does not reveal that the place exists; a
module the role may not use at all is 403. The API has the same matrix in
``gongzhi/api/tests/test_regions_api.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import login
from gongzhi.organisations.models import Organisation
from gongzhi.organisations.seed import seed_organisations
from gongzhi.regions.demo import create_demo_places
from gongzhi.regions.models import Grid

PAGES = ("region", "grid", "organisation", "account", "audit")

# persona: {page: (status for A's page, status for B's page)}
MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "resident": {
        "region": (404, 404),
        "grid": (404, 404),
        "organisation": (404, 404),
        "account": (403, 403),
        "audit": (403, 403),
    },
    "grid_worker": {
        "region": (200, 404),
        "grid": (200, 404),
        "organisation": (200, 404),
        "account": (403, 403),
        "audit": (403, 403),
    },
    "staff_a": {
        "region": (200, 404),
        "grid": (200, 404),
        "organisation": (200, 404),
        "account": (403, 403),
        "audit": (403, 403),
    },
    "staff_b": {
        "region": (404, 200),
        "grid": (404, 200),
        "organisation": (404, 200),
        "account": (403, 403),
        "audit": (403, 403),
    },
    "street_staff": {
        "region": (200, 404),
        "grid": (200, 404),
        "organisation": (200, 404),
        "account": (403, 403),
        "audit": (403, 403),
    },
    "county_admin": {
        "region": (200, 200),
        "grid": (200, 200),
        "organisation": (200, 200),
        "account": (403, 403),
        "audit": (403, 403),
    },
    # The 三员 browse places (to bind accounts to them) but do no casework: the
    # organisations directory is not theirs, and each sees only their own duty.
    "system_admin": {
        "region": (200, 200),
        "grid": (200, 200),
        "organisation": (404, 404),
        "account": (200, 200),
        "audit": (403, 403),
    },
    "security_admin": {
        "region": (200, 200),
        "grid": (200, 200),
        "organisation": (404, 404),
        "account": (200, 200),
        "audit": (403, 403),
    },
    "audit_admin": {
        "region": (200, 200),
        "grid": (200, 200),
        "organisation": (404, 404),
        "account": (200, 200),
        "audit": (200, 200),
    },
}


@pytest.fixture
def places(personas: Personas) -> dict[str, dict[str, str]]:
    create_demo_places()
    seed_organisations()

    def urls(community: str, staff: Any) -> dict[str, str]:
        grid = Grid.objects.filter(community__region_code=community).first()
        assert grid is not None, community
        committee = Organisation.objects.get(region_code=community, kind="residents_committee")
        return {
            "region": f"/console/regions/{community}/",
            "grid": f"/console/regions/grids/{grid.region_code}/",
            "organisation": f"/console/organisations/{committee.pk}/",
            "account": f"/console/accounts/{staff.pk}/",
            "audit": f"/console/audit/?region={community}",
        }

    return {"A": urls(COMMUNITY_A, personas.staff_a), "B": urls(COMMUNITY_B, personas.staff_b)}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_each_role_sees_exactly_its_jurisdiction(
    client: Client, personas: Personas, places: dict[str, dict[str, str]], persona: str
) -> None:
    login(client, getattr(personas, persona))
    got = {
        page: (client.get(places["A"][page]).status_code, client.get(places["B"][page]).status_code)
        for page in PAGES
    }
    assert got == MATRIX[persona]


@pytest.mark.django_db
def test_out_of_scope_pages_do_not_name_the_place(
    client: Client, personas: Personas, places: dict[str, dict[str, str]]
) -> None:
    login(client, personas.staff_b)
    response = client.get(places["A"]["region"])
    assert response.status_code == 404
    assert "万佳社区" not in response.content.decode()


@pytest.mark.django_db
def test_search_finds_nothing_outside_the_jurisdiction(client: Client, personas: Personas) -> None:
    login(client, personas.staff_b)
    found_b = client.get("/console/regions/search/", {"q": "红云"}).content.decode()
    found_a = client.get("/console/regions/search/", {"q": "万佳"}).content.decode()
    assert "红云社区居委会" in found_b
    assert "万佳社区居委会" not in found_a

    login(client, personas.resident)
    assert (
        "万佳社区居委会"
        not in client.get("/console/regions/search/", {"q": "万佳"}).content.decode()
    )
