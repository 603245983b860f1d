"""Per-process copies of the reference data a submission reads: categories, communities,
the body that answers for a unit, the work calendar of a place (issue 4: creation under
8 concurrent clients).

These rows change a few times a year, yet every submission looked each of them up and
paid Django's query compilation for it (about half of a submission's CPU time). Each
process now keeps a copy, and checks with one statement per use (``current()``) that the
tables behind it are unchanged:

- Database triggers (migration ``cases/0006_lookup_versions``) give a table a new
  version in ``cases_lookupversion`` on every ``INSERT``, ``UPDATE`` and ``DELETE`` (and
  ``TRUNCATE`` on PostgreSQL), whoever writes — the console, ``bulk_create``, a loader's
  raw SQL. The version is taken from a sequence on PostgreSQL and is a random 64-bit
  number on SQLite, so a version does not come back after a rollback or a flush.
- Other apps' tables join in with their own triggers and copies (``Lookups.copy``):
  ``service_requests`` keeps its API keys (migration ``service_requests/0002``).
- ``current()`` reads every version in one statement and returns a view whose copies
  were read after those versions were; a copy built under other versions is dropped. A
  change is therefore seen by the next ``current()`` after it commits, in every process —
  as soon as a query would have seen it.
- A table with no version row (a database flushed by a test) is never kept: each lookup
  then reads the table again.

A copy is a whole table (at most a few thousand rows: the league's divisions, the
catalogue, the directory's committees and offices, the calendar's local days), read by one
query when its versions change. Lookups return new model instances (or, for calendars,
objects nobody mutates), so a caller cannot change the process's copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, models

from gongzhi.cases.calendar import WorkCalendar, office_hours
from gongzhi.cases.models import CalendarDay, Category
from gongzhi.organisations.models import COMMITTEE_KINDS, OFFICE_KINDS, Organisation
from gongzhi.regions.models import Region

VERSIONS_SQL = "SELECT name, version FROM cases_lookupversion"
# Calendars kept per copy, one per place asked about.
MAX_ENTRIES = 20_000
# The tables each copy is built from.
CATEGORIES = (Category._meta.db_table,)
COMMUNITIES = (Region._meta.db_table,)
UNIT_BODIES = (Region._meta.db_table, Organisation._meta.db_table)
CALENDARS = (CalendarDay._meta.db_table,)
VERSIONED_TABLES = (*CATEGORIES, *UNIT_BODIES, *CALENDARS)

M = TypeVar("M", bound=models.Model)

_lock = threading.Lock()
# copy name → (the versions it was built under, the copy)
_copies: dict[str, tuple[tuple[int, ...], Any]] = {}


def values_of(instance: models.Model) -> tuple[Any, ...]:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def instance_of(model: type[M], values: tuple[Any, ...] | None) -> M | None:
    """A new instance from ``values_of``'s tuple (None for None)."""
    if values is None:
        return None
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, list(values))


def _categories() -> dict[str, tuple[Any, ...]]:
    return {c.code: values_of(c) for c in Category.objects.order_by()}


def _regions() -> dict[str, tuple[Any, ...]]:
    return {r.region_code: values_of(r) for r in Region.objects.order_by()}


def _unit_bodies() -> dict[str, tuple[Any, ...]]:
    """Region code → the body ``unit_body`` names: for a community (12 digits) its first
    active committee by id, for a township (9 digits) its first active office."""
    bodies: dict[str, tuple[Any, ...]] = {}
    rows = (
        Organisation.objects.active()
        .filter(kind__in=[*COMMITTEE_KINDS, *OFFICE_KINDS])
        .select_related("region")
        .order_by("pk")
    )
    for organisation in rows:
        code = organisation.region.region_code
        kinds = COMMITTEE_KINDS if len(code) == 12 else OFFICE_KINDS if len(code) == 9 else ()
        if organisation.kind in kinds and code not in bodies:
            bodies[code] = values_of(organisation)
    return bodies


class _Calendars:
    """Every ``CalendarDay`` by jurisdiction prefix, and the calendars built from them."""

    def __init__(self) -> None:
        self.by_prefix: dict[str, list[tuple[Any, bool]]] = {}
        for day, prefix, is_workday in CalendarDay.objects.values_list(
            "date", "region_prefix", "is_workday"
        ):
            self.by_prefix.setdefault(prefix, []).append((day, is_workday))
        self.built: dict[tuple[str, Any], WorkCalendar] = {}

    def calendar(self, region_code: str) -> WorkCalendar:
        """As ``WorkCalendar.for_region``: the longest matching prefix wins."""
        hours = office_hours()
        key = (region_code, hours)
        found = self.built.get(key)
        if found is None:
            chosen: dict[Any, tuple[int, bool]] = {}
            for length in range(len(region_code) + 1):
                for day, is_workday in self.by_prefix.get(region_code[:length], ()):
                    if day not in chosen or length > chosen[day][0]:
                        chosen[day] = (length, is_workday)
            found = WorkCalendar({day: flag for day, (_n, flag) in chosen.items()}, hours)
            if len(self.built) < MAX_ENTRIES:
                self.built[key] = found
        return found


class Lookups:
    """The reference data as of one reading of the versions (``current()``)."""

    def __init__(self, versions: dict[str, int]) -> None:
        self.versions = versions

    def copy(self, name: str, tables: tuple[str, ...], build: Callable[[], Any]) -> Any:
        """The copy ``name`` of ``tables`` built under the read versions (built now when
        they changed); built and not kept when a table has no version. Other apps keep
        their own copies through it (``service_requests.actions``: the Open311 keys)."""
        if any(table not in self.versions for table in tables):
            return build()
        key = tuple(self.versions[table] for table in tables)
        found = _copies.get(name)
        if found is not None and found[0] == key:
            return found[1]
        copy = build()
        with _lock:
            _copies[name] = (key, copy)
        return copy

    def category(self, code: str) -> Category | None:
        """The category with this code, active or not (the caller checks)."""
        return instance_of(Category, self.copy("category", CATEGORIES, _categories).get(code))

    def region(self, region_code: str) -> Region | None:
        """The division with this code, at any level, active or not (the caller checks)."""
        return instance_of(Region, self.copy("region", COMMUNITIES, _regions).get(region_code))

    def unit_body(self, region_code: str) -> Organisation | None:
        """``cases.actions.unit_body``: the active committee of a community (12 digits),
        the active office of a township (9 digits), the first by id; else None."""
        bodies = self.copy("unit_body", UNIT_BODIES, _unit_bodies)
        return instance_of(Organisation, bodies.get(region_code))

    def calendar(self, region_code: str) -> WorkCalendar:
        """``WorkCalendar.for_region`` (with the office hours the settings say now)."""
        calendars: _Calendars = self.copy("calendar", CALENDARS, _Calendars)
        return calendars.calendar(region_code)


def current() -> Lookups:
    """The reference data as the database has it now: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(VERSIONS_SQL)
        return Lookups({str(name): int(version) for name, version in cursor.fetchall()})


def clear() -> None:
    """Forget every copy (the next lookups query the database)."""
    with _lock:
        _copies.clear()
