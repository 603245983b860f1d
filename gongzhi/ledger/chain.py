"""Appending to the hash chain. Every action calls ``record_event`` as its last write.

Each event's hash is ``link_hash(prev_hash, seq, at, digest)``: SHA-256 over the previous
event's hash, the event's position and time, and the SHA-256 of its content (who, where,
what, outcome, summary, client address) in canonical JSON. Changing any field changes the
hash; removing or moving an event breaks the next event's link.

The canonical form reads back the same from SQLite and from PostgreSQL, so a chain written
on one verifies on the other (and after a dump and restore): JSON with sorted keys, times
in UTC with microseconds, whole-number floats as integers (PostgreSQL's ``jsonb`` prints
``1e20`` as ``100000000000000000000``), client addresses in their compressed form with
IPv4-mapped IPv6 unpacked (``inet`` prints ``::ffff:1.2.3.4`` where Python prints
``::ffff:102:304``), no NUL characters (which PostgreSQL text cannot hold), and text cut
to the column's length.

Appends are serialised by the lock on the single ``LedgerHead`` row. On PostgreSQL one
statement, ``ledger_append()`` (migration 0005), takes the lock, stamps the time, hashes,
inserts and moves the head, so no client round trip happens while the lock is held; on
SQLite the same steps run in Python inside an IMMEDIATE transaction.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from gongzhi.ledger.models import Event, EventType, LedgerHead, Outcome

if TYPE_CHECKING:
    from django.http import HttpRequest

GENESIS_HASH = "0" * 64


class LedgerHeadMissing(RuntimeError):
    """The head row is gone while events exist: refuse to guess where the chain ends."""


def canonical_json(value: Any) -> Any:
    """``value`` as it reads back from any database's JSON column.

    Keys become strings, tuples and sets lists, whole-number floats integers, non-finite floats and
    anything not JSON (dates, decimals, UUIDs) strings, and NUL characters are dropped.
    """
    if isinstance(value, dict):
        return {_clean_text(str(key)): canonical_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_json(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical_json(item) for item in value), key=str)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return _clean_text(value)
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    return text.replace("\x00", "")


def canonical_address(address: Any) -> str | None:
    """A client address as PostgreSQL's ``inet`` and Python both print it, or None."""
    if not address:
        return None
    text = str(address).strip()
    if "%" in text:  # IPv6 zone index, meaningless off the host and refused by inet
        text = text.split("%", 1)[0]
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return parsed.compressed


def format_time(value: Any) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Fields that place an event in the chain; every other hashed field is its content.
LINK_FIELDS = ("seq", "at", "prev_hash")


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 over an event's content in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(prev_hash: str, seq: int, at: str, digest: str) -> str:
    """The chain hash: the previous hash, the position, the time and the content's digest.

    PostgreSQL computes the same in ``ledger_append()`` (migration 0005), so that the
    append is one statement there; the two must stay byte for byte the same.
    """
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{at}\n{digest}".encode()).hexdigest()


def event_hash(fields: dict[str, Any]) -> str:
    """The hash of an event given all its hashed fields (``hashed_fields`` or an archive line)."""
    content = {key: value for key, value in fields.items() if key not in LINK_FIELDS}
    return link_hash(fields["prev_hash"], int(fields["seq"]), fields["at"], content_digest(content))


def hashed_fields(event: Event, *, seq: int | None = None) -> dict[str, Any]:
    """The fields the hash covers, in a form that survives a round trip through any database.

    ``seq`` overrides the stored sequence number (used to recognise a moved event).
    """
    return {
        "seq": int(event.seq if seq is None else seq),
        "at": format_time(event.at),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_roles": event.actor_roles,
        "region_code": event.region_code,
        "type": int(event.type),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": str(event.outcome),
        "summary": canonical_json(event.summary),
        "client_address": canonical_address(event.client_address),
        "prev_hash": event.prev_hash,
    }


def client_address(request: HttpRequest | None) -> str | None:
    """The address lockout and rate limiting also see (trusted proxies honoured), normalised."""
    if request is None:
        return None
    try:
        from gongzhi.accounts.client import client_ip

        address = client_ip(request)
    except Exception:  # an odd request or setting must never stop an event being recorded
        address = getattr(request, "META", {}).get("REMOTE_ADDR")
    return canonical_address(address)


