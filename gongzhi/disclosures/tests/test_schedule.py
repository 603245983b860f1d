"""R2.3f, R4.3d: the schedule flags missing and late disclosures, boundary days included.

Defaults (policies.py): general matters quarterly, finances monthly, due 10 days after the
period ends; major matters within 5 days of the decision.
"""

from __future__ import annotations

import datetime
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.disclosures import schedule
from gongzhi.disclosures.enums import Category, Status, Timeliness
from gongzhi.disclosures.models import Disclosure, period_label
from gongzhi.disclosures.schedule import (
    Period,
    major_is_late,
    period_containing,
    period_under_check,
    timeliness,
)
from gongzhi.policy.models import PolicyVersion
from gongzhi.regions.models import Region

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def test_periods_are_calendar_months_and_quarters() -> None:
    assert period_containing(date(2026, 11, 29), 1) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert period_containing(date(2026, 11, 29), 3) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert period_containing(date(2024, 2, 10), 1).end == date(2024, 2, 29)


def test_the_period_under_check_is_the_last_one_that_ended() -> None:
    assert period_under_check(date(2026, 11, 1), 1) == OCTOBER
    assert period_under_check(date(2026, 10, 31), 1).label == "2026年9月"
    assert period_under_check(date(2026, 1, 5), 3).label == "2025年第四季度"


def test_period_labels_read_as_on_a_notice_board() -> None:
    assert period_label(date(2026, 10, 1), date(2026, 10, 31)) == "2026年10月"
    assert period_label(date(2026, 7, 1), date(2026, 9, 30)) == "2026年第三季度"
    assert period_label(date(2026, 1, 1), date(2026, 12, 31)) == "2026年"
    assert period_label(date(2026, 10, 3), date(2026, 10, 9)) == "2026年10月3日至2026年10月9日"


class TestTimeliness:
    """October's finances are due on 10 November (31 October + 10 days)."""

    def test_published_on_the_due_day_is_on_time(self) -> None:
        assert timeliness(date(2026, 11, 20), OCTOBER, 10, date(2026, 11, 10)) == Timeliness.ON_TIME

    def test_published_the_day_after_is_late(self) -> None:
        assert timeliness(date(2026, 11, 20), OCTOBER, 10, date(2026, 11, 11)) == Timeliness.LATE

    def test_nothing_published_on_the_due_day_is_not_yet_missing(self) -> None:
        assert timeliness(date(2026, 11, 10), OCTOBER, 10, None) == Timeliness.PENDING

    def test_nothing_published_the_day_after_is_missing(self) -> None:
        assert timeliness(date(2026, 11, 11), OCTOBER, 10, None) == Timeliness.MISSING

    def test_a_major_matter_is_late_after_its_days(self) -> None:
        assert not major_is_late(date(2026, 11, 1), date(2026, 11, 6), 5)
        assert major_is_late(date(2026, 11, 1), date(2026, 11, 7), 5)


def _published(code: str, category: str, start: date, end: date, on: date, **extra: Any) -> None:
    """A published row as the actions leave it (the workflow is tested elsewhere)."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    Disclosure.objects.create(
        community=Region.objects.get(region_code=code),
        region_code=code,
        category=category,
        period_start=start,
        period_end=end,
        title="测试",
        body="测试",
        status=Status.PUBLISHED,
        published_at=at,
        **extra,
    )


def _state(standing: schedule.CommunityStanding, category: str) -> Timeliness:
    return next(c.state for c in standing.categories if c.category == category)


@pytest.mark.django_db
class TestFlags:
    TODAY = date(2026, 11, 20)

    def test_the_street_sees_each_community_and_category(self, personas: Personas) -> None:
        _published(COMMUNITY_A, Category.FINANCES, OCTOBER.start, OCTOBER.end, date(2026, 11, 5))
        _published(
            COMMUNITY_A, Category.DECISIONS, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 25)
        )
        _published(
            COMMUNITY_A, Category.RELIEF, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 8)
        )
        found = {
            s.region_code: s
            for s in schedule.flags_for(personas.street_staff, today=self.TODAY, only_flagged=False)
        }
        a = found[COMMUNITY_A]
        assert _state(a, Category.FINANCES) == Timeliness.ON_TIME
        assert _state(a, Category.DECISIONS) == Timeliness.LATE  # due 10 October
        assert _state(a, Category.RELIEF) == Timeliness.ON_TIME
        assert _state(a, Category.OTHER) == Timeliness.MISSING
        finances = next(c for c in a.categories if c.category == Category.FINANCES)
        assert finances.last_period == "2026年10月"
        assert COMMUNITY_B not in found  # another street

    def test_only_flagged_communities_are_listed_by_default(self, personas: Personas) -> None:
        for category in Category.values:
            months = 1 if category == Category.FINANCES else 3
            period = period_under_check(self.TODAY, months)
            _published(COMMUNITY_A, category, period.start, period.end, period.end)
        codes = [s.region_code for s in schedule.flags_for(personas.street_staff, today=self.TODAY)]
        assert COMMUNITY_A not in codes
        assert codes  # the street's other communities have published nothing

    def test_a_late_major_matter_flags_its_community(self, personas: Personas) -> None:
        for category in Category.values:
            months = 1 if category == Category.FINANCES else 3
            period = period_under_check(self.TODAY, months)
            _published(COMMUNITY_A, category, period.start, period.end, period.end)
        _published(
            COMMUNITY_A,
            Category.DECISIONS,
            date(2026, 11, 1),
            date(2026, 11, 1),
            date(2026, 11, 9),
            is_major=True,
            decided_on=date(2026, 11, 1),
        )
        found = {
            s.region_code: s for s in schedule.flags_for(personas.street_staff, today=self.TODAY)
        }
        assert found[COMMUNITY_A].late_major == 1

    def test_the_interval_is_policy_data_a_league_may_change(self, personas: Personas) -> None:
        PolicyVersion.objects.create(
            key="disclosure.period.grace_days",
            value=20,
            effective_from=date(2026, 1, 1),
            region_code="1522",
            source="本盟设定（测试）",
        )
        found = {
            s.region_code: s
            for s in schedule.flags_for(personas.street_staff, today=self.TODAY, only_flagged=False)
        }
        assert (
            _state(found[COMMUNITY_A], Category.FINANCES) == Timeliness.PENDING
        )  # due 20 November

    def test_it_costs_a_fixed_number_of_queries(
        self, personas: Personas, django_assert_max_num_queries: Any
    ) -> None:
        with django_assert_max_num_queries(12):
            schedule.flags_for(personas.county_admin, today=self.TODAY, only_flagged=False)
