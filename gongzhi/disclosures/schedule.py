"""按期公开 — whether each community has disclosed each category on schedule (R2.3f, R4.3d).

The schedule is policy data (``policies.py``): general matters every ``interval`` months
(3: quarterly), finances every month, each due ``grace`` days after its period ends;
major matters within N days of the decision. Periods are calendar-aligned (months,
quarters). For one community and category on ``today``:

- the **period under check** is the latest period that has ended before ``today``;
- its **due date** is the period's last day plus the grace days;
- it is **on time** (按时公开) when a published disclosure of the category overlapping the
  period was first published on or before the due date, **late** (逾期公开) when it was
  published after it, **missing** (未公开) when none is published and the due date has
  passed, and **pending** (公开期限未到) when none is published yet but the due date has not.

``flags_for`` computes this for every community in a jurisdiction in five queries whatever
its size (regions, the rows overlapping the periods under check, the last period per
category, its label rows, and major matters), then works in memory: at league scale that
is 1,120 communities × 5 categories. A province-wide view would read a nightly rollup.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from gongzhi.core.scoping import scope_of, within
from gongzhi.disclosures.enums import FLAGGED, Category, Status, Timeliness
from gongzhi.disclosures.models import Disclosure, period_label
from gongzhi.disclosures.policies import (
    FINANCE_INTERVAL,
    GENERAL_INTERVAL,
    GRACE_DAYS,
    MAJOR_WITHIN_DAYS,
)
from gongzhi.policy import registry
from gongzhi.policy.queries import PolicyValue, applicable, versions
from gongzhi.regions.models import Level, Region

# How far back major matters are checked for late publication.
MAJOR_LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


def period_containing(day: date, months: int) -> Period:
    """The calendar-aligned period of ``months`` months that contains ``day``
    (1: the month, 3: the quarter, 6: the half year, 12: the year)."""
    months = max(1, months)
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    index = start.year * 12 + start.month - 1 + months
    end = date(index // 12, index % 12 + 1, 1) - timedelta(days=1)
    return Period(start, end)


def period_under_check(today: date, months: int) -> Period:
    """The latest period that ended before ``today``."""
    current = period_containing(today, months)
    return period_containing(current.start - timedelta(days=1), months)


def timeliness(
    today: date, period: Period, grace_days: int, first_published: date | None
) -> Timeliness:
    due = period.end + timedelta(days=grace_days)
    if first_published is not None:
        return Timeliness.ON_TIME if first_published <= due else Timeliness.LATE
    return Timeliness.MISSING if today > due else Timeliness.PENDING


def major_is_late(decided_on: date, published_on: date, within_days: int) -> bool:
    return published_on > decided_on + timedelta(days=within_days)


@dataclass
class CategoryState:
    """One community's standing in one category."""

    category: str
    period: Period
    due: date
    state: Timeliness
    first_published: date | None
    last_period: str  # label of the latest published period, "" when never published
    interval_months: int

    @property
    def is_flagged(self) -> bool:
        return self.state in FLAGGED

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    @property
    def state_label(self) -> str:
        return str(Timeliness(self.state).label)


@dataclass
class CommunityStanding:
    region_code: str
    name: str
    township: str
    categories: list[CategoryState] = field(default_factory=list)
    late_major: int = 0

    @property
    def flags(self) -> list[CategoryState]:
        return [c for c in self.categories if c.is_flagged]

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags) or self.late_major > 0


@dataclass(frozen=True)
class Rules:
    """The schedule values that apply to one community, with their sources."""

    general: PolicyValue
    finances: PolicyValue
    grace: PolicyValue
    major: PolicyValue

    def interval(self, category: str) -> int:
        value = self.finances.value if category == Category.FINANCES else self.general.value
        return int(value)  # type: ignore[arg-type]


