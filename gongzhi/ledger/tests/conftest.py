"""Fixtures for the ledger's tests: an honest tamperer and a chain of events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import Event, EventType

TRIGGERS = (
    ("ledger_event", "ledger_event_append_only"),
    ("ledger_ledgerhead", "ledger_head_forward_only"),
)


def run_as_database_owner(sql: str, params: Sequence[Any] = ()) -> None:
    """Raw SQL as an attacker who owns the database: the platform's code is bypassed, and
    on PostgreSQL the append-only triggers are switched off first (which only the table
    owner or a superuser can do) and on again after."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            for table, trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        try:
            cursor.execute(sql, params)
        finally:
            if postgres:
                for table, trigger in TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


@pytest.fixture
def tamper() -> Callable[..., None]:
    return run_as_database_owner


def append_events(count: int, **fields: Any) -> list[Event]:
    """``count`` events through ``record_event``, as the platform writes them."""
    return [
        record_event(
            EventType.SETTING_CHANGED,
            object_type="test.setting",
            object_id=str(number),
            summary={"name": f"setting-{number}", "value": number},
            **fields,
        )
        for number in range(count)
    ]


@pytest.fixture
def chain(db: None) -> list[Event]:
    """A ledger of ten events on an otherwise empty database."""
    return append_events(10)
