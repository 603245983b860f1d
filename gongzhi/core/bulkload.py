"""Bulk loading: build a table's secondary indexes once, after the rows, not row by row;
insert many rows without the ORM's per-value work (:func:`insert_objects`).

A resident row carries twenty indexes (search by name, pinyin, initials, ID and phone
tails, households, places…). Kept up to date row by row, each insert is twenty random
B-tree writes: on this machine's SQLite that caps a load at about 6,000 rows/s however
fast the rows are prepared (``bench/bench_import_residents.py`` measures it). Building
the same indexes afterwards sorts each key once and is several times faster — the way
``pg_restore``, ``mysqlimport`` and SQLite's own ``.import`` advice do it.

:func:`deferred_indexes` drops the non-unique secondary indexes of some tables for the
duration of a load and rebuilds them from their exact original definitions afterwards.
Unique indexes stay: the loader relies on them (the ID blind index, household numbers)
for its lookups and for correctness under concurrency. While the indexes are away,
readers get correct but slower answers.

After the rebuild the tables are analysed, so the planner knows their new size.

Crash safety: each dropped definition is stored in ``DeferredIndex`` in the transaction
that drops it; :func:`restore_deferred_indexes` rebuilds whatever is listed there, and runs
when a load ends (even by an exception), before every residents import and in
``bootstrap``. A killed load therefore leaves the data it committed and, at worst, slow
searches until the next of those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from operator import attrgetter
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    Model,
    SlugField,
    TextField,
)
from django.utils import timezone

from gongzhi.core.fields import EncryptedTextField
from gongzhi.core.models import DeferredIndex


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of ``table``'s non-unique, non-constraint indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND schemaname = current_schema() ORDER BY indexname",
                [table],
            )
        else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
            return []
        rows = cursor.fetchall()
    return [
        (name, sql) for name, sql in rows if not sql.lstrip().upper().startswith("CREATE UNIQUE")
    ]


@contextmanager
def deferred_indexes(*models_: type[models.Model]) -> Iterator[int]:
    """Drop the secondary indexes of ``models_`` for the block; rebuild them after it.

    Yields how many indexes were dropped. Not for a block inside a transaction: the
    load's batches must commit as they go, and the rebuild must see them.
    """
    if connection.in_atomic_block:
        raise RuntimeError("deferred_indexes() needs autocommit: bulk loads commit per batch")
    dropped = 0
    with transaction.atomic():
        for model in models_:
            table = model._meta.db_table
            for name, sql in secondary_indexes(table):
                DeferredIndex.objects.create(table=table, name=name, sql=sql)
                with connection.cursor() as cursor:
                    cursor.execute("DROP INDEX " + connection.ops.quote_name(name))
                dropped += 1
    try:
        yield dropped
    finally:
        restore_deferred_indexes()
        analyze(*(model._meta.db_table for model in models_))


def restore_deferred_indexes() -> int:
    """Rebuild every index a bulk load dropped and has not rebuilt; how many were rebuilt."""
    rebuilt = 0
    tables: set[str] = set()
    for index in DeferredIndex.objects.order_by("id"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                # The statement is the database's own definition of the index, read back
                # from its catalogue when it was dropped.
                cursor.execute(_if_not_exists(index.sql))
            index.delete()
        tables.add(index.table)
        rebuilt += 1
    analyze(*sorted(tables))
    return rebuilt


def analyze(*tables: str) -> None:
    """Refresh the planner's statistics of ``tables`` after a bulk load.

    Without them the planner guesses: right after loading 1.42 million residents,
    PostgreSQL chose a full scan and sort for a county's first page (0.8 s instead of
    20 ms), and autovacuum's own ANALYZE comes only later.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("ANALYZE " + connection.ops.quote_name(table))


def pending_indexes() -> int:
    """How many dropped indexes wait to be rebuilt (0 in normal operation)."""
    return DeferredIndex.objects.count()


def _if_not_exists(sql: str) -> str:
    head = "CREATE INDEX "
    if sql.upper().startswith(head) and "IF NOT EXISTS" not in sql.upper()[:40]:
        return "CREATE INDEX IF NOT EXISTS " + sql[len(head) :]
    return sql


def _converters(model: type[Model]) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """(attname, converter or None) for each column ``insert_objects`` writes.

    Text, integer, boolean and foreign-key columns go to the driver as they are; dates go
    through the backend's adapter; everything else (the encrypted columns) through the
    field's own ``get_db_prep_save``. Computing this once per insert instead of asking every
    field for every value is what makes the write path cheap.
    """
    ops = connection.ops
    as_is = (CharField, SlugField, TextField, BooleanField, IntegerField, ForeignKey)
    result: list[tuple[str, Callable[[Any], Any] | None]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        converter: Callable[[Any], Any] | None
        if isinstance(f, DateTimeField):
            converter = ops.adapt_datetimefield_value
        elif isinstance(f, DateField):
            converter = ops.adapt_datefield_value
        elif isinstance(f, as_is) and not isinstance(f, EncryptedTextField):
            converter = None
        else:
            converter = partial(_prep_save, f)
        result.append((f.attname, converter))
    return result


def _prep_save(field: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def insert_objects(model: type[Model], objs: Sequence[Any]) -> None:
    """INSERT ``objs`` with one ``executemany`` — ``bulk_create`` without its per-value
    compiler work, which dominates a league-sized import or a sweep's thousands of timeline
    steps. ``objs`` are model instances or plain objects carrying every column's attribute
    name (``case_id``, not ``case``); their ``created_at`` and ``updated_at`` are set to
    now. No primary keys are returned and no signals are sent.
    """
    if not objs:
        return
    now = timezone.now()
    columns = _converters(model)
    values = attrgetter(*(attname for attname, _convert in columns))
    # The one timestamp of the batch, adapted once rather than twice a row.
    stamped = {"created_at", "updated_at"}
    adapted_now = connection.ops.adapt_datetimefield_value(now)
    converted = [
        (index, convert)
        for index, (attname, convert) in enumerate(columns)
        if convert is not None and attname not in stamped
    ]
    stamp_indexes = [index for index, (attname, _c) in enumerate(columns) if attname in stamped]
    rows = []
    for obj in objs:
        obj.created_at = obj.updated_at = now
        row = list(values(obj))
        for index, convert in converted:
            row[index] = convert(row[index])
        for index in stamp_indexes:
            row[index] = adapted_now
        rows.append(row)
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Identifiers from the model's own metadata, values as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a statement per row, several times faster.
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table), ", ".join(quote(str(f.column)) for f in fields)
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, rows)
