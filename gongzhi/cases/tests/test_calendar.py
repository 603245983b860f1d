"""Working-time arithmetic across national holidays and adjusted weekends (调休).

Dates are real: 2025 国庆/中秋 (10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked)
and 2026 春节 (02-15…02-23 off, Saturday 02-14 and Saturday 02-28 worked), as the State
Council notices say and the chinese-calendar package knows.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gongzhi.cases.calendar import TIME_ZONE, WorkCalendar, national_is_workday
from gongzhi.cases.enums import TimeUnit
from gongzhi.cases.models import CalendarDay


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TIME_ZONE)


CAL = WorkCalendar()


class TestWorkingDays:
    def test_national_day_holidays_are_skipped(self) -> None:
        assert CAL.add_days(at(2025, 9, 30), 1) == at(2025, 10, 9, 17, 30)

    def test_an_adjusted_sunday_before_national_day_is_a_working_day(self) -> None:
        assert national_is_workday(date(2025, 9, 28))  # Sunday
        assert CAL.add_days(at(2025, 9, 26), 1) == at(2025, 9, 28, 17, 30)

    def test_an_adjusted_saturday_after_national_day_counts(self) -> None:
        # 10-09 Thu, 10-10 Fri, 10-11 Sat (worked), then Monday 10-13.
        assert CAL.add_days(at(2025, 10, 9), 2) == at(2025, 10, 11, 17, 30)
        assert CAL.add_days(at(2025, 10, 9), 3) == at(2025, 10, 13, 17, 30)

    def test_spring_festival_is_skipped_and_its_adjusted_saturdays_count(self) -> None:
        assert CAL.add_days(at(2026, 2, 13), 1) == at(2026, 2, 14, 17, 30)  # Saturday worked
        assert CAL.add_days(at(2026, 2, 14), 1) == at(2026, 2, 24, 17, 30)
        # 02-24…02-27 Tue–Fri, 02-28 Saturday worked.
        assert CAL.add_days(at(2026, 2, 14), 5) == at(2026, 2, 28, 17, 30)

    def test_ten_working_days_over_an_ordinary_weekend(self) -> None:
        assert CAL.add_days(at(2026, 3, 2), 10) == at(2026, 3, 16, 17, 30)

    def test_zero_days_means_the_end_of_this_working_day(self) -> None:
        assert CAL.add_days(at(2026, 3, 2), 0) == at(2026, 3, 2, 17, 30)
        assert CAL.add_days(at(2026, 3, 7), 0) == at(2026, 3, 9, 17, 30)  # Saturday

    def test_a_year_the_package_does_not_know_falls_back_to_weekdays(self) -> None:
        assert national_is_workday(date(2031, 1, 6))  # Monday
        assert not national_is_workday(date(2031, 1, 4))  # Saturday


class TestWorkingHours:
    def test_the_lunch_break_does_not_count(self) -> None:
        assert CAL.add_hours(at(2026, 3, 2, 11, 0), 2) == at(2026, 3, 2, 15, 30)

    def test_time_before_the_office_opens_does_not_count(self) -> None:
        assert CAL.add_hours(at(2026, 3, 2, 7, 0), 1) == at(2026, 3, 2, 9, 30)

    def test_hours_carry_over_a_holiday_into_an_adjusted_saturday(self) -> None:
        assert CAL.add_hours(at(2026, 2, 13, 16, 30), 2) == at(2026, 2, 14, 9, 30)

    def test_hours_carry_over_the_whole_spring_festival(self) -> None:
        assert CAL.add_hours(at(2026, 2, 14, 17, 0), 1) == at(2026, 2, 24, 9, 0)

    def test_a_working_day_has_six_and_a_half_office_hours(self) -> None:
        assert CAL.minutes_between(at(2026, 3, 2, 8, 30), at(2026, 3, 2, 17, 30)) == 390
        assert CAL.minutes_between(at(2026, 3, 6, 8, 30), at(2026, 3, 9, 8, 30)) == 390

    def test_add_dispatches_on_the_unit(self) -> None:
        start = at(2026, 3, 2, 9, 0)
        assert CAL.add(start, TimeUnit.WORKING_HOURS, 8) == at(2026, 3, 3, 10, 30)
        assert CAL.add(start, TimeUnit.WORKING_DAYS, 1) == at(2026, 3, 3, 17, 30)

    def test_the_warning_comes_in_the_last_fifth_of_the_working_time(self) -> None:
        start, deadline = at(2026, 3, 2, 8, 30), at(2026, 3, 6, 17, 30)  # 5 days, 1950 min
        # 1560 minutes in: the end of Thursday, which is the same working moment as
        # Friday 08:30 (a period that ends exactly at closing time ends there).
        assert CAL.warn_at(start, deadline, 0.2) == at(2026, 3, 5, 17, 30)
        assert CAL.warn_at(start, deadline, 0) == deadline


@pytest.mark.django_db
class TestLocalOverrides:
    def test_a_local_holiday_applies_inside_its_jurisdiction_only(self) -> None:
        CalendarDay.objects.create(
            date=date(2026, 3, 3), is_workday=False, name="地方假日", region_prefix="152201"
        )
        inside = WorkCalendar.for_region("152201001001")
        outside = WorkCalendar.for_region("152202001001")
        assert inside.add_days(at(2026, 3, 2), 1) == at(2026, 3, 4, 17, 30)
        assert outside.add_days(at(2026, 3, 2), 1) == at(2026, 3, 3, 17, 30)

    def test_the_longest_matching_prefix_wins(self) -> None:
        CalendarDay.objects.create(date=date(2026, 3, 7), is_workday=True, region_prefix="")
        CalendarDay.objects.create(
            date=date(2026, 3, 7), is_workday=False, region_prefix="152201001"
        )
        assert WorkCalendar.for_region("152201002001").is_workday(date(2026, 3, 7))
        assert not WorkCalendar.for_region("152201001001").is_workday(date(2026, 3, 7))