def _fit(value: Any, field: str) -> str:
    """Text cut to the column's length: PostgreSQL would refuse it, SQLite store it whole."""
    limit = Event._meta.get_field(field).max_length  # type: ignore[union-attr]
    return _clean_text(str(value or ""))[:limit]


def _locked_head() -> LedgerHead:
    """Lock the head row, creating it on an empty ledger (a flushed test database)."""
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if Event.objects.exists():
        raise LedgerHeadMissing("审计链头记录缺失，但已有审计事件：请先运行 verify_ledger 核查")
    try:
        with transaction.atomic():
            LedgerHead.objects.create(pk=1)
    except IntegrityError:
        pass  # another writer created it first; its lock below makes us wait our turn
    return LedgerHead.objects.select_for_update().get(pk=1)


APPEND_SQL = (
    "SELECT out_seq, out_at, out_prev_hash, out_hash FROM ledger_append("
    "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::inet)"
)


def _append_in_postgresql(fields: dict[str, Any]) -> Event:
    """One statement: ``ledger_append()`` locks the head row, hashes, inserts and moves the head.

    Outside a transaction the statement is its own transaction, so the head stays locked
    only while the server runs it and flushes the commit — no client round trip in between.
    """
    content = hashed_content(fields)
    actor = fields["actor"]
    params = [
        content_digest(content),
        actor.pk if actor is not None else None,
        fields["actor_username"],
        fields["actor_roles"],
        fields["region_code"],
        fields["type"],
        fields["object_type"],
        fields["object_id"],
        fields["outcome"],
        json.dumps(fields["summary"], ensure_ascii=False, allow_nan=False),
        fields["client_address"],
    ]
    with connection.cursor() as cursor:
        cursor.execute(APPEND_SQL, params)
        seq, at, prev_hash, hash_ = cursor.fetchone()
    event = Event(seq=seq, at=at, prev_hash=prev_hash, hash=hash_, **fields)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _append_in_python(fields: dict[str, Any]) -> Event:
    """The same append as ``ledger_append()``, for SQLite (whose IMMEDIATE transactions
    serialise writers at BEGIN)."""
    with transaction.atomic():
        head = _locked_head()
        event = Event(seq=head.last_seq + 1, at=timezone.now(), prev_hash=head.last_hash, **fields)
        event.hash = event_hash(hashed_fields(event))
        event._appended_by_chain = True  # type: ignore[attr-defined]
        event.save()
        LedgerHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def hashed_content(fields: dict[str, Any]) -> dict[str, Any]:
    """The content part of ``hashed_fields`` for an event about to be appended."""
    actor = fields["actor"]
    return {
        "actor_id": actor.pk if actor is not None else None,
        "actor_username": fields["actor_username"],
        "actor_roles": fields["actor_roles"],
        "region_code": fields["region_code"],
        "type": fields["type"],
        "object_type": fields["object_type"],
        "object_id": fields["object_id"],
        "outcome": fields["outcome"],
        "summary": fields["summary"],
        "client_address": fields["client_address"],
    }


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

    Works inside an action's transaction (the event commits or rolls back with the action)
    and outside one (as its own transaction). Locks the ledger head row until the
    outermost transaction ends, so call it last in an action to keep that lock short.
    ``region_code`` defaults to the object's, else the actor's. ``summary`` must not hold
    unmasked personal data; it is stored in canonical JSON (see ``canonical_json``).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if region_code is None:
            region_code = getattr(obj, "region_code", None)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if region_code is None:
        region_code = getattr(actor, "region_code", "") if is_user else ""
    fields: dict[str, Any] = {
        "actor": actor if is_user else None,
        "actor_username": _fit(actor.get_username() if is_user else "", "actor_username"),
        "actor_roles": _fit(",".join(sorted(actor.roles)) if is_user else "", "actor_roles"),
        "region_code": _fit(region_code, "region_code"),
        "type": int(type),
        "object_type": _fit(object_type, "object_type"),
        "object_id": _fit(object_id, "object_id"),
        "outcome": str(outcome),
        "summary": canonical_json(summary or {}),
        "client_address": client_address(request),
    }
    if connection.vendor == "postgresql":
        return _append_in_postgresql(fields)
    return _append_in_python(fields)
