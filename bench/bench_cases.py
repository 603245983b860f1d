"""The case engine at league scale: inboxes, the Open311 list, the deadline sweep, creation.

Generates ``--cases`` cases (default 1,000,000) straight into ``cases_case`` (COPY on
PostgreSQL, ``executemany`` on SQLite), spread over the real communities of
``data/xingan_divisions.csv`` (busier communities drawn more often), over the seeded
categories (events 60 %, complaints 25 %, applications 15 %; each routed to its level),
over the last 365 days (ids follow submission time) and over the open states (待受理
15 %, 待派遣 10 %, 办理中 55 %, 待核查 20 %; ``--closed-fraction`` makes a share
closed or refused instead). Deadlines lie ahead, except: 5 % already marked overdue,
5 % already due soon, and 1 % whose deadline has just passed ("due now", unmarked).
Every case has its submission step on the timeline, accepted ones an acceptance note.
The data are kept and reused by the next run when the table holds enough cases.

Then it measures (p50/p99 in ms, one JSON line on stdout, progress on stderr):

- ``inbox``: the first page of ``cases.queries.inbox`` (50 rows, as the console shows
  it) for community staff of the busiest community and for county staff of its county,
  boxes 待受理, 办理中 and 已超期. Target p99 < 100 ms.
- ``open311_list``: ``GET /open311/v2/requests.json`` (the default window: 90 days, at
  most 1,000 requests) through the Django test client, rendering included; and with
  ``status=open&service_code=…``. Target p99 < 100 ms.
- ``sweep``: ``cases.sweep.do_sweep_cases`` with 1 % of the cases due (a fresh 1 % is
  made due before each run), beside a naive full scan that loads every open case and
  checks its deadline in Python (detection only, no writes). Target < 2 s.
- ``create``: ``POST /open311/v2/requests.json`` from ``--clients`` (8) client processes
  against a running gunicorn (the project's production server; ``--server runserver``
  uses ``manage.py runserver --noreload`` instead), and a bare Django JSON view on the
  same server in the same run as the ceiling. Target ≥ 300 cases/s.

Usage: ``.venv/bin/python bench/bench_cases.py [--sqlite] [--cases N] [--seconds S]
[--clients 8] [--create-seconds 15] [--closed-fraction F] [--skip-create]``.
PostgreSQL by default (``DATABASE_URL``, else ``gongzhi_bench`` on 127.0.0.1, created
when missing); ``--sqlite`` uses ``var/bench/cases.sqlite3``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from _common import DEFAULT_URL, ROOT, log, prepare_database, setup_django

SQLITE_PATH = ROOT / "var" / "bench" / "cases.sqlite3"
SEED = 20261129
PAGE = 50
TARGET_P99_MS = 100.0
TARGET_CREATE_PER_S = 300.0
TARGET_SWEEP_S = 2.0
KIND_WEIGHTS = {"event": 0.60, "complaint": 0.25, "service": 0.12, "correction": 0.03}
OPEN_WEIGHTS = {
    "submitted": 0.15,
    "pending_dispatch": 0.10,
    "handling": 0.55,
    "pending_verification": 0.20,
}
LEAGUE = (119.46, 44.23, 123.64, 47.65)
DESCRIPTIONS = [
    "路口垃圾堆放多日无人清理",
    "路灯晚上不亮，行人看不清路",
    "小区门口有人占道经营",
    "井盖松动，车辆经过有响声",
    "楼上装修噪音太大",
    "道路积水影响出行",
]
STAFF_PASSWORD = "Bench#Cases2026"  # noqa: S105  (bench accounts in the bench database)


# --- Data ---------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "n": len(ordered),
    }


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(count: int, closed_fraction: float, now: datetime) -> Iterator[dict[str, Any]]:
    """The cases, oldest first, as column values (without ``id``). Reads what it needs
    from the database now, so the rows can be written while the generator runs."""
    from gongzhi.cases.models import Category
    from gongzhi.regions.models import Level, Region

    rng = random.Random(SEED)
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, is_active=True).values_list(
            "pk", "region_code"
        )
    )
    busy = [rng.lognormvariate(0, 0.8) for _ in communities]
    by_kind: dict[str, list[Category]] = {}
    for category in Category.objects.filter(is_active=True):
        if not category.attributes or not any(a.get("required") for a in category.attributes):
            by_kind.setdefault(category.kind, []).append(category)
    kinds = {kind: w for kind, w in KIND_WEIGHTS.items() if by_kind.get(kind)}
    moments = sorted(now - timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(count))
    return _rows(rng, moments, communities, busy, by_kind, kinds, closed_fraction, now)


def _rows(
    rng: random.Random,
    moments: list[datetime],
    communities: list[tuple[int, str]],
    busy: list[float],
    by_kind: dict[str, list[Any]],
    kinds: dict[str, float],
    closed_fraction: float,
    now: datetime,
) -> Iterator[dict[str, Any]]:
    from gongzhi.cases.enums import LEVEL_CODE_LENGTH, ResponsibleLevel

    per_day: dict[str, int] = {}
    for submitted in moments:
        pk, code = rng.choices(communities, weights=busy)[0]
        category = rng.choice(by_kind[_weighted(rng, kinds)])
        level = ResponsibleLevel(category.responsible_level)
        day = f"{submitted:%Y%m%d}"
        per_day[day] = per_day.get(day, 0) + 1
        finished = rng.random() < closed_fraction
        status = (
            ("closed" if rng.random() < 0.93 else "refused")
            if finished
            else _weighted(rng, OPEN_WEIGHTS)
        )
        accepted = status not in ("submitted", "refused")
        roll = rng.random()
        if finished:
            due_state, due_at = "", submitted + timedelta(days=5)
            warn_at = due_at - timedelta(days=1)
        elif roll < 0.01:  # due now: the deadline has just passed, not yet marked
            due_state, due_at = "normal", now - timedelta(seconds=rng.uniform(1, 600))
            warn_at = due_at - timedelta(hours=4)
        elif roll < 0.06:
            due_state, due_at = "overdue", now - timedelta(hours=rng.uniform(1, 500))
            warn_at = due_at - timedelta(hours=8)
        elif roll < 0.11:
            due_state, due_at = "due_soon", now + timedelta(hours=rng.uniform(1, 20))
            warn_at = now - timedelta(minutes=10)
        else:
            due_state, due_at = "normal", now + timedelta(hours=rng.uniform(24, 480))
            warn_at = max(now + timedelta(minutes=30), due_at - timedelta(hours=16))
        lon = rng.uniform(LEAGUE[0], LEAGUE[2])
        lat = rng.uniform(LEAGUE[1], LEAGUE[3])
        yield {
            "number": f"{day}{500000 + per_day[day]:06d}",
            "kind": category.kind,
            "category_id": category.pk,
            "title": category.name,
            "description": rng.choice(DESCRIPTIONS),
            "region_code": code,
            "community_id": pk,
            "affected_region_codes": "[]",
            "lon": round(lon, 6) if category.kind == "event" else None,
            "lat": round(lat, 6) if category.kind == "event" else None,
            "channel": rng.choice(["portal", "window", "grid_patrol", "hotline", "open311"]),
            "assigned_level": level.value,
            "assigned_region_code": code[: LEVEL_CODE_LENGTH[level]],
            "status": status,
            "urgency": "normal",
            "attributes": "{}",
            "accept_by": submitted + timedelta(hours=8),
            "due_at": due_at,
            "warn_at": warn_at,
            "due_state": due_state,
            "refusal_reason": "不属于受理范围" if status == "refused" else "",
            "was_overdue": due_state == "overdue",
            "submitted_at": submitted,
            "accepted_at": submitted + timedelta(hours=2) if accepted else None,
            "closed_at": submitted + timedelta(days=3) if status == "closed" else None,
            "updated_at": submitted + timedelta(hours=2),
        }


def _columns(model: Any, given: dict[str, Any]) -> list[tuple[str, Any]]:
    """(column, default) for every concrete column but ``id``; defaults for the unset ones."""
    columns: list[tuple[str, Any]] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in given or field.null:
            columns.append((field.column, None))
        elif field.has_default():
            default = field.get_default()
            if isinstance(default, dict | list):
                default = json.dumps(default)
            columns.append((field.column, default))
        else:
            columns.append((field.column, ""))
    return columns


def _insert(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    from django.db import connection

    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
            return done
        ops = connection.ops
        placeholders = ", ".join(["%s"] * len(columns))
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(
                tuple(
                    ops.adapt_datetimefield_value(v)
                    if isinstance(v, datetime)
                    else (int(v) if isinstance(v, bool) else v)
                    for v in row
                )
            )
            if len(batch) >= 20_000:
                cursor.executemany(statement, batch)
                done += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(statement, batch)
            done += len(batch)
    return done


def load_cases(count: int, closed_fraction: float, now: datetime) -> None:
    """Generate the cases and their timeline steps unless the table holds enough."""
    from django.db import connection, transaction

    from gongzhi.cases.models import Case, CaseEvent

    existing = Case.objects.count()
    if existing >= count:
        log(f"reusing {existing:,} cases")
        return
    if existing:
        # Case numbers are generated per day from the start: a top-up would repeat them.
        log(f"{existing:,} cases are too few: emptying the case tables to generate {count:,}")
        with connection.cursor() as cursor:
            tables = ["cases_notification", "cases_attachment", "cases_caseevent", "cases_case"]
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
        existing = 0
    log(f"generating {count:,} cases …")
    started = time.perf_counter()
    sample = next(generate(1, closed_fraction, now))
    spec = _columns(Case, sample)
    names = [name for name, _ in spec]
    by_column = {f.column: f.attname for f in Case._meta.concrete_fields}

    # Read the communities and categories now: one connection cannot query while it COPYs.
    source = generate(count - existing, closed_fraction, now)

    def case_rows() -> Iterator[tuple[Any, ...]]:
        for number, values in enumerate(source):
            if number and number % 100_000 == 0:
                log(f"  {number:,} cases …")
            yield tuple(values.get(by_column[name], default) for name, default in spec)

    with transaction.atomic():
        _insert(Case._meta.db_table, names, case_rows())
    log(f"  cases in {time.perf_counter() - started:.1f} s; timeline steps …")
    event_spec = _columns(
        CaseEvent,
        {"case_id": 0, "seq": 0, "action": "", "to_status": "", "note": "", "created_at": 0},
    )
    event_names = [name for name, _ in event_spec]

    def event_rows(chunk: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for pk, _status, submitted, accepted in chunk:
            steps = [("submit", "", "submitted", "", submitted)]
            if accepted is not None:
                steps.append(
                    ("accept", "submitted", "pending_dispatch", "已受理，转交办理", accepted)
                )
            for seq, (action, before, after, note, at) in enumerate(steps, start=1):
                values = {
                    "case_id": pk,
                    "seq": seq,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "note": note,
                    "created_at": at,
                    "is_internal": False,
                    "data": "{}",
                }
                yield tuple(values.get(name, default) for name, default in event_spec)

    steps = 0
    last = CaseEvent.objects.order_by("-case_id").values_list("case_id", flat=True).first() or 0
    while True:
        # Read a chunk, then write it: one connection cannot read while it COPYs.
        chunk = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "status", "submitted_at", "accepted_at")[:100_000]
        )
        if not chunk:
            break
        last = chunk[-1][0]
        with transaction.atomic():
            steps += _insert(CaseEvent._meta.db_table, event_names, event_rows(chunk))
        log(f"  {steps:,} timeline steps …")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    log(f"  loaded in {time.perf_counter() - started:.1f} s")


def prepare_world() -> str:
    """Regions and categories when missing; a new Open311 key (returned raw)."""
    from gongzhi.cases.seed import seed_categories
    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Region
    from gongzhi.service_requests.actions import do_issue_open311_key

    if not Region.objects.exists():
        log("loading the division tree …")
        load_regions()
    seed_categories()
    _key, raw = do_issue_open311_key("bench", actor=None)
    return raw


def staff(code: str, role: str) -> Any:
    from gongzhi.accounts.actions import do_create_user
    from gongzhi.accounts.models import User
    from gongzhi.regions.models import Region

    username = f"bench_{role}_{code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = do_create_user(
            username,
            roles=[role],
            region=Region.objects.get(region_code=code),
            password=STAFF_PASSWORD,
            actor=None,
        )
    return user


# --- Measurements -------------------------------------------------------------------------


def measure(run: Callable[[], Any], seconds: float, max_runs: int = 300) -> dict[str, Any]:
    for _ in range(3):
        run()
    samples: list[float] = []
    spent = 0.0
    while len(samples) < max_runs and (len(samples) < 20 or spent < seconds):
        started = time.perf_counter()
        run()
        took = time.perf_counter() - started
        samples.append(took)
        spent += took
    return percentiles(samples)


def first_page(inbox: Callable[..., Any], user: Any, box: str) -> list[Any]:
    return list(inbox(user, box))


def bench_inbox(seconds: float) -> dict[str, Any]:
    from django.db.models import Count

    from gongzhi.cases.models import Case
    from gongzhi.cases.queries import inbox

    busiest = (
        Case.objects.filter(assigned_level="community")
        .values("assigned_region_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    community = busiest["assigned_region_code"]
    county = community[:6]
    users = {
        "community": staff(community, "community_staff"),
        "county": staff(county, "county_staff"),
    }
    result: dict[str, Any] = {"community": community, "county": county}
    for who, user in users.items():
        for box in ("submitted", "handling", "overdue"):
            rows = len(list(inbox(user, box)))
            page = partial(first_page, inbox, user, box)
            result[f"{who}_{box}"] = {**measure(page, seconds), "rows": rows}
    worst = max(v["p99_ms"] for v in result.values() if isinstance(v, dict))
    result["meets_target"] = worst < TARGET_P99_MS
    return result


def bench_open311_list(seconds: float) -> dict[str, Any]:
    from django.test import Client

    client = Client()

    def get(query: str = "") -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(f"/open311/v2/requests.json{query}")
            assert response.status_code == 200, response.content[:200]
            return response

        return run

    rows = len(get()().json())
    result = {
        "default_window": {**measure(get(), seconds, max_runs=100), "rows": rows},
        "open_one_service": {
            **measure(get("?status=open&service_code=exposed-garbage"), seconds, max_runs=100),
            "rows": len(get("?status=open&service_code=exposed-garbage")().json()),
        },
    }
    result["meets_target"] = (
        max(v["p99_ms"] for v in result.values() if isinstance(v, dict)) < TARGET_P99_MS
    )
    return result


def bench_sweep(runs: int) -> dict[str, Any]:
    from django.db.models import F

    from gongzhi.cases.enums import OPEN_STATUSES
    from gongzhi.cases.models import Case
    from gongzhi.cases.sweep import do_sweep_cases

    total = Case.objects.count()
    due_count = max(1, total // 100)
    timings, changed = [], []
    normal_ids = list(
        Case.objects.filter(due_state="normal", status__in=OPEN_STATUSES)
        .order_by()
        .values_list("pk", flat=True)
    )
    rng = random.Random(SEED)
    for run in range(runs):
        now = datetime.now().astimezone()
        picked = rng.sample(normal_ids, min(due_count, len(normal_ids)))
        for start in range(0, len(picked), 5000):
            Case.objects.filter(pk__in=picked[start : start + 5000]).update(
                due_at=now - timedelta(seconds=30), warn_at=F("due_at")
            )
        picked_set = set(picked)
        normal_ids = [pk for pk in normal_ids if pk not in picked_set]
        log(f"  sweep run {run + 1}: {len(picked):,} cases due …")
        started = time.perf_counter()
        result = do_sweep_cases(now=now)
        timings.append(time.perf_counter() - started)
        changed.append(result.overdue + result.due_soon)
        log(f"    {timings[-1]:.2f} s ({result})")
    running = ["normal", "due_soon"]
    now = datetime.now().astimezone()
    started = time.perf_counter()
    naive_due = sum(
        1
        for case in Case.objects.filter(status__in=OPEN_STATUSES).iterator(chunk_size=5000)
        if case.due_state in running and case.due_at is not None and case.due_at <= now
    )
    naive = time.perf_counter() - started
    return {
        "cases": total,
        "open_cases": Case.objects.filter(status__in=OPEN_STATUSES).count(),
        "due_per_run": due_count,
        "changed_per_run": changed,
        "sweep_s": [round(t, 3) for t in timings],
        "sweep_p50_s": round(statistics.median(timings), 3),
        "naive_full_scan_s": round(naive, 3),
        "naive_found_due": naive_due,
        "meets_target": max(timings) < TARGET_SWEEP_S,
    }


# --- Creation under concurrent clients ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(kind: str, port: int, url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "_server_settings",
        "DEBUG": "false",
        "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
        "GONGZHI_OPEN311_POST_RATE_PER_MINUTE": str(10**9),
        "GONGZHI_OPEN311_READ_RATE_PER_MINUTE": str(10**9),
    }
    python = sys.executable
    if kind == "gunicorn":
        workers = max(2, (os.cpu_count() or 2) * 2)
        command = [
            python, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", "2",
            "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [python, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"]
    log(f"starting {kind} on port {port}: {' '.join(command[1:6])} …")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"{kind} did not start")


def _client(args: tuple[int, str, str, list[bytes], float]) -> tuple[int, int, list[float]]:
    """One client process: POST (or GET) for ``seconds`` on one kept-alive connection."""
    port, method, path, bodies, seconds = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    ok = failed = 0
    latencies: list[float] = []
    end = time.monotonic() + seconds
    position = 0
    while time.monotonic() < end:
        body = bodies[position % len(bodies)] if method == "POST" else None
        position += 1
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers if body else {})
            response = connection.getresponse()
            response.read()
        except OSError:
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        if response.status == 200:
            ok += 1
        else:
            failed += 1
    return ok, failed, latencies


def run_clients(
    port: int, method: str, path: str, bodies: list[bytes], clients: int, seconds: float
) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, [(port, method, path, bodies, seconds)] * clients)
        elapsed = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    latencies = [t for r in results for t in r[2]]
    return {
        "per_s": round(ok / seconds, 1),
        "ok": ok,
        "failed": failed,
        "elapsed_s": round(elapsed, 2),
        **(percentiles(latencies) if latencies else {}),
    }


def bench_create(
    url: str, key: str, clients: int, seconds: float, server_kind: str
) -> dict[str, Any]:
    from gongzhi.cases.models import Case, Category
    from gongzhi.regions.models import Level, Region

    codes = [
        c.code
        for c in Category.objects.filter(is_active=True, kind__in=["event", "complaint"])
        if not any(a.get("required") for a in c.attributes or [])
    ]
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, is_active=True).values_list(
            "region_code", flat=True
        )
    )
    rng = random.Random(SEED)
    bodies = [
        urllib.parse.urlencode(
            {
                "api_key": key,
                "service_code": rng.choice(codes),
                "address_id": rng.choice(communities),
                "description": rng.choice(DESCRIPTIONS),
                "phone": f"138{rng.randrange(10**8):08d}",
            }
        ).encode()
        for _ in range(500)
    ]
    port = _free_port()
    server = start_server(server_kind, port, url)
    try:
        before = Case.objects.count()
        run_clients(port, "GET", "/bench/bare.json", [], clients, 2)  # warm every worker
        log(f"  {clients} clients POST requests.json for {seconds:.0f} s …")
        create = run_clients(port, "POST", "/open311/v2/requests.json", bodies, clients, seconds)
        created = Case.objects.count() - before
        log(f"  {clients} clients GET the bare view for {seconds:.0f} s …")
        bare = run_clients(port, "GET", "/bench/bare.json", [], clients, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "server": server_kind,
        "clients": clients,
        "cases_per_s": create["per_s"],
        "create": {**create, "cases_created": created},
        "bare_view": bare,
        "share_of_ceiling": round(create["per_s"] / bare["per_s"], 3) if bare["per_s"] else None,
        "meets_target": create["per_s"] >= TARGET_CREATE_PER_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of PostgreSQL")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--closed-fraction", type=float, default=0.0)
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="time budget per read measurement"
    )
    parser.add_argument("--sweep-runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--create-seconds", type=float, default=15.0)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--skip-create", action="store_true")
    args = parser.parse_args()

    if args.sqlite:
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        url = os.environ.get("DATABASE_URL", DEFAULT_URL)
        prepare_database(url)
    os.environ["DEBUG"] = "false"
    os.environ["GONGZHI_OPEN311_READ_RATE_PER_MINUTE"] = str(10**9)
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    key = prepare_world()
    now = datetime.now().astimezone()
    load_cases(args.cases, args.closed_fraction, now)

    result: dict[str, Any] = {
        "bench": "cases",
        "database": connection.vendor,
        "cases_requested": args.cases,
    }
    log("inbox first pages …")
    result["inbox"] = bench_inbox(args.seconds)
    log("Open311 request list …")
    result["open311_list"] = bench_open311_list(args.seconds)
    log("deadline sweep …")
    result["sweep"] = bench_sweep(args.sweep_runs)
    if not args.skip_create:
        log("case creation through Open311 …")
        connection.close()
        result["create"] = bench_create(url, key, args.clients, args.create_seconds, args.server)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
