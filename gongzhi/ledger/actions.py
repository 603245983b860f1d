"""The ledger's own actions: exporting, verifying and archiving. Each records one event.

None of them changes an event: the ledger has no edit or delete action, by design.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scoping import scope_of
from gongzhi.ledger.chain import hashed_fields, record_event
from gongzhi.ledger.checks import retention_days
from gongzhi.ledger.models import Event, EventQuerySet, EventType, LedgerHead, Outcome
from gongzhi.ledger.queries import EventCriteria, events_for, filter_events, iter_events
from gongzhi.ledger.verify import VerifyResult, verify_chain

EXPORT_FORMATS = ("csv", "xlsx")
# A verification started from a web page stops after this long; the command has no limit.
WEB_VERIFY_SECONDS = 10.0


def _head_seq() -> int:
    return LedgerHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0


def do_export_events(
    criteria: EventCriteria, *, fmt: str, actor: Any, request: Any = None
) -> EventQuerySet:
    """Authorise an export, record it, and return the events to write (oldest first).

    The export is pinned to the chain as it stands now (``through_seq``): it holds the same
    rows however long writing takes, and not its own LEDGER_EXPORTED event. The caller
    writes the file after this returns, so the event records the request to export.
    """
    if not actor.has_perm("ledger.export_event"):
        raise PermissionDenied(_("您没有导出审计日志的权限"))
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    through = _head_seq()
    events = filter_events(events_for(actor), criteria).filter(seq__lte=through)
    record_event(
        EventType.LEDGER_EXPORTED,
        actor=actor,
        object_type="ledger.event",
        summary={
            "format": fmt,
            "filter": criteria.as_summary(),
            "scope": scope_of(actor),
            "through_seq": through,
        },
        request=request,
    )
    return events


def do_verify_ledger(
    *, actor: Any, request: Any = None, time_limit: float | None = WEB_VERIFY_SECONDS
) -> VerifyResult:
    """Verify the chain (bounded by ``time_limit``) and record who checked and what was found.

    Same event as the background check (``gongzhi.core.tasks.verify_ledger_task``), plus
    ``complete``: false when the time limit stopped the walk before the head.
    """
    if not actor.has_perm("ledger.view_event"):
        raise PermissionDenied(_("您没有查看审计日志的权限"))
    result = verify_chain(time_limit=time_limit)
    record_verification(result, actor=actor, request=request, complete=result.complete)
    return result


def record_verification(
    result: VerifyResult, *, actor: Any, request: Any = None, **extra: Any
) -> dict[str, Any]:
    """Record the LEDGER_VERIFIED event for ``result`` and return its summary.

    ``extra`` goes into the summary before the problem. The outcome is ``failed`` only
    when a problem was found: a walk stopped by a time limit found none.
    """
    summary: dict[str, Any] = {
        "ok": result.ok,
        "count": result.count,
        "last_seq": result.last_seq,
        "head_seq": result.head_seq,
        **extra,
    }
    if result.problem is not None:
        summary["problem"] = {"kind": result.problem.kind, "seq": result.problem.seq}
    record_event(
        EventType.LEDGER_VERIFIED,
        actor=actor,
        object_type="ledger.chain",
        object_id=str(result.head_seq),
        outcome=Outcome.FAILED if result.problem is not None else Outcome.SUCCESS,
        summary=summary,
        request=request,
    )
    return summary


def archive_cutoff(before: date, *, now: datetime | None = None) -> datetime:
    """The earlier of ``before`` (local midnight) and the start of the retention period."""
    now = now or timezone.now()
    requested = timezone.make_aware(datetime.combine(before, time.min))
    return min(requested, now - timedelta(days=retention_days()))


def archive_record(event: Event) -> dict[str, Any]:
    """One archive line: exactly the hashed fields plus the hash, so anyone can recheck it."""
    return {**hashed_fields(event), "hash": event.hash}


def do_archive_events(before: date, out: Path, *, actor: Any = None) -> dict[str, Any]:
    """Copy the events older than the cutoff to a JSON Lines file; delete nothing.

    Deleting archived events would break the chain at its start and lose what the law asks
    to keep online; the archive is a copy for long-term storage. The file is written beside
    ``out`` and renamed into place when complete, and an existing file is never overwritten.
    """
    if out.exists():
        raise FileExistsError(_("文件 %(path)s 已存在，不会覆盖") % {"path": out})
    cutoff = archive_cutoff(before)
    events = Event.objects.filter(at__lt=cutoff, seq__lte=_head_seq())
    partial = out.with_name(out.name + ".partial")
    count, first_seq, last_seq, last_hash = 0, None, None, None
    with partial.open("w", encoding="utf-8") as handle:
        for event in iter_events(events):
            handle.write(json.dumps(archive_record(event), ensure_ascii=False, sort_keys=True))
            handle.write("\n")
            count += 1
            first_seq = first_seq if first_seq is not None else event.seq
            last_seq, last_hash = event.seq, event.hash
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, out)
    summary = {
        "before": before.isoformat(),
        "cutoff": cutoff.isoformat(),
        "file": out.name,
        "count": count,
        "first_seq": first_seq,
        "last_seq": last_seq,
        "last_hash": last_hash,
    }
    record_event(
        EventType.LEDGER_ARCHIVED, actor=actor, object_type="ledger.event", summary=summary
    )
    return summary
