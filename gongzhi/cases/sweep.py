"""The deadline sweep (巡检): due-soon and overdue marks, and escalation per category.

Run by ``tasks.sweep_cases_task`` and ``manage.py sweep_cases`` every few minutes. It
touches only the due rows — two index range scans on ``(due_state, due_at)`` and
``(due_state, warn_at)``, partial indexes that hold only running clocks not yet overdue
(a case with no running clock has ``due_state=""``, an overdue one ``"overdue"``, and
lies outside both) — so its cost follows the number of cases that change, not the size
of the table (the benchmark: 1,000,000 open cases of which 1% are due). Marking a case
overdue takes it out of both indexes; the row's other index entries are what each mark
costs (see ``Case.Meta.indexes``).

And its work per run is a number of statements, not a number of statements per case
(issue 4: 10,000 due cases in under 2 s): the due rows are read and locked by two
statements, marked by one ``UPDATE`` per ``SQL_CHUNK`` ids, their timeline steps are
numbered from one aggregate query per chunk and written by one ``executemany``, the
escalations are one ``UPDATE`` per target level and new deadline (the unit body is a
subquery of the same statement), the recipients of every unit come from one query per
chunk of units, and the messages by one ``executemany`` after the commit (both through
``core.bulkload.insert_objects``: ``bulk_create`` spent more time preparing values than
the database spent writing them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models import Max as MaxOf
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.actions import units_staff_ids
from gongzhi.cases.calendar import TIME_ZONE, WorkCalendar
from gongzhi.cases.enums import (
    LEVEL_ABOVE,
    LEVEL_CODE_LENGTH,
    OPEN_STATUSES,
    CaseAction,
    CaseStatus,
    DueState,
    ResponsibleLevel,
)
from gongzhi.cases.models import Case, CaseEvent, Category, Notification
from gongzhi.cases.workflow import transition_for
from gongzhi.core.bulkload import insert_objects
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import COMMITTEE_KINDS, OFFICE_KINDS, Organisation

# Ids per statement: below the 999 bound variables of old SQLite builds.
SQL_CHUNK = 900
# Escalated case numbers kept in the run's ledger summary.
MAX_NUMBERS_IN_SUMMARY = 100
TEXT_MAX_LENGTH = 300


@dataclass
class SweepResult:
    overdue: int = 0
    due_soon: int = 0
    escalated: int = 0
    escalated_numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "escalated": self.escalated,
            "escalated_numbers": self.escalated_numbers[:MAX_NUMBERS_IN_SUMMARY],
        }

    def __str__(self) -> str:
        return f"新超期 {self.overdue} 件，新临期 {self.due_soon} 件，自动上报 {self.escalated} 件"


class _Row(NamedTuple):
    """What the sweep reads of a due case (one statement for all of them)."""

    pk: int
    number: str
    kind: str
    status: str
    category_id: int
    urgency: str
    region_code: str
    assigned_level: str
    assigned_region_code: str
    assigned_organisation_id: int | None
    assignee_id: int | None


ROW_FIELDS = _Row._fields


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), SQL_CHUNK):
        yield ids[start : start + SQL_CHUNK]


def _due_rows(condition: Q) -> list[_Row]:
    """The rows meeting ``condition``, locked; rows an action holds are skipped
    (``skip_locked`` on PostgreSQL; SQLite serialises writers)."""
    rows = (
        Case.objects.filter(condition)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list(*ROW_FIELDS)
    )
    return [_Row(*row) for row in rows]


def _last_seqs(ids: Sequence[int]) -> dict[int, int]:
    """The last timeline position of each case: one aggregate query per chunk."""
    last: dict[int, int] = {}
    for chunk in _chunks(ids):
        last.update(
            CaseEvent.objects.filter(case_id__in=chunk)
            .order_by()
            .values("case_id")
            .annotate(m=MaxOf("seq"))
            .values_list("case_id", "m")
        )
    return last


class _Timeline:
    """Timeline steps of the run, numbered per case, written by one ``executemany``."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.last = _last_seqs(ids)
        self.steps: list[SimpleNamespace] = []

    def add(
        self,
        case_id: int,
        *,
        action: str,
        from_status: str,
        to_status: str,
        note: str,
        data: dict[str, Any],
        is_internal: bool = False,
    ) -> None:
        seq = self.last.get(case_id, 0) + 1
        self.last[case_id] = seq
        self.steps.append(
            SimpleNamespace(
                case_id=case_id,
                seq=seq,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor_id=None,
                note=note,
                is_internal=is_internal,
                data=data,
            )
        )

    def write(self) -> None:
        insert_objects(CaseEvent, self.steps)


