"""The cost of jurisdiction scoping: one page of a 1,000,000-row list, scoped vs unscoped.

A dedicated table ``bench_scoped_row`` (``id``, ``region_code``, ``title``; index on
``(region_code, id)``) holds 1,000,000 rows whose codes are real community codes from
``data/xingan_divisions.csv`` plus a three-digit grid suffix, spread unevenly over the
communities (some communities are much busier than others) and inserted in random order,
so ``id`` order is arrival order, unrelated to place. The table is loaded once (COPY on
PostgreSQL, ``executemany`` on SQLite) and reused by later runs.

Each measurement runs the query through the ORM (``list(queryset[:50])``), repeatedly, and
reports p50/p99 in milliseconds, with ``sql``: the same compiled statement on a bare cursor
(the database's share, without building the query or the objects):

- ``region_order``: ``ORDER BY region_code, id`` — a list grouped by place, the order the
  ``(region_code, id)`` index serves. ``first_page`` is the first 50 rows; ``keyset_page``
  starts after a random row (``(region_code, id) > cursor``), as deep pages do.
- ``newest_first``: ``ORDER BY id DESC`` — a list of the latest rows (cases, events);
  ``keyset_page`` starts below a random id.
- ``unscoped``: the same page over the whole table, the baseline.
- ``within``: scoped with ``gongzhi.core.scoping.within(prefix)`` (``prefix <= code <
  next(prefix)``), the platform's mechanism, for a county and for a community.
- ``startswith``: the obvious alternative, ``region_code__startswith=prefix`` (``LIKE
  'prefix%'``), for comparison.
- ``ratio``: scoped (``within``) p50 over unscoped p50 for the same page, through the
  ORM; the target is ≤ 1.2 for the place-ordered list (``meets_target``). ``ratio_sql``:
  the same for the bare statement.
- ``rows_in_scope`` and ``count_ms``: ``queryset.count()`` of each scope (the raw count a
  page header would show) and how long it takes.

Usage: ``.venv/bin/python bench/bench_scoped_list.py [--sqlite] [--rows N] [--seconds S]``.
PostgreSQL by default (``DATABASE_URL``, else ``gongzhi_bench`` on 127.0.0.1, created when
missing); ``--sqlite`` uses ``var/bench/scoped_list.sqlite3``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from _common import DEFAULT_URL, ROOT, log, prepare_database, setup_django

SQLITE_PATH = ROOT / "var" / "bench" / "scoped_list.sqlite3"
TABLE = "bench_scoped_row"
PAGE = 50
SEED = 20261129
TARGET_RATIO = 1.2
COUNTY = "152222"  # 科尔沁右翼中旗: in the middle of the code order, neither first nor last


def community_codes() -> list[str]:
    with (ROOT / "data" / "xingan_divisions.csv").open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["level"] == "4"]


def generate_codes(rows: int, rng: random.Random) -> list[str]:
    """Grid codes (community code + 3 digits), busier communities drawn more often."""
    grids: list[str] = []
    weights: list[float] = []
    for community in community_codes():
        busy = rng.lognormvariate(0, 0.8)
        for grid in range(1, rng.randint(3, 12) + 1):
            grids.append(f"{community}{grid:03d}")
            weights.append(busy)
    return rng.choices(grids, weights=weights, k=rows)


def set_statistics(cursor: Any, vendor: str, target: int) -> None:
    """Set the ``region_code`` histogram size (-1: PostgreSQL's default) and re-analyse.

    With the default histogram a narrow prefix (one community) is estimated at many times
    its rows, and a newest-first page walks the primary key instead of taking the prefix's
    index range (about 10 ms instead of 1 ms here); a finer histogram fixes the estimate
    but costs planning time on every scoped query. ``--region-statistics`` measures the
    trade (ledger migration 0006 takes it for the audit log; docs/architecture.md, "Scale").
    """
    if vendor != "postgresql":
        return
    cursor.execute(
        "SELECT attstattarget FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attname = 'region_code'",
        [TABLE],
    )
    current = cursor.fetchone()[0]
    if (current if current is not None else -1) != target:
        log(f"setting region_code statistics to {target} and analysing …")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN region_code SET STATISTICS {target}")
        cursor.execute(f"ANALYZE {TABLE}")


def load_table(rows: int, statistics_target: int) -> None:
    """Create and fill the bench table unless it already holds ``rows`` rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if TABLE in tables:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            if cursor.fetchone()[0] == rows:
                log(f"reusing {TABLE} ({rows:,} rows)")
                set_statistics(cursor, connection.vendor, statistics_target)
                return
            cursor.execute(f"DROP TABLE {TABLE}")
        log(f"loading {rows:,} rows into {TABLE} …")
        started = time.perf_counter()
        codes = generate_codes(rows, random.Random(SEED))
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {TABLE} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                "region_code varchar(21) NOT NULL, title varchar(40) NOT NULL)"
            )
            raw = cursor.cursor
            with raw.copy(f"COPY {TABLE} (region_code, title) FROM STDIN") as copy:
                for number, code in enumerate(codes):
                    copy.write_row((code, f"事项 {number}"))
            cursor.execute(f"CREATE INDEX {TABLE}_region_id ON {TABLE} (region_code, id)")
            cursor.execute(f"VACUUM ANALYZE {TABLE}")
            set_statistics(cursor, connection.vendor, statistics_target)
        else:
            cursor.execute(
                f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, "
                "region_code varchar(21) NOT NULL, title varchar(40) NOT NULL)"
            )
            batch = 50_000
            for start in range(0, rows, batch):
                cursor.executemany(
                    f"INSERT INTO {TABLE} (region_code, title) VALUES (%s, %s)",
                    [
                        (code, f"事项 {start + i}")
                        for i, code in enumerate(codes[start : start + batch])
                    ],
                )
            cursor.execute(f"CREATE INDEX {TABLE}_region_id ON {TABLE} (region_code, id)")
            cursor.execute("ANALYZE")
        log(f"  loaded in {time.perf_counter() - started:.1f} s")


