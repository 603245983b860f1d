"""Appending to the hash chain. Every action calls ``record_event`` as its last write."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from gongzhi.ledger.models import Event, EventType, LedgerHead, Outcome

if TYPE_CHECKING:
    from django.http import HttpRequest

GENESIS_HASH = "0" * 64


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the event's fields in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def hashed_fields(event: Event) -> dict[str, Any]:
    """The fields the hash covers, in a form that survives a round trip through any database."""
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "seq": event.seq,
        "at": at,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_roles": event.actor_roles,
        "region_code": event.region_code,
        "type": int(event.type),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": str(event.outcome),
        "summary": event.summary,
        "client_address": event.client_address,
        "prev_hash": event.prev_hash,
    }


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    return address or None


def record_event(
    type: EventType,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    summary: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Event:
    """Append one event to the chain.

    Runs in its own atomic block (a savepoint inside an action's transaction) and locks
    the ledger head row until the enclosing transaction ends, so call it last in an
    action to keep that lock short. ``region_code`` defaults to the object's, else the
    actor's. ``summary`` must be JSON-serialisable and must not hold unmasked personal data.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if region_code is None:
            region_code = getattr(obj, "region_code", None)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if region_code is None:
        region_code = getattr(actor, "region_code", "") if is_user else ""
    with transaction.atomic():
        head = LedgerHead.objects.select_for_update().get(pk=1)
        event = Event(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor if is_user else None,
            actor_username=actor.get_username() if is_user else "",
            actor_roles=",".join(sorted(actor.roles)) if is_user else "",
            region_code=region_code or "",
            type=type,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            summary=json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str)),
            client_address=client_address(request),
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(hashed_fields(event))
        event.save(force_insert=True)
        LedgerHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event
