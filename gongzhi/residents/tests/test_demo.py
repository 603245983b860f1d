"""The demo population: valid, plausible, idempotent."""

from __future__ import annotations

import pytest

from gongzhi.core.idcard import parse_citizen_id
from gongzhi.regions.demo import create_demo_places
from gongzhi.residents import queries
from gongzhi.residents.demo import create_demo_residents
from gongzhi.residents.models import Household, Resident

pytestmark = pytest.mark.django_db


def test_it_creates_a_plausible_population_once(regions: None) -> None:
    create_demo_places()
    result = create_demo_residents(n=60, seed=0)
    assert result.residents == Resident.objects.count() >= 60
    assert result.households == Household.objects.count()
    assert "152221101200" in result.communities
    residents = list(Resident.objects.all())
    mongol = sum(r.ethnicity == "02" for r in residents) / len(residents)
    assert 0.2 < mongol < 0.65
    assert any(queries.is_minor(r) for r in residents)
    for resident in residents[:10]:
        parsed = parse_citizen_id(resident.id_number.reveal())
        assert (parsed.sex, parsed.birth_date) == (resident.sex, resident.birth_date)
    assert Resident.objects.filter(tags__isnull=False).exists()
    again = create_demo_residents(n=60, seed=0)
    assert (again.residents, again.households) == (0, 0)
    assert again.skipped == result.households
    assert Resident.objects.count() == result.residents
