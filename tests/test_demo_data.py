"""`make run`'s setup: the demo lands on the real regions; a second run adds nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

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


def test_demo_data_refuses_a_negative_or_absurd_population(regions: None) -> None:
    for number in ("-1", "30000000"):
        with pytest.raises(CommandError, match="--residents"):
            call_command("demo_data", "--residents", number)


def test_a_large_demo_population_is_imported_over_the_whole_league(
    regions: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the small size, demo_data writes a synthetic population and imports it."""
    from gongzhi.console.management.commands import demo_data

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(demo_data, "SMALL_DEMO_RESIDENTS", 20)
    out = StringIO()
    call_command(
        "demo_data", "--residents", "300", "--quiet-accounts", stdout=out, stderr=StringIO()
    )
    assert "合成人口：300 行，新增 300" in out.getvalue()
    synthetic = Resident.objects.filter(household__number__startswith="S")
    assert synthetic.count() == 300
    counties = set(synthetic.values_list("region_code", flat=True).distinct())
    assert len({code[:6] for code in counties}) >= 4  # spread over the league, not one place
    again = StringIO()
    call_command(
        "demo_data", "--residents", "300", "--quiet-accounts", stdout=again, stderr=StringIO()
    )
    assert "新增 0，未变 300" in again.getvalue()