def bench_model() -> Any:
    """An unmanaged model over the bench table, with the platform's scoped queryset."""
    from django.db import models

    from gongzhi.core.scoping import ScopedQuerySet

    class BenchRow(models.Model):
        region_code = models.CharField(max_length=21)
        title = models.CharField(max_length=40)

        objects = ScopedQuerySet.as_manager()

        class Meta:
            app_label = "core"
            db_table = TABLE
            managed = False

        def __str__(self) -> str:
            return f"{self.region_code} {self.title}"

    return BenchRow


def percentiles(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "n": len(ordered),
    }


def measure_together(
    queries: dict[str, Callable[[], Any]], *, seconds: float, max_runs: int = 400
) -> dict[str, dict[str, Any]]:
    """Time each query, taking turns so that noise from other work on the machine falls on
    all of them alike. Each query runs until ``max_runs`` or until it has used ``seconds``
    (at least 10 runs), after two warm-up runs.

    Per run, ``orm`` is ``list(queryset)`` — building the SQL, the round trip, making the
    objects; ``sql`` is the same compiled statement run on the cursor alone (the database's
    share).
    """
    from django.db import connection

    orm: dict[str, list[float]] = {name: [] for name in queries}
    sql: dict[str, list[float]] = {name: [] for name in queries}
    spent = dict.fromkeys(queries, 0.0)
    for make_query in queries.values():
        for _ in range(2):
            list(make_query())
    active = list(queries)
    with connection.cursor() as cursor:
        while active:
            for name in list(active):
                queryset = queries[name]()
                statement, params = queryset.query.get_compiler(using="default").as_sql()
                started = time.perf_counter()
                rows = list(queryset)
                middle = time.perf_counter()
                cursor.execute(statement, params)
                cursor.fetchall()
                ended = time.perf_counter()
                assert len(rows) <= PAGE
                orm[name].append(middle - started)
                sql[name].append(ended - middle)
                spent[name] += ended - started
                runs = len(orm[name])
                if runs >= max_runs or (runs >= 10 and spent[name] >= seconds):
                    active.remove(name)
    return {name: {**percentiles(orm[name]), "sql": percentiles(sql[name])} for name in queries}


def cursors(model: Any, scope: Any, rng: random.Random, count: int = 200) -> list[tuple[str, int]]:
    """Random (region_code, id) positions inside ``scope``, for keyset pages."""
    ids = list(model.objects.filter(scope).values_list("id", flat=True)[:200_000])
    picked = [ids[rng.randrange(len(ids))] for _ in range(count)]
    return list(model.objects.filter(id__in=picked).values_list("region_code", "id"))


def cycle(items: list[Any]) -> Iterator[Any]:
    while True:
        yield from items


def first_page(model: Any, condition: Any, order: tuple[str, ...]) -> Any:
    return model.objects.filter(condition).order_by(*order)[:PAGE]


