"""Working-time arithmetic for the service commitments (承诺时限), in Asia/Shanghai.

Deadlines are counted in working time, as government service commitments are: "N 个工作日"
or "N 个工作小时". A day is a working day as the State Council's yearly holiday notice
says — public holidays off, adjusted weekends (调休) on — which the maintained
``chinese-calendar`` package knows year by year; local holidays and adjustments that
the national notice does not carry (a league's own days, an emergency closure) are rows
of ``CalendarDay`` and win over the package, the longest matching jurisdiction prefix
first. For a year the package does not know yet, Monday to Friday are working days until
the package is updated or the year's days are entered as ``CalendarDay`` rows.

Office hours are data: ``settings.GONGZHI_OFFICE_HOURS`` (a list of ``("HH:MM", "HH:MM")``
pairs) overrides ``DEFAULT_OFFICE_HOURS``, the winter hours of the league's government
service halls (08:30–12:00, 14:30–17:30); a deployment with summer hours sets them there.

Conventions:

- N working hours from a moment: the moment after N hours of office time have passed
  (time outside office hours does not count).
- N working days from a moment: the end of office hours on the N-th working day after the
  day of the moment (the day itself does not count: a case taken on Friday afternoon with
  1 working day is due Monday 17:30).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from gongzhi.cases.enums import TimeUnit

TIME_ZONE = ZoneInfo("Asia/Shanghai")
# Winter office hours of the league's service halls; a default to be configured per
# deployment through settings.GONGZHI_OFFICE_HOURS.
DEFAULT_OFFICE_HOURS: tuple[tuple[str, str], ...] = (("08:30", "12:00"), ("14:30", "17:30"))
# No commitment runs longer than this; a longer walk means bad data, not a deadline.
MAX_DAYS_SCANNED = 3 * 366


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def office_hours() -> tuple[tuple[time, time], ...]:
    pairs: Iterable[Sequence[str]] = getattr(settings, "GONGZHI_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    return tuple((_parse(start), _parse(end)) for start, end in pairs)


def national_is_workday(day: date) -> bool:
    """The State Council calendar's answer; Monday to Friday for a year it does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


class WorkCalendar:
    """Working days and office hours for one jurisdiction.

    Build it with ``for_region(code)``, which reads the overrides once (one query); then
    every computation runs in memory.
    """

    def __init__(
        self,
        overrides: dict[date, bool] | None = None,
        hours: tuple[tuple[time, time], ...] | None = None,
    ) -> None:
        self.overrides = overrides or {}
        self.hours = hours or office_hours()

    @classmethod
    def for_region(cls, region_code: str = "") -> WorkCalendar:
        from gongzhi.cases.models import CalendarDay

        prefixes = {region_code[:n] for n in range(len(region_code) + 1)}
        chosen: dict[date, tuple[int, bool]] = {}
        rows = CalendarDay.objects.filter(region_prefix__in=prefixes).values_list(
            "date", "region_prefix", "is_workday"
        )
        for day, prefix, is_workday in rows:
            if day not in chosen or len(prefix) > chosen[day][0]:
                chosen[day] = (len(prefix), is_workday)
        return cls({day: flag for day, (_length, flag) in chosen.items()})

    @classmethod
    def for_regions(
        cls, region_codes: Iterable[str], since: date | None = None
    ) -> dict[str, WorkCalendar]:
        """``for_region`` for many jurisdictions at once, in one query (the sweep's).

        ``since`` leaves out the overrides of earlier days (a deadline counted from a
        moment on or after it never reads them). Jurisdictions with the same overrides
        share one calendar object.
        """
        from gongzhi.cases.models import CalendarDay

        rows = CalendarDay.objects.all()
        if since is not None:
            rows = rows.filter(date__gte=since)
        by_prefix: dict[str, list[tuple[date, bool]]] = {}
        for day, prefix, is_workday in rows.values_list("date", "region_prefix", "is_workday"):
            by_prefix.setdefault(prefix, []).append((day, is_workday))
        shared: dict[frozenset[tuple[date, bool]], WorkCalendar] = {}
        calendars: dict[str, WorkCalendar] = {}
        for code in set(region_codes):
            chosen: dict[date, tuple[int, bool]] = {}
            for length in range(len(code) + 1):
                for day, is_workday in by_prefix.get(code[:length], ()):
                    if day not in chosen or length > chosen[day][0]:
                        chosen[day] = (length, is_workday)
            overrides = frozenset((day, flag) for day, (_length, flag) in chosen.items())
            if overrides not in shared:
                shared[overrides] = cls(dict(overrides))
            calendars[code] = shared[overrides]
        return calendars

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return national_is_workday(day)

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office periods of ``day`` as aware datetimes; none on a day off."""
        if not self.is_workday(day):
            return []
        return [
            (datetime.combine(day, start, TIME_ZONE), datetime.combine(day, end, TIME_ZONE))
            for start, end in self.hours
        ]

    def next_workday(self, day: date) -> date:
        for offset in range(1, MAX_DAYS_SCANNED):
            candidate = day + timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError("no working day within three years")

    def add_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment after ``minutes`` of office time from ``start``."""
        start = start.astimezone(TIME_ZONE)
        remaining = timedelta(minutes=minutes)
        if remaining <= timedelta(0):
            return start
        day = start.date()
        for _offset in range(MAX_DAYS_SCANNED):
            for period_start, period_end in self.periods(day):
                begin = max(period_start, start)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise ValueError("the working time to add is longer than three years")

    def add_hours(self, start: datetime, hours: float) -> datetime:
        return self.add_minutes(start, hours * 60)

    def add_days(self, start: datetime, days: int) -> datetime:
        """The end of office hours on the ``days``-th working day after ``start``'s day.

        ``days == 0`` means the end of the same working day (or of the next one when
        ``start`` falls on a day off or after hours).
        """
        start = start.astimezone(TIME_ZONE)
        day = start.date()
        if days <= 0:
            periods = self.periods(day)
            if periods and start < periods[-1][1]:
                return periods[-1][1]
            return self.periods(self.next_workday(day))[-1][1]
        for _count in range(days):
            day = self.next_workday(day)
        return self.periods(day)[-1][1]

    def add(self, start: datetime, unit: str, amount: int) -> datetime:
        if unit == TimeUnit.WORKING_DAYS:
            return self.add_days(start, amount)
        return self.add_hours(start, amount)

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Office minutes between two moments (0 when ``end`` is not after ``start``)."""
        start, end = start.astimezone(TIME_ZONE), end.astimezone(TIME_ZONE)
        if end <= start:
            return 0.0
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            for period_start, period_end in self.periods(day):
                begin, finish = max(period_start, start), min(period_end, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 60

    def warn_at(self, start: datetime, deadline: datetime, fraction: float) -> datetime:
        """When the period from ``start`` to ``deadline`` enters its last ``fraction``
        of working time (the due-soon warning, 临期提醒)."""
        total = self.minutes_between(start, deadline)
        if total <= 0 or fraction <= 0:
            return deadline
        return min(self.add_minutes(start, math.floor(total * (1 - fraction))), deadline)
