"""Ledger appends per second under concurrent writers, with the chain verified afterwards.

Runs against ``DATABASE_URL`` (default: PostgreSQL ``gongzhi_bench`` on 127.0.0.1, created
and migrated when missing, and left in place; the test suite's databases are refused).
Every writer is its own process with its own connection, and every append is its own
transaction, as when each action in the platform commits on its own. Prints one JSON line.

- ``appends_per_s``: ``WRITERS`` processes calling ``record_event`` ``EVENTS`` times each
  (lock the head row, hash, insert, move the head, commit) — the number the target
  (≥ 1,000/s with 4 writers) is about.
- ``one_writer_appends_per_s``: the same appends from a single process.
- ``limit_plain_inserts_per_s``: the same rows INSERTed by ``WRITERS`` processes into a
  copy of the event table (same columns and indexes, no trigger), one transaction per
  row, without the head lock or hashing — what the database does with no chain at all.
- ``verified`` / ``chain_events``: ``verify_chain()`` over the whole chain afterwards (the
  bench database keeps its chain between runs, so it grows).
- ``commit_ms_one_writer``: mean time of one append from one writer.
- ``load_avg_1m_before``: the machine's load when the run began; the numbers are only
  comparable between runs on an otherwise idle machine.

On PostgreSQL an append is one statement (``ledger_append()``, migration 0005) that locks
the head row, hashes, inserts and moves the head; called outside a transaction it commits
by itself, so the head stays locked only while the server runs it and flushes the commit.

Usage: ``.venv/bin/python bench/bench_ledger_append.py [--events N] [--writers W]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from typing import Any

from _common import DEFAULT_URL, log, prepare_database, setup_django

TARGET = 1_000
PLAIN_TABLE = "bench_plain_event"


def summary_for(writer: int, index: int) -> dict[str, Any]:
    """A summary the size of a real action's (an account change)."""
    return {
        "username": f"bench_{writer}_{index}",
        "roles": ["community_staff"],
        "region": "152201001001",
        "changed": {"full_name": ["张丽", "张丽华"], "is_active": [True, True]},
    }


def append_worker(url: str, writer: int, count: int, barrier: Any, results: Any) -> None:
    setup_django(url)
    from django.db import connection
    from django.test import RequestFactory

    from gongzhi.ledger.chain import record_event
    from gongzhi.ledger.models import EventType

    request = RequestFactory().get("/", REMOTE_ADDR=f"10.0.{writer}.1")
    connection.ensure_connection()
    barrier.wait()
    started = time.perf_counter()
    for index in range(count):
        record_event(
            EventType.USER_UPDATED,
            object_type="accounts.user",
            object_id=str(writer * 1_000_000 + index),
            region_code="152201001001",
            summary=summary_for(writer, index),
            request=request,
        )
    results.put((started, time.perf_counter()))
    connection.close()


def insert_worker(url: str, writer: int, count: int, barrier: Any, results: Any) -> None:
    setup_django(url)
    from django.db import connection
    from django.utils import timezone

    sql = (
        f"INSERT INTO {PLAIN_TABLE} (at, actor_username, actor_roles, region_code, type, "
        "object_type, object_id, outcome, summary, client_address, prev_hash, hash) "
        "VALUES (%s, '', '', %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    connection.ensure_connection()
    barrier.wait()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for index in range(count):
            # Autocommit: each INSERT is its own transaction, like each append.
            cursor.execute(
                sql,
                [
                    timezone.now(),
                    "152201001001",
                    2002,
                    "accounts.user",
                    str(writer * 1_000_000 + index),
                    "success",
                    json.dumps(summary_for(writer, index), ensure_ascii=False),
                    f"10.0.{writer}.1",
                    "0" * 64,
                    f"{writer:04d}{index:060d}",
                ],
            )
    results.put((started, time.perf_counter()))
    connection.close()


def run_writers(target: Any, url: str, writers: int, count: int) -> float:
    """Start ``writers`` processes together; return rows per second over the wall clock."""
    context = mp.get_context("spawn")
    barrier = context.Barrier(writers)
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(url, n, count, barrier, results))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    spans = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a writer failed with exit code {process.exitcode}")
    elapsed = max(end for _start, end in spans) - min(start for start, _end in spans)
    return writers * count / elapsed


def create_plain_table() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        statements = [
            f"DROP TABLE IF EXISTS {PLAIN_TABLE}",
            f"CREATE TABLE {PLAIN_TABLE} (LIKE ledger_event INCLUDING DEFAULTS INCLUDING INDEXES)",
            f"ALTER TABLE {PLAIN_TABLE} ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY",
        ]
    else:
        statements = [
            f"DROP TABLE IF EXISTS {PLAIN_TABLE}",
            f"CREATE TABLE {PLAIN_TABLE} (seq INTEGER PRIMARY KEY, at TEXT, actor_username TEXT, "
            "actor_roles TEXT, region_code TEXT, type INTEGER, object_type TEXT, object_id TEXT, "
            "outcome TEXT, summary TEXT, client_address TEXT, prev_hash TEXT, hash TEXT UNIQUE)",
            f"CREATE INDEX {PLAIN_TABLE}_region ON {PLAIN_TABLE} (region_code, seq)",
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000, help="appends per writer")
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)

    prepare_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection, connections

    from gongzhi.ledger.verify import verify_chain

    call_command("migrate", verbosity=0)
    settings_row: dict[str, str] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in ("synchronous_commit", "fsync", "wal_sync_method", "server_version"):
                cursor.execute(f"SHOW {name}")
                settings_row[name] = cursor.fetchone()[0]
    create_plain_table()
    connections.close_all()

    load_before = round(os.getloadavg()[0], 2)
    log(f"{args.writers} writers × {args.events} appends through record_event …")
    concurrent = run_writers(append_worker, url, args.writers, args.events)
    log(f"  {concurrent:,.0f} appends/s")
    log(f"1 writer × {args.events} appends …")
    single = run_writers(append_worker, url, 1, args.events)
    log(f"  {single:,.0f} appends/s")
    log(f"{args.writers} writers × {args.events} plain INSERTs …")
    plain = run_writers(insert_worker, url, args.writers, args.events)
    log(f"  {plain:,.0f} inserts/s")

    log("verifying the whole chain …")
    result = verify_chain()
    log(f"  {result.message} ({result.elapsed:.1f} s)")
    print(
        json.dumps(
            {
                "bench": "ledger_append",
                "database": connection.vendor,
                "writers": args.writers,
                "events_per_writer": args.events,
                "appends_per_s": round(concurrent),
                "one_writer_appends_per_s": round(single),
                "limit_plain_inserts_per_s": round(plain),
                "commit_ms_one_writer": round(1000 / single, 3),
                "target_appends_per_s": TARGET,
                "meets_target": concurrent >= TARGET,
                "verified": result.ok,
                "chain_events": result.count,
                "verify_s": round(result.elapsed, 2),
                "verify_events_per_s": round(result.count / result.elapsed)
                if result.elapsed
                else None,
                "postgres": settings_row or None,
                "load_avg_1m_before": load_before,
                "cpus": os.cpu_count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
