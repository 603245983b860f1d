"""Writes of the Open311 interface: issuing and revoking API keys, creating a request.

Keys mirror the REST API's bearer tokens (``accounts.actions.do_issue_api_token``): a
random secret of 32 bytes, only its SHA-256 stored, the raw value returned once. A
request posted with a key becomes a case through ``cases.actions.do_submit_case`` on the
``open311`` channel; the case's timeline step and ledger event name the key's prefix.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases import lookups
from gongzhi.cases.actions import do_submit_case
from gongzhi.cases.enums import Channel
from gongzhi.cases.models import Case
from gongzhi.core.scoping import contains
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import Region
from gongzhi.service_requests.models import PREFIX_LENGTH, Open311ApiKey

NAME_MAX_LENGTH = 100
# last_used_at is written at most this often per key: one UPDATE per request would make
# every creation contend for the key's row.
KEY_TOUCH_INTERVAL = timedelta(minutes=1)
# The table behind the process's copy of the keys (see ``authenticate_open311_key``).
KEY_TABLES = (Open311ApiKey._meta.db_table,)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require(actor: User | None, key: Open311ApiKey | None) -> None:
    if actor is not None and not actor.has_perm("service_requests.manage_open311_key", key):
        raise PermissionDenied(_("只有本辖区的系统管理员可以管理 Open311 接口密钥"))


@transaction.atomic
def do_issue_open311_key(
    name: str,
    *,
    actor: User | None,
    region_code: str = "",
    request: HttpRequest | None = None,
) -> tuple[Open311ApiKey, str]:
    """签发 Open311 接口密钥 — returns the row and the raw key, which is shown once.

    ``actor=None`` is the operator on the command line (``manage.py open311_key``).
    ``region_code`` limits the key to a jurisdiction (blank: the whole deployment).
    """
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors.setdefault("name", []).append(_("请填写密钥名称（使用该密钥的系统）"))
    elif len(name) > NAME_MAX_LENGTH:
        errors.setdefault("name", []).append(_("名称不能超过 %(n)d 个字") % {"n": NAME_MAX_LENGTH})
    region_code = (region_code or "").strip()
    if region_code and not Region.objects.filter(region_code=region_code, is_active=True).exists():
        errors.setdefault("region_code", []).append(_("限定辖区不存在，请填写有效的辖区编码"))
    if errors:
        raise ValidationError(errors)
    _require(actor, Open311ApiKey(region_code=region_code))
    raw = secrets.token_urlsafe(32)
    key = Open311ApiKey.objects.create(
        name=name,
        key_hash=hash_key(raw),
        prefix=raw[:PREFIX_LENGTH],
        region_code=region_code,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_event(
        EventType.OPEN311_KEY_ISSUED,
        actor=actor,
        obj=key,
        summary={"key_id": key.pk, "name": key.name, "prefix": key.prefix},
        request=request,
    )
    return key, raw


@transaction.atomic
def do_revoke_open311_key(
    key: Open311ApiKey, *, actor: User | None, request: HttpRequest | None = None
) -> Open311ApiKey:
    """吊销 — the key stops working at once; requests it created stay."""
    locked = Open311ApiKey.objects.select_for_update().get(pk=key.pk)
    _require(actor, locked)
    if locked.revoked_at is not None:
        raise ValidationError({"key": _("该密钥已吊销")})
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    key.revoked_at = locked.revoked_at
    record_event(
        EventType.OPEN311_KEY_REVOKED,
        actor=actor,
        obj=locked,
        summary={"key_id": locked.pk, "prefix": locked.prefix},
        request=request,
    )
    return locked


def _keys_by_hash() -> dict[str, tuple[Any, ...]]:
    return {key.key_hash: lookups.values_of(key) for key in Open311ApiKey.objects.order_by()}


def authenticate_open311_key(
    raw: str | None, *, now: datetime | None = None, reference: lookups.Lookups | None = None
) -> Open311ApiKey | None:
    """The active key for ``raw``, or None (unknown or revoked). Records the last use at
    most once a minute.

    Keys are read from the process's copy of the key table (``cases.lookups``; a trigger
    of migration ``service_requests/0002`` renews its version on every write), so a
    revocation is seen by the next request in every process, and a request costs one
    statement for every reference table instead of a compiled query per table.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    keys = (reference or lookups.current()).copy("open311_keys", KEY_TABLES, _keys_by_hash)
    key = lookups.instance_of(Open311ApiKey, keys.get(hash_key(raw)))
    if key is None or key.revoked_at is not None:
        return None
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= KEY_TOUCH_INTERVAL:
        Open311ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def do_submit_service_request(
    *,
    key: Open311ApiKey,
    request: HttpRequest | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Case:
    """Open311 ``POST requests`` — a case on the ``open311`` channel, submitted by the
    system on the key's behalf (no account: the key is the outside system's identity).

    ``fields`` are ``do_submit_case``'s keyword arguments. A key bound to a jurisdiction
    may only place cases inside it; ``do_submit_case`` checks it on the placed case
    before writing anything (its ``check``), so a refusal leaves nothing behind — and
    the submission is one transaction, ``do_submit_case``'s, with no savepoint released
    between the ledger append and the commit (issue 4: creation under 8 clients).
    """

    def inside_the_key_s_jurisdiction(case: Case) -> None:
        if key.region_code and not contains(key.region_code, case.region_code):
            raise ValidationError({"location": _("该位置不在本接口密钥限定的辖区内")})

    return do_submit_case(
        actor=None,
        channel=Channel.OPEN311,
        origin={"open311_key": key.prefix},
        check=inside_the_key_s_jurisdiction,
        request=request,
        now=now,
        **fields,
    )
