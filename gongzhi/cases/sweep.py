"""The deadline sweep (巡检): due-soon and overdue marks, and escalation per category.

Run by ``tasks.sweep_cases_task`` and ``manage.py sweep_cases`` every few minutes. It
touches only the due rows — two index range scans on ``(due_state, due_at)`` and
``(due_state, warn_at)``; a case with no running clock has ``due_state=""`` and lies
outside both — so its cost follows the number of cases that change, not the size of
the table (the benchmark: 1,000,000 open cases of which 1% are due).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.actions import escalate_locked, unit_staff_ids
from gongzhi.cases.enums import OPEN_STATUSES, CaseAction, DueState, ResponsibleLevel
from gongzhi.cases.models import Case, CaseEvent, Notification
from gongzhi.cases.workflow import transition_for
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType

# Ids per statement: far below SQLite's limit on bound variables.
SQL_CHUNK = 500


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
            "escalated_numbers": self.escalated_numbers[:100],
        }

    def __str__(self) -> str:
        return f"新超期 {self.overdue} 件，新临期 {self.due_soon} 件，自动上报 {self.escalated} 件"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), SQL_CHUNK):
        yield ids[start : start + SQL_CHUNK]


def _mark(ids: list[int], condition: Q, state: str, now: datetime, note: str) -> list[int]:
    """Set ``due_state`` on the rows among ``ids`` that still meet ``condition``; append a
    timeline step to each. Returns the ids changed."""
    changed: list[int] = []
    for chunk in _chunks(ids):
        rows = list(
            Case.objects.filter(condition, pk__in=chunk)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not rows:
            continue
        extra = {"was_overdue": True} if state == DueState.OVERDUE else {}
        Case.objects.filter(pk__in=rows).update(due_state=state, **extra)
        last = dict(
            CaseEvent.objects.filter(case_id__in=rows)
            .values("case_id")
            .annotate(m=Max("seq"))
            .values_list("case_id", "m")
        )
        statuses = dict(Case.objects.filter(pk__in=rows).values_list("pk", "status"))
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=pk,
                    seq=(last.get(pk) or 0) + 1,
                    action=CaseAction.MARK_DUE,
                    from_status=statuses[pk],
                    to_status=statuses[pk],
                    note=note,
                    is_internal=True,
                    data={"due_state": state, "at": now.isoformat()},
                )
                for pk in rows
            ]
        )
        changed.extend(rows)
    return changed


def _notify_units(ids: list[int], text: str) -> None:
    """One message per case to its assignee, or to its unit's staff (one query per unit)."""
    if not ids:
        return
    by_unit: dict[tuple[str, int | None], list[tuple[int, str]]] = {}
    for chunk in _chunks(ids):
        for pk, number, assignee_id, code, organisation_id in Case.objects.filter(
            pk__in=chunk
        ).values_list(
            "pk", "number", "assignee_id", "assigned_region_code", "assigned_organisation_id"
        ):
            if assignee_id is not None:
                _notify_case_id([assignee_id], pk, text % {"number": number})
            else:
                by_unit.setdefault((code, organisation_id), []).append((pk, number))
    for (unit_code, unit_organisation), unit_cases in by_unit.items():
        recipients = unit_staff_ids(unit_code, unit_organisation)
        for pk, number in unit_cases:
            _notify_case_id(recipients, pk, text % {"number": number})


def _notify_case_id(user_ids: list[int], case_id: int, text: str) -> None:
    if not user_ids:
        return

    def send() -> None:
        Notification.objects.bulk_create(
            [Notification(user_id=u, case_id=case_id, text=text[:300]) for u in user_ids]
        )

    transaction.on_commit(send)


@transaction.atomic
def do_sweep_cases(*, now: datetime | None = None) -> SweepResult:
    """巡检 — mark the cases whose clock passed its warning or its deadline, and escalate
    the newly overdue ones of categories that ask for it (one level up).

    Touches only the due rows: two index range scans on ``(due_state, due_at)`` and
    ``(due_state, warn_at)`` (cases with no running clock have ``due_state=""`` and lie
    outside both ranges). Rows an action holds locked are skipped and picked up on the
    next run (``skip_locked`` on PostgreSQL; SQLite serialises writers). Idempotent: a
    second run at the same moment changes nothing. Records one ledger event with the
    counts, as the system.
    """
    now = now or timezone.now()
    result = SweepResult()
    running = [DueState.NORMAL, DueState.DUE_SOON]
    overdue_condition = Q(due_state__in=running, due_at__lte=now)
    candidates = list(
        Case.objects.filter(overdue_condition).order_by().values_list("pk", flat=True)
    )
    overdue = _mark(candidates, overdue_condition, DueState.OVERDUE, now, _("已超过办理期限"))
    result.overdue = len(overdue)
    soon_condition = Q(due_state=DueState.NORMAL, warn_at__lte=now)
    candidates = list(Case.objects.filter(soon_condition).order_by().values_list("pk", flat=True))
    soon = _mark(candidates, soon_condition, DueState.DUE_SOON, now, _("即将超过办理期限"))
    result.due_soon = len(soon)
    _notify_units(soon, _("办件 %(number)s 即将超期，请抓紧办理"))

    overdue_not_escalated = set(overdue)
    for chunk in _chunks(overdue):
        escalating = (
            Case.objects.select_for_update()
            .select_related("category")
            .filter(pk__in=chunk, category__escalate_after_overdue=True, status__in=OPEN_STATUSES)
            .exclude(assigned_level=ResponsibleLevel.COUNTY)
            .order_by("pk")
        )
        for case in escalating:
            transition = transition_for(case.kind, case.status, CaseAction.ESCALATE)
            if transition is None:
                continue
            escalate_locked(case, transition, actor=None, reason=str(_("超期自动上报")), now=now)
            overdue_not_escalated.discard(case.pk)
            result.escalated += 1
            result.escalated_numbers.append(case.number)
    _notify_units(sorted(overdue_not_escalated), _("办件 %(number)s 已超期"))
    record_event(EventType.CASES_SWEPT, object_type="cases.case", summary=result.as_dict())
    return result
