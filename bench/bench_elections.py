"""Committee elections at community scale: the voter-list build and the tally.

1. Voter list: ``--residents`` registry records (default 20,000) in one community, loaded
   once with ``bulk_create`` (bench data; the real import is measured elsewhere), then a
   new election's list is built by ``do_build_voter_list`` — the action the console calls:
   age on election day, registration category, the one-list-per-round check, one bulk
   insert. Target: < 2 s for 20,000 residents.
2. Tally: ``--ballots`` paper ballots (default 100,000) for 9 seats and 30 candidates,
   recorded on the tally sheets of ``--stations`` polling stations (default 200), each sheet
   entered twice by two clerks as the platform requires. ``do_tally`` checks every pair of
   entries, sums them and applies the validity and majority rules. Target: < 1 s. Beside
   it, ``naive_tally_s`` sums the same sheets with one ORM query per station and candidate.

The platform records each station's or mobile box's tally sheet (the paper count done in
public at the station), not every single ballot, so the tally's work grows with stations
and candidates, not with ballots.

Prints one JSON line (progress on stderr). Usage: ``.venv/bin/python bench/bench_elections.py
[--residents 20000] [--ballots 100000] [--stations 200] [--url URL]``. PostgreSQL by default
(``DATABASE_URL``, else ``gongzhi_bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date, timedelta
from typing import Any

from _common import DEFAULT_URL, log, prepare_database, setup_django

COMMUNITY = "152201001002"  # the voter-list community, in 爱国街道, 乌兰浩特市
TALLY_COMMUNITY = "152201001004"  # the tally's community, grown to as many voters as ballots
CANDIDATES = {"director": 3, "deputy_director": 6, "member": 21}  # 30 in all
SEATS = {"seats_director": 1, "seats_deputy": 2, "seats_member": 6}  # 9 seats
# Vote shares per station: each post's votes stay within valid ballots × seats.
FAVOURITE = 0.6
OTHERS = {"director": 0.15, "deputy_director": 0.15, "member": 0.1}
PASSWORD = "Bench#Clerk2026"  # noqa: S105  (bench accounts in the bench database)


def load_residents(code: str, count: int) -> Any:
    """Bulk-load ``count`` adults living in community ``code`` (missing ones only)."""
    from gongzhi.core.pii import blind_index
    from gongzhi.regions.models import Region
    from gongzhi.residents.models import ID_PURPOSE, Household, Resident

    community = Region.objects.get(region_code=code)
    have = Resident.objects.filter(community=community).count()
    stem = f"15220119{code[-2:]}"
    rng = random.Random(6)
    households: list[Household] = []
    for n in range(have // 4, (count + 3) // 4):
        households.append(
            Household(number=f"BENCH-EL-{code}-{n:06d}", region_code=code, community=community)
        )
    Household.objects.bulk_create(households, batch_size=2000)
    homes = list(
        Household.objects.filter(number__startswith="BENCH-EL-")
        .order_by("number")
        .values_list("pk", flat=True)
    )
    rows = []
    for n in range(have, count):
        number = f"{stem}{n:08d}"
        rows.append(
            Resident(
                name=f"选民{n}",
                id_number=number,
                id_number_index=blind_index(number, purpose=ID_PURPOSE),
                id_number_masked=number[:6] + "********" + number[-4:],
                sex="2" if n % 2 else "1",
                birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60)),
                ethnicity="02" if n % 5 < 2 else "01",
                household_id=homes[n // 4],
                relationship="02" if n % 4 == 0 else "10",
                region_code=code,
                community=community,
            )
        )
    Resident.objects.bulk_create(rows, batch_size=2000)
    return community


def committee(community: Any) -> Any:
    from gongzhi.organisations.actions import do_save_organisation
    from gongzhi.organisations.models import COMMITTEE_KINDS, Organisation, OrganisationKind

    found = Organisation.objects.filter(region=community, kind__in=COMMITTEE_KINDS).first()
    if found is None:
        found = do_save_organisation(
            Organisation(
                kind=OrganisationKind.RESIDENTS_COMMITTEE, name="选举基准居委会", region=community
            ),
            actor=None,
        )
    return found


def naive_tally(election: Any) -> dict[int, int]:
    from gongzhi.elections.models import TallySheet

    totals: dict[int, int] = {}
    for station in election.stations.all():
        for candidate in election.candidates.all():
            first = TallySheet.objects.get(station=station, round=1, entry=1)
            second = TallySheet.objects.get(station=station, round=1, entry=2)
            a = int(first.votes.get(str(candidate.pk), 0))
            b = int(second.votes.get(str(candidate.pk), 0))
            if a == b:
                totals[candidate.pk] = totals.get(candidate.pk, 0) + a
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    prepare_database(args.url)
    setup_django(args.url)
    load_before = os.getloadavg()[0]

    from django.core.management import call_command
    from django.utils import timezone

    from gongzhi.accounts.actions import do_create_user
    from gongzhi.accounts.models import User
    from gongzhi.elections import actions
    from gongzhi.elections.enums import ElectionStatus
    from gongzhi.elections.models import Election, TallySheet
    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(region_code=TALLY_COMMUNITY).exists():
        log("loading regions …")
        load_regions()
    today = timezone.localdate()

    def fresh_election(code: str, count: int) -> Any:
        """A new election of the community's committee, after cancelling the earlier ones
        (their lists would otherwise keep the same people off the new list)."""
        log(f"loading {count} residents in {code} …")
        body = committee(load_residents(code, count))
        Election.objects.filter(committee=body).exclude(status=ElectionStatus.CANCELLED).update(
            status=ElectionStatus.CANCELLED
        )
        return actions.do_schedule_election(
            committee=body, election_day=today + timedelta(days=25), actor=None, **SEATS
        )

    election = fresh_election(COMMUNITY, args.residents)
    log("building the voter list …")
    started = time.perf_counter()
    report = actions.do_build_voter_list(election, actor=None)
    build_s = time.perf_counter() - started

    # The tally needs as many registered voters as ballots: a larger community.
    election = fresh_election(TALLY_COMMUNITY, args.ballots + args.ballots // 20)
    started = time.perf_counter()
    big = actions.do_build_voter_list(election, actor=None)
    big_build_s = time.perf_counter() - started
    actions.do_publish_voter_list(election, actor=None)
    voters = list(election.voters.order_by("pk")[: sum(CANDIDATES.values())])
    for voter, post in zip(
        voters, [p for p, n in CANDIDATES.items() for _ in range(n)], strict=True
    ):
        actions.do_nominate_candidate(election, voter=voter, post=post, nominations=10, actor=None)
    actions.do_publish_candidates(election, actor=None)

    log(f"recording {args.ballots} ballots on {args.stations} stations, entered twice …")
    clerks = []
    for name in ("bench_clerk_1", "bench_clerk_2"):
        user = User.objects.filter(username=name).first() or do_create_user(
            name,
            roles=["community_staff"],
            region=election.region,
            password=PASSWORD,
            actor=None,
        )
        clerks.append(user)
    rng = random.Random(7)
    candidates = list(election.candidates.all())
    per_station = args.ballots // args.stations
    # The first candidates of each post, as many as its seats, carry a majority.
    favourites = set()
    for post, seats in zip(CANDIDATES, SEATS.values(), strict=True):
        favourites |= {c.pk for c in candidates if c.post == post}.intersection(
            sorted(c.pk for c in candidates if c.post == post)[:seats]
        )
    sheets = []
    for n in range(args.stations):
        station = actions.do_save_station(election, name=f"投票站{n + 1}", actor=None)
        invalid = per_station // 50
        valid = per_station - invalid
        votes = {}
        for candidate in candidates:
            share = FAVOURITE if candidate.pk in favourites else OTHERS[candidate.post]
            votes[str(candidate.pk)] = int(valid * share * rng.uniform(0.9, 1.1))
        for entry, clerk in enumerate(clerks, start=1):
            sheets.append(
                TallySheet(
                    election=election,
                    station=station,
                    region_code=election.region_code,
                    round=1,
                    entry=entry,
                    clerk=clerk,
                    ballots_issued=per_station + 5,
                    ballots_cast=per_station,
                    ballots_invalid=invalid,
                    votes=votes,
                )
            )
    TallySheet.objects.bulk_create(sheets, batch_size=1000)
    Election.objects.filter(pk=election.pk).update(status=ElectionStatus.VOTED)
    election.refresh_from_db()

    started = time.perf_counter()
    tallied = actions.do_tally(election, actor=None)
    tally_s = time.perf_counter() - started
    started = time.perf_counter()
    naive = naive_tally(election)
    naive_s = time.perf_counter() - started
    recount = actions.count_round(election)[0]
    assert recount.votes == naive, "the naive sum disagrees with the tally"

    print(
        json.dumps(
            {
                "bench": "elections",
                "database": "postgresql" if "postgres" in args.url else "sqlite",
                "residents": args.residents,
                "voters_listed": report.added,
                "voter_list_build_s": round(build_s, 3),
                "voter_list_target_s": 2.0,
                "tally_community_voters": big.added,
                "tally_community_build_s": round(big_build_s, 3),
                "ballots": per_station * args.stations,
                "stations": args.stations,
                "candidates": len(candidates),
                "seats": sum(SEATS.values()),
                "tally_s": round(tally_s, 3),
                "tally_target_s": 1.0,
                "naive_tally_s": round(naive_s, 3),
                "elected": tallied.results.filter(elected=True).count(),
                "valid": tallied.is_valid,
                "load_avg_1m_before": round(load_before, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
