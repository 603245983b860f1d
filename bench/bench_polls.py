"""500 concurrent voters on one poll on PostgreSQL: zero lost and zero double votes.

Prepares (once, reused by later runs) ``--voters`` resident accounts, each linked to a
registry record in one community, registered through the residents actions. Each run
opens a new secret single-choice poll there and casts every voter's vote twice: the
two attempts of all voters are shuffled into one work list that ``--processes`` ×
``--threads`` workers (each thread its own database connection) take from at once
after a common start, so both attempts of a person are often in flight together. Every
attempt calls ``gongzhi.polls.actions.do_cast_vote`` — the action the portal and the
API call — and so writes the turnout row, the ballot and the ledger event.

Then it verifies by counting in the database: turnout rows, ballots, distinct voters,
and, after ``do_close_poll``, the stored tally. ``lost_votes`` is voters without a
turnout row; ``double_votes`` is accepted attempts beyond one per voter plus ballots
beyond turnout rows. Prints one JSON line (progress on stderr).

Usage: ``.venv/bin/python bench/bench_polls.py [--voters 500] [--processes 4]
[--threads 8] [--url URL]``. PostgreSQL by default (``DATABASE_URL``, else
``gongzhi_bench`` on 127.0.0.1, created when missing).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import threading
import time
from datetime import date, timedelta
from typing import Any

from _common import DEFAULT_URL, log, prepare_database, setup_django

COMMUNITY = "152201001003"  # a community of 爱国街道, 乌兰浩特市
PREFIX = "bench_voter_"
STAFF = "bench_poll_staff"
PASSWORD = "Bench#Polls2026"  # noqa: S105  (bench accounts in the bench database)


def prepare_voters(count: int) -> None:
    """Create the voters that are missing: account, household, registry record, link."""
    from gongzhi.accounts.actions import do_create_user
    from gongzhi.accounts.models import User
    from gongzhi.core.idcard import generate_citizen_id
    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Region
    from gongzhi.residents.actions import (
        do_link_resident_account,
        do_register_household,
        do_register_resident,
    )

    if not Region.objects.filter(region_code=COMMUNITY).exists():
        log("loading regions …")
        load_regions()
    community = Region.objects.get(region_code=COMMUNITY)
    if not User.objects.filter(username=STAFF).exists():
        do_create_user(
            STAFF, roles=["community_staff"], region=community, password=PASSWORD, actor=None
        )
    have = set(
        User.objects.filter(
            username__startswith=PREFIX, resident_records__isnull=False
        ).values_list("username", flat=True)
    )
    rng = random.Random(20261129)
    made = 0
    for n in range(count):
        username = f"{PREFIX}{n:05d}"
        # Draw for every voter, made or not, so that a rerun gives each the same ID number.
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        id_number = generate_citizen_id(rng, address_code="152201", birth_date=birth, sex="1")
        if username in have:
            continue
        user = User.objects.filter(username=username).first() or do_create_user(
            username, roles=["resident"], region=community, password=PASSWORD, actor=None
        )
        household = do_register_household(community=community, actor=None)
        record = do_register_resident(
            household=household,
            relationship="户主",
            name=f"投票人{n}",
            id_number=id_number,
            ethnicity="汉族",
            actor=None,
        )
        do_link_resident_account(record, user, actor=None)
        made += 1
        if made % 100 == 0:
            log(f"  {made} voters registered")


def new_poll() -> int:
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.polls import actions

    staff = User.objects.get(username=STAFF)
    now = timezone.now()
    poll = actions.do_save_poll(
        region=COMMUNITY,
        title=f"压力测试投票 {now:%Y-%m-%d %H:%M:%S}",
        question="是否同意加装电梯？",
        options=["同意", "不同意", "弃权"],
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
        actor=staff,
    )
    return actions.do_open_poll(poll, actor=staff).pk


def worker(
    url: str, poll_id: int, work: list[tuple[str, int]], threads: int, start_at: float, out: Any
) -> None:
    """One process: ``threads`` threads, each with its own connection, voting from ``work``."""
    setup_django(url)
    from django.core.exceptions import ValidationError
    from django.db import connection

    from gongzhi.accounts.models import User
    from gongzhi.polls import actions
    from gongzhi.polls.models import Poll

    users = {u.username: u for u in User.objects.filter(username__in={w[0] for w in work})}
    poll = Poll.objects.get(pk=poll_id)
    connection.close()
    lock = threading.Lock()
    queue = list(work)
    tally: dict[str, Any] = {"accepted": 0, "refused": 0, "errors": 0, "accepted_by": []}

    def run() -> None:
        while True:
            with lock:
                if not queue:
                    break
                username, choice = queue.pop()
            try:
                actions.do_cast_vote(poll, choices=[choice], actor=users[username])
            except ValidationError:
                with lock:
                    tally["refused"] += 1
            except Exception as error:  # counted and reported; the run goes on
                log(f"error: {error!r}")
                with lock:
                    tally["errors"] += 1
            else:
                with lock:
                    tally["accepted"] += 1
                    tally["accepted_by"].append(username)
        connection.close()

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(tally)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=500)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    load_before = round(os.getloadavg()[0], 2)
    prepare_database(args.url)
    setup_django(args.url)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench_polls measures PostgreSQL's concurrency; give a postgres:// URL")
    call_command("migrate", verbosity=0)
    log(f"preparing {args.voters} voters …")
    prepare_voters(args.voters)
    poll_id = new_poll()
    from gongzhi.polls.models import Poll

    options = list(Poll.objects.get(pk=poll_id).options.values_list("pk", flat=True))
    rng = random.Random(poll_id)
    names = [f"{PREFIX}{n:05d}" for n in range(args.voters)]
    choice = {name: rng.choice(options) for name in names}
    attempts = [(name, choice[name]) for name in names for _ in range(2)]
    rng.shuffle(attempts)
    connection.close()

    slices = [attempts[i :: args.processes] for i in range(args.processes)]
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 5.0  # every process set up and connected before the start
    procs = [
        ctx.Process(target=worker, args=(args.url, poll_id, part, args.threads, start_at, out))
        for part in slices
    ]
    log(f"voting: {len(attempts)} attempts by {args.processes}×{args.threads} connections …")
    for proc in procs:
        proc.start()
    tallies = [out.get() for _ in procs]
    elapsed = time.time() - start_at
    for proc in procs:
        proc.join()

    from django.db.models import Count

    from gongzhi.accounts.models import User
    from gongzhi.polls import actions
    from gongzhi.polls.models import Ballot, Turnout

    accepted = sum(t["accepted"] for t in tallies)
    accepted_by = [name for t in tallies for name in t["accepted_by"]]
    turnout = Turnout.objects.filter(poll_id=poll_id)
    turnout_rows = turnout.count()
    distinct_voters = turnout.values("resident").distinct().count()
    duplicated = turnout.values("resident").annotate(n=Count("id")).filter(n__gt=1).count()
    ballots_open = Ballot.objects.filter(poll_id=poll_id).count()
    closed = actions.do_close_poll(
        Poll.objects.get(pk=poll_id), actor=User.objects.get(username=STAFF)
    )
    tally_after_close = sum(o.online_votes or 0 for o in closed.options.all())
    expected_by_option = {pk: 0 for pk in options}
    for name in names:
        expected_by_option[choice[name]] += 1
    stored = dict(closed.options.values_list("pk", "online_votes"))
    result = {
        "bench": "polls",
        "database": connection.vendor,
        "voters": args.voters,
        "attempts": len(attempts),
        "connections": args.processes * args.threads,
        "seconds": round(elapsed, 3),
        "votes_per_s": round(accepted / elapsed, 1),
        "attempts_per_s": round(len(attempts) / elapsed, 1),
        "accepted": accepted,
        "refused_second_attempts": sum(t["refused"] for t in tallies),
        "errors": sum(t["errors"] for t in tallies),
        "turnout_rows": turnout_rows,
        "ballots": ballots_open,
        "lost_votes": args.voters - distinct_voters,
        "double_votes": (accepted - len(set(accepted_by)))
        + duplicated
        + max(0, ballots_open - turnout_rows),
        "tally_after_close": tally_after_close,
        "tally_matches_choices": stored == expected_by_option,
        "load_avg_1m_before": load_before,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
