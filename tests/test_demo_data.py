"""`make run`'s setup: the demo lands on the real regions; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts.models import User
from gongzhi.organisations.models import Organisation
from gongzhi.regions.models import Grid, Region
from gongzhi.residents.models import Resident

pytestmark = pytest.mark.django_db


def test_bootstrap_builds_the_demo_once_and_then_reuses_it() -> None:
    first = StringIO()
    call_command("bootstrap", stdout=first)
    counts = (
        Region.objects.count(),
        Grid.objects.count(),
        Organisation.objects.count(),
        Resident.objects.count(),
        User.objects.count(),
    )
    assert counts[0] == 1217
    assert all(counts), counts
    assert "demo_county" in first.getvalue()
    assert "Demo#2026a" in first.getvalue()

    second = StringIO()
    call_command("bootstrap", stdout=second)
    assert "跳过导入" in second.getvalue()
    assert (
        Region.objects.count(),
        Grid.objects.count(),
        Organisation.objects.count(),
        Resident.objects.count(),
        User.objects.count(),
    ) == counts


def test_demo_data_refuses_a_league_sized_population(regions: None) -> None:
    with pytest.raises(CommandError, match="--residents"):
        call_command("demo_data", "--residents", "1420000")
