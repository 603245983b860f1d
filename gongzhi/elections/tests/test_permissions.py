"""Who may do what with an election of community A: a role × permission matrix (R2.3d)."""

from __future__ import annotations

import pytest

from conftest import Personas
from gongzhi.elections.models import Election

pytestmark = pytest.mark.django_db

#                     view   schedule  run
MATRIX = {
    "resident": (False, False, False),
    "grid_worker": (True, False, False),
    "staff_a": (True, False, True),
    "staff_b": (False, False, False),
    "street_staff": (True, True, True),
    "county_admin": (True, True, True),
    "system_admin": (False, False, False),
    "security_admin": (False, False, False),
    "audit_admin": (False, False, False),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_the_permission_matrix(persona: str, world: Personas, election: Election) -> None:
    user = getattr(world, persona)
    got = tuple(
        user.has_perm(f"elections.{perm}", election)
        for perm in ("view_election", "schedule_election", "run_election")
    )
    assert got == MATRIX[persona]