class _Messages:
    """Messages to units, sent after the commit with one ``executemany``."""

    def __init__(self) -> None:
        self.to_users: list[tuple[list[int], int, str]] = []
        self.to_units: list[tuple[tuple[str, int | None], int, str]] = []

    def to_assignee_or_unit(self, row: _Row, text: str) -> None:
        if row.assignee_id is not None:
            self.to_users.append(([row.assignee_id], row.pk, text))
        else:
            unit = (row.assigned_region_code, row.assigned_organisation_id)
            self.to_units.append((unit, row.pk, text))

    def to_unit(self, unit: tuple[str, int | None], case_id: int, text: str) -> None:
        self.to_units.append((unit, case_id, text))

    def send_after_commit(self) -> None:
        staff = units_staff_ids(unit for unit, _pk, _text in self.to_units)
        rows = [
            SimpleNamespace(
                user_id=user_id, case_id=case_id, text=text[:TEXT_MAX_LENGTH], read_at=None
            )
            for users, case_id, text in [
                *self.to_users,
                *((staff[unit], pk, text) for unit, pk, text in self.to_units),
            ]
            for user_id in users
        ]
        if rows:
            transaction.on_commit(lambda: insert_objects(Notification, rows))


def _mark(
    rows: Sequence[_Row],
    state: str,
    note: str,
    now: datetime,
    timeline: _Timeline,
    written_elsewhere: set[int] | frozenset[int] = frozenset(),
) -> None:
    """Set ``due_state`` on the rows (one UPDATE per chunk) and append a timeline step to
    each. Rows in ``written_elsewhere`` get only the step: the escalation's UPDATE marks
    them, so that each row is written once."""
    extra = {"was_overdue": True} if state == DueState.OVERDUE else {}
    ids = [row.pk for row in rows if row.pk not in written_elsewhere]
    for chunk in _chunks(ids):
        Case.objects.filter(pk__in=chunk).update(due_state=state, **extra)
    data = {"due_state": state, "at": now.isoformat()}
    for row in rows:
        timeline.add(
            row.pk,
            action=CaseAction.MARK_DUE,
            from_status=row.status,
            to_status=row.status,
            note=note,
            is_internal=True,
            data=data,
        )


class _Clock(NamedTuple):
    due_at: datetime
    warn_at: datetime
    due_state: str


def _new_clock(
    category: Category, urgency: str, status: str, calendar: WorkCalendar, now: datetime
) -> _Clock:
    """The clock ``actions.escalate_locked`` starts at the new level."""
    unit, amount = (
        category.accept_within(urgency)
        if status == CaseStatus.SUBMITTED
        else category.resolve_within(urgency)
    )
    due = calendar.add(now, unit, amount)
    warn = calendar.warn_at(now, due, category.due_soon_fraction)
    if now >= due:
        return _Clock(due, warn, DueState.OVERDUE)
    return _Clock(due, warn, DueState.DUE_SOON if now >= warn else DueState.NORMAL)


def _unit_body(level: ResponsibleLevel) -> Subquery | Value:
    """``actions.unit_body`` of the row's new unit code, as a subquery of the UPDATE."""
    length = LEVEL_CODE_LENGTH[level]
    if length not in (9, 12):
        return Value(None)
    kinds = COMMITTEE_KINDS if length == 12 else OFFICE_KINDS
    return Subquery(
        Organisation.objects.active()
        .filter(region__region_code=Substr(OuterRef("assigned_region_code"), 1, length))
        .filter(kind__in=kinds)
        .order_by("pk")
        .values("pk")[:1]
    )


def _to_escalate(rows: Sequence[_Row]) -> tuple[list[_Row], dict[int, Category]]:
    """The newly overdue cases of categories that escalate, below the county, in a state
    that may escalate; and those categories."""
    categories = {
        c.pk: c
        for c in Category.objects.filter(
            escalate_after_overdue=True, pk__in={row.category_id for row in rows}
        )
    }
    chosen = [
        row
        for row in rows
        if row.category_id in categories
        and row.status in OPEN_STATUSES
        and ResponsibleLevel(row.assigned_level) in LEVEL_ABOVE
        and transition_for(row.kind, row.status, CaseAction.ESCALATE) is not None
    ]
    return chosen, categories


