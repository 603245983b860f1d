"""Scoped reads of the audit ledger for the audit administrator.

Scope (DESIGN rule 3): an auditor sees the events whose ``region_code`` lies in the
jurisdiction they act in. Some events belong to no place — a failed login under a username
that does not exist, a command-line operator's action — and carry an empty code. They are
shown to auditors whose scope is the whole deployment: the account's region is the root of
the division tree (no parent inside the deployment, level 1: the league) and the console is
not narrowed to a part of it with the jurisdiction switcher. A county's auditor does not
see them, since nothing ties them to the county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from gongzhi.core.scoping import NOWHERE, scope_of, within
from gongzhi.ledger.models import Event, EventQuerySet

PAGE_SIZE = 50


def sees_unplaced_events(user: Any) -> bool:
    """Whether ``user`` audits the whole deployment, and so also the events with no place."""
    scope = scope_of(user)
    if scope == NOWHERE or scope != getattr(user, "region_code", None):
        return False
    region = getattr(user, "region", None)
    return region is not None and region.parent_id is None


def events_for(user: Any) -> EventQuerySet:
    """The events ``user`` may read: none without ``ledger.view_event``, else their scope."""
    if not user.has_perm("ledger.view_event"):
        return Event.objects.none()
    condition = within(scope_of(user))
    if sees_unplaced_events(user):
        condition |= Q(region_code="")
    return Event.objects.filter(condition)


def event_for(user: Any, seq: int) -> Event:
    """One event by sequence number, or 404 when it does not exist or lies outside scope."""
    event = events_for(user).filter(seq=seq).first()
    if event is None:
        raise Http404
    return event


@dataclass(frozen=True)
class EventCriteria:
    """A filter over events, as the list, the export and the export's ledger event use it."""

    date_from: date | None = None
    date_to: date | None = None
    area: int | None = None
    type: int | None = None
    actor: str = ""
    region: str = ""
    outcome: str = ""
    object_type: str = ""
    object_id: str = ""

    def as_summary(self) -> dict[str, Any]:
        """The non-empty parts, JSON-ready (for the LEDGER_EXPORTED event)."""
        values: dict[str, Any] = {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "area": self.area,
            "type": self.type,
            "actor": self.actor,
            "region": self.region,
            "outcome": self.outcome,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(events: EventQuerySet, criteria: EventCriteria) -> EventQuerySet:
    """Narrow an already scoped queryset; never widens it."""
    if criteria.date_from:
        events = events.filter(at__gte=_start_of(criteria.date_from))
    if criteria.date_to:
        events = events.filter(at__lt=_start_of(criteria.date_to + timedelta(days=1)))
    if criteria.type is not None:
        events = events.filter(type=criteria.type)
    elif criteria.area is not None:
        events = events.filter(type__gte=criteria.area * 1000, type__lt=(criteria.area + 1) * 1000)
    if criteria.actor:
        events = events.filter(actor_username=criteria.actor)
    if criteria.region:
        events = events.filter(within(criteria.region))
    if criteria.outcome:
        events = events.filter(outcome=criteria.outcome)
    if criteria.object_type:
        events = events.filter(object_type=criteria.object_type)
    if criteria.object_id:
        events = events.filter(object_id=criteria.object_id)
    return events


@dataclass
class EventPage:
    """One page, newest first, with the seq cursors of its neighbours (keyset pagination)."""

    events: list[Event] = field(default_factory=list)
    newer_cursor: int | None = None  # pass as ``after`` to reach the newer page
    older_cursor: int | None = None  # pass as ``before`` to reach the older page


def page_of(
    events: EventQuerySet,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> EventPage:
    """A page of ``events`` ordered by ``seq`` descending, found by seq cursor, not OFFSET.

    ``before``: the events older than that seq (the "下一页" link); ``after``: the events
    newer than it (the "上一页" link). Each costs one index range scan however deep.
    """
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: size + 1])
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_older = events.filter(seq__lte=after).exists()
    else:
        query = events.order_by("-seq")
        if before is not None:
            query = query.filter(seq__lt=before)
        rows = list(query[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = before is not None and events.filter(seq__gte=before).exists()
    return EventPage(
        events=rows,
        newer_cursor=rows[0].seq if rows and has_newer else None,
        older_cursor=rows[-1].seq if rows and has_older else None,
    )


def iter_events(events: EventQuerySet, *, batch_size: int = 2000) -> Any:
    """Every event of ``events`` in chain order, read in keyset batches (bounded memory)."""
    cursor = None
    while True:
        batch = events.order_by("seq")
        if cursor is not None:
            batch = batch.filter(seq__gt=cursor)
        rows = list(batch[:batch_size])
        yield from rows
        if len(rows) < batch_size:
            return
        cursor = rows[-1].seq
