"""manage.py seed_organisations: prints what it made and, on request, what it skipped and why."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.organisations.models import Organisation


@pytest.mark.django_db
class TestSeedCommand:
    def test_it_reports_the_counts_and_the_skipped_divisions(self, regions: None) -> None:
        out = StringIO()
        call_command("seed_organisations", "--show-skipped", stdout=out)
        text = out.getvalue()
        assert f"组织机构新建 {Organisation.objects.count()} 个" in text
        assert "跳过 152223400 内蒙古自治区图牧吉强制隔离戒毒所：监管场所" in text

    def test_it_refuses_before_the_regions_are_loaded(self, db: None) -> None:
        with pytest.raises(CommandError, match="load_regions"):
            call_command("seed_organisations", stdout=StringIO())
