"""Bulk loading: build a table's secondary indexes once, after the rows, not row by row.

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

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models, transaction

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
