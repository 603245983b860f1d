"""The per-process copies of reference data (``cases.lookups``): a submission reads them
with one statement, and any write to their tables — bulk and raw ones included — is seen
by the next lookup (issue 4: creation under concurrent clients)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import COMMUNITY_A, TOWNSHIP, Personas
from gongzhi.cases import lookups
from gongzhi.cases.calendar import WorkCalendar
from gongzhi.cases.models import CalendarDay, Category
from gongzhi.cases.tests.conftest import submit
from gongzhi.organisations.models import Organisation
from gongzhi.organisations.seed import seed_organisations
from gongzhi.regions.models import Region
from gongzhi.service_requests import queries

pytestmark = pytest.mark.django_db


def tables_read(captured: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


class TestLookups:
    def test_a_warm_lookup_reads_only_the_versions(self, world: Personas) -> None:
        lookups.current().category("exposed-garbage")
        with CaptureQueriesContext(connection) as captured:
            found = lookups.current().category("exposed-garbage")
        assert found is not None and found.name
        assert len(captured.captured_queries) == 1
        assert "cases_category" not in tables_read(captured)

    def test_a_bulk_update_is_seen_by_the_next_lookup(self, world: Personas) -> None:
        assert queries.service("exposed-garbage") is not None
        Category.objects.filter(code="exposed-garbage").update(is_active=False)
        assert queries.service("exposed-garbage") is None

    def test_a_raw_sql_write_is_seen_by_the_next_lookup(self, world: Personas) -> None:
        assert lookups.current().region(COMMUNITY_A).name != "改名社区"  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE regions_region SET name = %s WHERE region_code = %s",
                ["改名社区", COMMUNITY_A],
            )
        assert lookups.current().region(COMMUNITY_A).name == "改名社区"  # type: ignore[union-attr]

    def test_a_change_to_the_returned_instance_stays_with_the_caller(self, world: Personas) -> None:
        category = lookups.current().category("exposed-garbage")
        assert category is not None
        category.name = "别的名字"
        assert lookups.current().category("exposed-garbage").name != "别的名字"  # type: ignore[union-attr]

    def test_unit_bodies_follow_the_directory(self, world: Personas) -> None:
        assert lookups.current().unit_body(COMMUNITY_A) is None
        seed_organisations()
        expected = (
            Organisation.objects.active()
            .filter(region__region_code=TOWNSHIP, kind="township_office")
            .order_by("pk")
            .first()
        )
        found = lookups.current().unit_body(TOWNSHIP)
        assert found is not None and expected is not None and found.pk == expected.pk
        Organisation.objects.filter(pk=expected.pk).update(is_active=False)
        after = lookups.current().unit_body(TOWNSHIP)
        assert after is None or after.pk != expected.pk

    def test_calendars_follow_local_days(self, world: Personas) -> None:
        # 2026-03-02 is a Monday: a working day until the league declares it a holiday.
        monday = date(2026, 3, 2)
        assert lookups.current().calendar(COMMUNITY_A).is_workday(monday)
        CalendarDay.objects.create(date=monday, is_workday=False, region_prefix="1522")
        calendar = lookups.current().calendar(COMMUNITY_A)
        assert not calendar.is_workday(monday)
        assert calendar.overrides == WorkCalendar.for_region(COMMUNITY_A).overrides

    def test_a_table_without_a_version_is_never_kept(self, world: Personas) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_lookupversion WHERE name = 'regions_region'")
        lookups.current().region(COMMUNITY_A)
        with CaptureQueriesContext(connection) as captured:
            lookups.current().region(COMMUNITY_A)
        assert "regions_region" in tables_read(captured)

    def test_a_submission_reads_no_reference_table_when_warm(self, world: Personas) -> None:
        submit(world.resident)
        with CaptureQueriesContext(connection) as captured:
            submit(world.resident)
        read = tables_read(captured)
        for table in ("cases_category", "regions_region", "organisations_organisation"):
            assert f'FROM "{table}"' not in read
        assert "cases_calendarday" not in read
        assert Region.objects.filter(region_code=COMMUNITY_A).exists()