def _escalate(
    chosen: Sequence[_Row],
    categories: dict[int, Category],
    now: datetime,
    timeline: _Timeline,
    messages: _Messages,
) -> None:
    """Escalate the chosen overdue cases one level up, as ``actions.escalate_locked`` does
    one case (and mark them overdue), in one UPDATE per target level and new clock."""
    if not chosen:
        return
    calendars = WorkCalendar.for_regions(
        (row.region_code for row in chosen),
        since=(now.astimezone(TIME_ZONE) - timedelta(days=1)).date(),
    )
    groups: dict[tuple[ResponsibleLevel, str, _Clock], list[int]] = {}
    clocks: dict[tuple[int, str, str, int], _Clock] = {}
    to_status: dict[int, str] = {}
    for row in chosen:
        transition = transition_for(row.kind, row.status, CaseAction.ESCALATE)
        assert transition is not None
        status = transition.to_status
        calendar = calendars[row.region_code]
        key = (row.category_id, row.urgency, status, id(calendar))
        if key not in clocks:
            clocks[key] = _new_clock(
                categories[row.category_id], row.urgency, status, calendar, now
            )
        level_above = LEVEL_ABOVE[ResponsibleLevel(row.assigned_level)]
        groups.setdefault((level_above, status, clocks[key]), []).append(row.pk)
        to_status[row.pk] = status
    for (above, status, clock), ids in groups.items():
        length = LEVEL_CODE_LENGTH[above]
        extra = {"accept_by": clock.due_at} if status == CaseStatus.SUBMITTED else {}
        for chunk in _chunks(ids):
            Case.objects.filter(pk__in=chunk).update(
                assigned_level=above,
                assigned_organisation=_unit_body(above),
                assigned_region_code=Substr("assigned_region_code", 1, length),
                assignee=None,
                status=status,
                escalation_count=F("escalation_count") + 1,
                due_at=clock.due_at,
                warn_at=clock.warn_at,
                due_state=clock.due_state,
                was_overdue=True,
                updated_at=timezone.now(),
                **extra,
            )
    units: dict[int, tuple[str, int | None]] = {}
    for chunk in _chunks([row.pk for row in chosen]):
        for pk, code, organisation_id in Case.objects.filter(pk__in=chunk).values_list(
            "pk", "assigned_region_code", "assigned_organisation_id"
        ):
            units[pk] = (code, organisation_id)
    reason = str(_("超期自动上报"))
    for row in chosen:
        new_code = units[row.pk][0]
        timeline.add(
            row.pk,
            action=CaseAction.ESCALATE,
            from_status=row.status,
            to_status=to_status[row.pk],
            note=reason,
            data={
                "from_level": row.assigned_level,
                "to_level": LEVEL_ABOVE[ResponsibleLevel(row.assigned_level)],
                "assigned_region_code": new_code,
            },
        )
        messages.to_unit(
            units[row.pk],
            row.pk,
            _("办件 %(number)s 已上报至本级：%(reason)s")
            % {"number": row.number, "reason": reason},
        )


@transaction.atomic
def do_sweep_cases(*, now: datetime | None = None) -> SweepResult:
    """巡检 — mark the cases whose clock passed its warning or its deadline, and escalate
    the newly overdue ones of categories that ask for it (one level up).

    Touches only the due rows: two index range scans on ``(due_state, due_at)`` and
    ``(due_state, warn_at)`` (cases with no running clock have ``due_state=""`` and lie
    outside both ranges). Rows an action holds locked are skipped and picked up on the
    next run (``skip_locked`` on PostgreSQL; SQLite serialises writers). Idempotent: a
    second run at the same moment changes nothing. The work is a few statements per
    ``SQL_CHUNK`` due cases (see the module's docstring). Records one ledger event with
    the counts, as the system.
    """
    now = now or timezone.now()
    result = SweepResult()
    running = [DueState.NORMAL, DueState.DUE_SOON]
    overdue = _due_rows(Q(due_state__in=running, due_at__lte=now))
    overdue_ids = {row.pk for row in overdue}
    soon = [
        row
        for row in _due_rows(Q(due_state=DueState.NORMAL, warn_at__lte=now, due_at__gt=now))
        if row.pk not in overdue_ids
    ]
    timeline = _Timeline([row.pk for row in (*overdue, *soon)])
    messages = _Messages()

    escalating, categories = _to_escalate(overdue)
    escalated_ids = {row.pk for row in escalating}
    _mark(overdue, DueState.OVERDUE, _("已超过办理期限"), now, timeline, escalated_ids)
    _mark(soon, DueState.DUE_SOON, _("即将超过办理期限"), now, timeline)
    result.overdue, result.due_soon = len(overdue), len(soon)
    for row in soon:
        messages.to_assignee_or_unit(
            row, _("办件 %(number)s 即将超期，请抓紧办理") % {"number": row.number}
        )

    _escalate(escalating, categories, now, timeline, messages)
    result.escalated = len(escalating)
    result.escalated_numbers = [row.number for row in escalating]
    for row in overdue:
        if row.pk not in escalated_ids:
            messages.to_assignee_or_unit(row, _("办件 %(number)s 已超期") % {"number": row.number})

    timeline.write()
    messages.send_after_commit()
    record_event(EventType.CASES_SWEPT, object_type="cases.case", summary=result.as_dict())
    return result