class RuleBook:
    """Every version of the schedule policies, read once; ``for_place`` picks in memory."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._found = {
            key: versions(registry.get(key))
            for key in (GENERAL_INTERVAL, FINANCE_INTERVAL, GRACE_DAYS, MAJOR_WITHIN_DAYS)
        }
        self._cache: dict[str, Rules] = {}

    def _pick(self, key: str, code: str) -> PolicyValue:
        chosen = applicable(self._found[key], code, self.today)
        if chosen is None:
            raise LookupError(f"policy {key!r} has no version for {code!r} on {self.today}")
        return chosen

    def for_place(self, code: str) -> Rules:
        if code not in self._cache:
            self._cache[code] = Rules(
                general=self._pick(GENERAL_INTERVAL, code),
                finances=self._pick(FINANCE_INTERVAL, code),
                grace=self._pick(GRACE_DAYS, code),
                major=self._pick(MAJOR_WITHIN_DAYS, code),
            )
        return self._cache[code]


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def standings(communities: list[Region], *, today: date | None = None) -> list[CommunityStanding]:
    """The schedule standing of each community, five queries for the whole list."""
    day = today or timezone.localdate()
    book = RuleBook(day)
    if not communities:
        return []
    codes = [c.region_code for c in communities]
    prefix = _common_prefix(codes)
    published = Disclosure.objects.filter(within(prefix), status=Status.PUBLISHED)
    checks: dict[tuple[str, str], tuple[Period, int, int]] = {}
    earliest = day
    for code in codes:
        rules = book.for_place(code)
        for category in Category.values:
            months = rules.interval(category)
            period = period_under_check(day, months)
            checks[(code, category)] = (period, int(rules.grace.value), months)  # type: ignore[arg-type]
            earliest = min(earliest, period.start)
    first: dict[tuple[str, str], date] = {}
    for row in published.filter(period_end__gte=earliest).values_list(
        "region_code", "category", "period_start", "period_end", "published_at"
    ):
        code, category, start, end, at = row
        check = checks.get((code, category))
        if check is None:
            continue
        period = check[0]
        on = _local_date(at)
        if start <= period.end and end >= period.start and on is not None:
            key = (code, category)
            first[key] = min(first.get(key, on), on)
    last_end = {
        (r["region_code"], r["category"]): r["last_end"]
        for r in published.values("region_code", "category").annotate(last_end=Max("period_end"))
    }
    last_label: dict[tuple[str, str], tuple[date, date]] = {}
    ends = set(last_end.values())
    if ends:
        for code, category, start, end in published.filter(period_end__in=ends).values_list(
            "region_code", "category", "period_start", "period_end"
        ):
            key = (code, category)
            if last_end.get(key) == end:
                best = last_label.get(key)
                if best is None or start > best[0]:
                    last_label[key] = (start, end)
    late_major: dict[str, int] = defaultdict(int)
    for code, decided_on, at in published.filter(
        is_major=True, decided_on__gte=day - timedelta(days=MAJOR_LOOKBACK_DAYS)
    ).values_list("region_code", "decided_on", "published_at"):
        on = _local_date(at)
        within_days = int(book.for_place(code).major.value)  # type: ignore[arg-type]
        if on is not None and decided_on is not None and major_is_late(decided_on, on, within_days):
            late_major[code] += 1
    townships = _township_names(codes)
    result: list[CommunityStanding] = []
    for region in communities:
        code = region.region_code
        standing = CommunityStanding(
            region_code=code,
            name=region.name,
            township=townships.get(code[:9], ""),
            late_major=late_major.get(code, 0),
        )
        for category in Category.values:
            period, grace, months = checks[(code, category)]
            published_on = first.get((code, category))
            label = last_label.get((code, category))
            standing.categories.append(
                CategoryState(
                    category=category,
                    period=period,
                    due=period.end + timedelta(days=grace),
                    state=timeliness(day, period, grace, published_on),
                    first_published=published_on,
                    last_period=period_label(*label) if label else "",
                    interval_months=months,
                )
            )
        result.append(standing)
    return result


def _common_prefix(codes: list[str]) -> str:
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _township_names(codes: list[str]) -> dict[str, str]:
    return dict(
        Region.objects.filter(region_code__in={c[:9] for c in codes}).values_list(
            "region_code", "name"
        )
    )


def communities_for(user: Any) -> list[Region]:
    """The active communities in the user's jurisdiction, by code."""
    return list(
        Region.objects.filter(within(scope_of(user)), level=Level.COMMUNITY, is_active=True)
        .only("region_code", "name")
        .order_by("region_code")
    )


def flags_for(
    user: Any, *, today: date | None = None, only_flagged: bool = True
) -> list[CommunityStanding]:
    """The communities of the user's jurisdiction with missing or late disclosures (or all)."""
    found = standings(communities_for(user), today=today)
    return [s for s in found if s.is_flagged] if only_flagged else found


def schedule_rules(code: str, *, today: date | None = None) -> Rules:
    """The schedule that applies to one place, for the pages that cite it."""
    return RuleBook(today or timezone.localdate()).for_place(code)