def keyset_page(
    model: Any, condition: Any, order: tuple[str, ...], after: Any, positions: Iterator[Any]
) -> Any:
    # The cursor's bound comes first: SQLite ranges the index on the first lower bound it
    # reads on a column, and the cursor's is the tighter one.
    return model.objects.filter(after(next(positions)) & condition).order_by(*order)[:PAGE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of PostgreSQL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per query")
    parser.add_argument(
        "--region-statistics",
        type=int,
        default=-1,
        help="PostgreSQL histogram size for region_code (-1: the default; try 300)",
    )
    args = parser.parse_args()

    if args.sqlite:
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        url = os.environ.get("DATABASE_URL", DEFAULT_URL)
        prepare_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from gongzhi.core.scoping import within

    call_command("migrate", verbosity=0)
    load_table(args.rows, args.region_statistics)
    Row = bench_model()
    rng = random.Random(SEED)

    # The community: one of median size inside the county, so neither tiny nor the busiest.
    per_community = (
        Row.objects.filter(within(COUNTY))
        .values_list("region_code", flat=True)
        .order_by("region_code")
    )
    sizes: dict[str, int] = {}
    for code in per_community.iterator(chunk_size=20_000):
        sizes[code[:12]] = sizes.get(code[:12], 0) + 1
    community = sorted(sizes, key=lambda code: sizes[code])[len(sizes) // 2]
    scopes = {"county": COUNTY, "community": community}

    report: dict[str, Any] = {
        "bench": "scoped_list",
        "database": connection.vendor,
        "load_avg_1m_before": round(os.getloadavg()[0], 2),
        "rows": Row.objects.count(),
        "page_size": PAGE,
        "region_statistics": args.region_statistics,
        "scopes": {},
    }
    for name, prefix in scopes.items():
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            total = Row.objects.within(prefix).count()
            timings.append(time.perf_counter() - started)
        report["scopes"][name] = {
            "prefix": prefix,
            "rows_in_scope": total,
            "count_ms": round(statistics.median(timings) * 1000, 3),
        }

    filters: dict[str, Any] = {"unscoped": {"": Q()}}
    for name, prefix in scopes.items():
        filters[name] = {"within": within(prefix), "startswith": Q(region_code__startswith=prefix)}

    orderings = {
        "region_order": (
            ("region_code", "id"),
            lambda c: Q(region_code__gte=c[0]) & (Q(region_code__gt=c[0]) | Q(id__gt=c[1])),
        ),
        "newest_first": (("-id",), lambda c: Q(id__lt=c[1])),
    }
    for order_name, (order, after) in orderings.items():
        section: dict[str, Any] = {}
        for page in ("first_page", "keyset_page"):
            log(f"{order_name} · {page} …")
            queries: dict[str, Callable[[], Any]] = {}
            for scope_name, methods in filters.items():
                positions = cycle(cursors(Row, next(iter(methods.values())), rng))
                for method, condition in methods.items():
                    if page == "first_page":
                        queries[f"{scope_name}/{method}"] = partial(
                            first_page, Row, condition, order
                        )
                    else:
                        queries[f"{scope_name}/{method}"] = partial(
                            keyset_page, Row, condition, order, after, positions
                        )
            for name, result in measure_together(queries, seconds=args.seconds).items():
                scope_name, method = name.split("/")
                if scope_name == "unscoped":
                    section.setdefault("unscoped", {})[page] = result
                else:
                    section.setdefault(scope_name, {}).setdefault(method, {})[page] = result
        for scope_name in scopes:
            scoped, unscoped = section[scope_name]["within"], section["unscoped"]
            section[scope_name]["ratio"] = {
                page: round(scoped[page]["p50_ms"] / unscoped[page]["p50_ms"], 2)
                for page in ("first_page", "keyset_page")
            }
            section[scope_name]["ratio_sql"] = {
                page: round(scoped[page]["sql"]["p50_ms"] / unscoped[page]["sql"]["p50_ms"], 2)
                for page in ("first_page", "keyset_page")
            }
        report[order_name] = section

    ratios = [
        value
        for scope_name in scopes
        for value in report["region_order"][scope_name]["ratio"].values()
    ]
    report["target_ratio"] = TARGET_RATIO
    report["worst_ratio_region_order"] = max(ratios)
    report["meets_target"] = max(ratios) <= TARGET_RATIO
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
