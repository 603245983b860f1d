"""Finding a person in a league-sized registry: search and the resident list, p50/p99.

    .venv/bin/python bench/bench_search_residents.py [--residents 1420000] [--samples 200]
        [--url sqlite:////tmp/gongzhi_bench_search.sqlite3 | postgres://…/gongzhi_bench_search]

Loads, once, a synthetic population of ``--residents`` over every community of the real
division tree with ``manage.py demo_data --residents N`` (the residents import: the
loading time and rate are reported as ``load_*``; a later run reuses the database). Then,
for staff bound to a community, a township, a county and the league, measures
``queries.search_residents`` — the search the console, the API and the grid-worker pages
use — for each key the issue names: a Chinese name, full pinyin, pinyin initials, the
last 4 and 6 characters of the ID number and the last 4 digits of the phone; and the
resident list page itself (``GET /console/residents/``, first page, rendered), each as
p50/p99 in milliseconds over ``--samples`` values drawn from people in that scope.

Targets (issue 3): search p99 < 50 ms, list page p99 < 100 ms. Beside them, ``limit_*``
is the same first page read by primary key with no filter at all (what the database
does for one page when nothing needs finding), and ``naive_*`` the obvious alternative
for name search — ``name LIKE '%x%'`` over the scope — on a smaller sample.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import ROOT, log, prepare_database, setup_django

DEFAULT_SQLITE = "sqlite:////tmp/gongzhi_bench_search.sqlite3"
SCOPES = {  # the demo places: 万佳社区, 爱国街道, 乌兰浩特市, the league
    "community": "152201001001",
    "township": "152201001",
    "county": "152201",
    "league": "1522",
}
PASSWORD = "Bench#2026a"  # noqa: S105 - a bench-only account


def timed(function: Callable[[], Any], samples: int) -> dict[str, float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50": round(statistics.median(times), 2),
        "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
    }


def load(url: str, residents: int) -> dict[str, Any]:
    """The population, through demo_data (the import), unless it is there already."""
    from django.core.management import call_command

    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Region
    from gongzhi.residents.models import Resident

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    have = Resident.objects.count()
    if have >= residents:
        log(f"reusing {have:,} residents")
        return {"load_reused": True}
    log(f"loading {residents:,} residents through demo_data (the residents import)")
    env = dict(os.environ, DATABASE_URL=url)
    python = sys.executable
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [python, "manage.py", "demo_data", "--residents", str(residents), "--quiet-accounts"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    loaded = Resident.objects.count() - have
    return {
        "load_reused": False,
        "load_seconds": round(seconds, 1),
        "load_rows_per_s": round(loaded / seconds),
        "load_note": "demo_data end to end: CSV generation, then the import (bulk mode)",
    }


def staff(scope: str, code: str) -> Any:
    from gongzhi.accounts.actions import do_create_user
    from gongzhi.accounts.models import Role, User
    from gongzhi.regions.models import Region

    username = f"bench_{scope}"
    user = User.objects.filter(username=username).first()
    if user is None:
        role = {
            "community": Role.COMMUNITY_STAFF,
            "township": Role.TOWNSHIP_STAFF,
        }.get(scope, Role.COUNTY_STAFF)
        user = do_create_user(
            username,
            roles=[role],
            region=Region.objects.get(region_code=code),
            password=PASSWORD,
            actor=None,
        )
    return user


def keys_for(code: str, samples: int, rng: random.Random) -> dict[str, list[str]]:
    """Search values drawn from people inside ``code``: what staff would really type."""
    from gongzhi.core.scoping import within
    from gongzhi.residents.models import Resident

    people = list(
        Resident.objects.filter(within(code))
        .order_by("region_code", "id")
        .only("name", "name_pinyin", "name_initials", "id_number", "phone")[: samples * 20]
    )
    chosen = rng.sample(people, min(samples, len(people)))
    ids = [person.id_number.reveal() for person in chosen]
    phones = [person.phone.reveal() for person in people if person.phone.token]
    return {
        "name": [person.name for person in chosen],
        "pinyin": [person.name_pinyin for person in chosen],
        "initials": [person.name_initials for person in chosen],
        "id_tail4": [number[-4:] for number in ids],
        "id_tail6": [number[-6:] for number in ids],
        "phone_tail4": [phone[-4:] for phone in rng.sample(phones, min(samples, len(phones)))],
    }


def searches(user: Any, values: list[str]) -> Callable[[], Any]:
    from gongzhi.residents.queries import search_residents

    cycle = iter(values * 2)
    return lambda: list(search_residents(user, next(cycle)).object_list)


def naive(scoped: Any, names: list[str]) -> Callable[[], Any]:
    cycle = iter(names * 2)
    return lambda: list(
        scoped.filter(name__contains=next(cycle)).order_by("region_code", "id")[:20]
    )


def list_page(client: Any) -> Callable[[], Any]:
    return lambda: client.get("/console/residents/")


def first_page() -> Any:
    from gongzhi.residents.models import Resident

    return list(Resident.objects.order_by("pk")[:20])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_420_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--url", default=DEFAULT_SQLITE)
    args = parser.parse_args()

    prepare_database(args.url)
    setup_django(args.url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from gongzhi.accounts.testing import login
    from gongzhi.core.scoping import within
    from gongzhi.residents.models import Resident

    settings.ALLOWED_HOSTS = ["*"]
    result: dict[str, Any] = {"bench": "search_residents", "database": connection.vendor}
    result.update(load(args.url, args.residents))
    result["residents"] = Resident.objects.count()
    rng = random.Random(20261129)
    load_before = os.getloadavg()[0]
    for scope, code in SCOPES.items():
        user = staff(scope, code)
        result[f"{scope}_residents"] = Resident.objects.filter(within(code)).count()
        keys = keys_for(code, args.samples, rng)
        for key, values in keys.items():
            if values:
                result[f"{scope}_{key}_ms"] = timed(searches(user, values), len(values))
        scoped = Resident.objects.filter(within(code))
        names = keys["name"][:20]
        result[f"{scope}_naive_name_contains_ms"] = timed(naive(scoped, names), len(names))
        result[f"{scope}_limit_first_page_by_pk_ms"] = timed(first_page, args.samples)
        client = Client()
        login(client, user)
        first = client.get("/console/residents/")
        assert first.status_code == 200, first.status_code
        result[f"{scope}_list_page_ms"] = timed(list_page(client), min(args.samples, 100))
        log(f"{scope}: done")
    result["targets"] = {"search_p99_ms": 50, "list_page_p99_ms": 100}
    result["load_avg_1m_before"] = round(load_before, 2)
    result["python"] = sys.version.split()[0]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
