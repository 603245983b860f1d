"""Committee elections at community scale: the voter-list build and the tally.

1. Voter list: ``--residents`` registry records (default 20,000) in one community, loaded
   once with ``bulk_create`` (bench data; the real import is measured elsewhere), then a
   new election's list is built by ``do_build_voter_list`` — the action the console calls:
   age on election day, registration category, the one-list-per-round check, one bulk
   insert. Target: < 2 s for 20,000 residents.
2. Tally of entered ballots: ``--ballots`` paper ballots (default 100,000) for 9 seats and
   30 candidates at ``--stations`` ballot-entry stations (default 100), in bundles of 50,
   every bundle entered twice as the platform requires. The first bundle is entered by two
   clerks through ``do_enter_bundle`` (timed: ``bundle_entry_action_s`` per entry); the rest
   are written in bulk with the same rows and signatures the action writes. ``do_tally``
   checks every pair of entries and counts the first entries in SQL (``tally_s``, target
   < 1 s). Beside it, ``naive_tally_s`` counts the same ballots with a per-ballot ORM loop,
   and ``retally_same`` says whether counting again from the ballots gives the stored result.
3. Tally of tally sheets: a second election of the same community, whose ``--stations``
   stations each enter their tally sheet twice (``sheet_tally_s``).

Prints one JSON line (progress on stderr). Usage: ``.venv/bin/python bench/bench_elections.py
[--residents 20000] [--ballots 100000] [--stations 100] [--url URL]``. PostgreSQL by default
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
    for n in range((have + 3) // 4, (count + 3) // 4):
        households.append(
            Household(number=f"BENCH-EL-{code}-{n:06d}", region_code=code, community=community)
        )
    Household.objects.bulk_create(households, batch_size=2000)
    homes = list(
        Household.objects.filter(number__startswith=f"BENCH-EL-{code}-")
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


def make_ballots(candidates: list[Any], count: int, rng: random.Random) -> list[Any]:
    """``count`` ballots: 2% invalid; on the others each seat of a post goes to the post's
    favourite for that seat with probability 0.65, else to another candidate of the post;
    one ballot in twenty leaves a seat unmarked, one in a hundred names another person."""
    from gongzhi.elections.ballots import PaperBallot

    by_post: dict[str, list[int]] = {}
    for candidate in sorted(candidates, key=lambda c: c.pk):
        by_post.setdefault(candidate.post, []).append(candidate.pk)
    seats = dict(zip(CANDIDATES, SEATS.values(), strict=True))
    made = []
    for _n in range(count):
        if rng.random() < 0.02:
            made.append(PaperBallot(invalid=True))
            continue
        marks: set[int] = set()
        for post, pool in by_post.items():
            favourites, others = pool[: seats[post]], pool[seats[post] :]
            for seat in range(seats[post]):
                pick = favourites[seat] if rng.random() < 0.65 else rng.choice(others)
                marks.add(pick)
        if rng.random() < 0.05:
            marks.discard(rng.choice(sorted(marks)))
        others_count = 1 if rng.random() < 0.01 and len(marks) < sum(seats.values()) else 0
        made.append(PaperBallot(marks=frozenset(marks), others=others_count))
    return made


def bulk_enter(election: Any, stations: list[Any], papers: list[Any], clerks: list[Any]) -> int:
    """Write every bundle (but those the action entered) twice, with the action's rows."""
    from gongzhi.elections import ballots
    from gongzhi.elections.models import BALLOTS_PER_BUNDLE, BallotBundle, BallotMark, EnteredBallot

    per_station = len(papers) // len(stations)
    written = 0
    for s_index, station in enumerate(stations):
        chunk = papers[s_index * per_station : (s_index + 1) * per_station]
        bundles = []
        contents = []
        for b_index in range(0, len(chunk), BALLOTS_PER_BUNDLE):
            number = b_index // BALLOTS_PER_BUNDLE + 1
            if station.bundles.filter(number=number).exists():
                continue  # entered through the action
            items = chunk[b_index : b_index + BALLOTS_PER_BUNDLE]
            for entry, clerk in enumerate(clerks, start=1):
                bundles.append(
                    BallotBundle(
                        election=election,
                        station=station,
                        region_code=election.region_code,
                        round=1,
                        number=number,
                        entry=entry,
                        clerk=clerk,
                        ballots=len(items),
                        signature=ballots.signature(items),
                    )
                )
                contents.append(items)
        BallotBundle.objects.bulk_create(bundles, batch_size=1000)
        rows = [
            row
            for bundle, items in zip(bundles, contents, strict=True)
            for row in ballots.rows_for(bundle, items)
        ]
        saved = EnteredBallot.objects.bulk_create(rows, batch_size=5000)
        flat = [p for items in contents for p in items]
        BallotMark.objects.bulk_create(ballots.marks_for(saved, flat), batch_size=10000)
        written += len(flat)
        if s_index % 10 == 9:
            log(f"  {s_index + 1} stations entered")
    return written


def naive_tally(election: Any) -> tuple[int, int, dict[int, int]]:
    """The same count, ballot by ballot through the ORM."""
    from gongzhi.elections.models import EnteredBallot

    cast = invalid = 0
    votes: dict[int, int] = {}
    papers = EnteredBallot.objects.filter(election=election, round=1, entry=1).prefetch_related(
        "marks"
    )
    for paper in papers.iterator(chunk_size=2000):
        cast += 1
        if paper.is_invalid:
            invalid += 1
            continue
        for mark in paper.marks.all():
            votes[mark.candidate_id] = votes.get(mark.candidate_id, 0) + 1
    return cast, invalid, votes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    prepare_database(args.url)
    setup_django(args.url)
    load_before = os.getloadavg()[0]

    from django.core.management import call_command
    from django.utils import timezone

    from gongzhi.accounts.actions import do_create_user
    from gongzhi.accounts.models import User
    from gongzhi.elections import actions, ballots
    from gongzhi.elections.enums import ElectionStatus, EntryMode
    from gongzhi.elections.models import BALLOTS_PER_BUNDLE, Election, TallySheet
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
            committee=body,
            election_day=today + timedelta(days=25),
            seats_director=SEATS["seats_director"],
            seats_deputy=SEATS["seats_deputy"],
            seats_member=SEATS["seats_member"],
            actor=None,
        )

    election = fresh_election(COMMUNITY, args.residents)
    log("building the voter list …")
    started = time.perf_counter()
    report = actions.do_build_voter_list(election, actor=None)
    build_s = time.perf_counter() - started

    clerks = []
    for name in ("bench_clerk_1", "bench_clerk_2"):
        user = User.objects.filter(username=name).first() or do_create_user(
            name,
            roles=["community_staff"],
            region=Region.objects.get(region_code=TALLY_COMMUNITY),
            password=PASSWORD,
            actor=None,
        )
        clerks.append(user)

    def ready_to_vote(entry_mode: str) -> tuple[Any, Any, list[Any]]:
        """The tally community's election up to the vote: as many voters as ballots and more,
        30 candidates, ``--stations`` stations entering ``entry_mode``."""
        found = fresh_election(TALLY_COMMUNITY, args.ballots + args.ballots // 20)
        started = time.perf_counter()
        listed = actions.do_build_voter_list(found, actor=None)
        took = time.perf_counter() - started
        actions.do_publish_voter_list(found, actor=None)
        voters = list(found.voters.order_by("pk")[: sum(CANDIDATES.values())])
        posts = [p for p, n in CANDIDATES.items() for _ in range(n)]
        for voter, post in zip(voters, posts, strict=True):
            actions.do_nominate_candidate(found, voter=voter, post=post, nominations=10, actor=None)
        actions.do_publish_candidates(found, actor=None)
        stations = [
            actions.do_save_station(found, name=f"投票站{n + 1}", entry_mode=entry_mode, actor=None)
            for n in range(args.stations)
        ]
        # Election day comes: the bench votes today.
        Election.objects.filter(pk=found.pk).update(election_day=today)
        found.refresh_from_db()
        return found, (listed, took), stations

    # 2. The tally of entered ballots.
    election, (big, big_build_s), stations = ready_to_vote(EntryMode.BALLOTS)
    candidates = list(election.candidates.all())
    rng = random.Random(7)
    papers = make_ballots(candidates, args.ballots, rng)
    log("entering the first bundle through the action, twice …")
    started = time.perf_counter()
    for clerk in clerks:
        actions.do_enter_bundle(
            stations[0], number=1, papers=papers[:BALLOTS_PER_BUNDLE], actor=clerk
        )
    action_s = (time.perf_counter() - started) / len(clerks)
    log(f"entering {args.ballots} ballots twice in bulk …")
    started = time.perf_counter()
    bulk_enter(election, stations, papers, clerks)
    bulk_s = time.perf_counter() - started
    election.refresh_from_db()

    started = time.perf_counter()
    tallied = actions.do_tally(election, actor=None)
    tally_s = time.perf_counter() - started
    started = time.perf_counter()
    naive_cast, naive_invalid, naive_votes = naive_tally(election)
    naive_s = time.perf_counter() - started
    assert (naive_cast, naive_invalid) == (tallied.ballots_cast, tallied.ballots_invalid)
    stored = dict(tallied.results.values_list("candidate_id", "votes"))
    assert {k: v for k, v in stored.items() if v} == naive_votes, "naive count disagrees"
    election.refresh_from_db()
    recount = actions.count_round(election)
    retally_same = dict(recount[0].votes) == naive_votes and recount[1].elected == set(
        tallied.results.filter(elected=True).values_list("candidate_id", flat=True)
    )
    marks = sum(len(p.marks) for p in papers)

    # 3. The tally of tally sheets, in a second election of the same community.
    Election.objects.filter(pk=election.pk).update(status=ElectionStatus.CANCELLED)
    sheet_election, _listed, sheet_stations = ready_to_vote(EntryMode.SHEET)
    per_station = args.ballots // args.stations
    favourites = set()
    sheet_candidates = list(sheet_election.candidates.all())
    for post, seats in zip(CANDIDATES, SEATS.values(), strict=True):
        favourites |= set(sorted(c.pk for c in sheet_candidates if c.post == post)[:seats])
    sheets = []
    for station in sheet_stations:
        invalid = per_station // 50
        valid = per_station - invalid
        votes = {
            str(c.pk): int(
                valid
                * (FAVOURITE if c.pk in favourites else OTHERS[c.post])
                * rng.uniform(0.9, 1.1)
            )
            for c in sheet_candidates
        }
        for entry, clerk in enumerate(clerks, start=1):
            sheets.append(
                TallySheet(
                    election=sheet_election,
                    station=station,
                    region_code=sheet_election.region_code,
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
    Election.objects.filter(pk=sheet_election.pk).update(status=ElectionStatus.VOTED)
    sheet_election.refresh_from_db()
    started = time.perf_counter()
    sheet_tallied = actions.do_tally(sheet_election, actor=None)
    sheet_tally_s = time.perf_counter() - started
    assert ballots.totals(sheet_election, 1).cast == 0

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
                "ballots": tallied.ballots_cast,
                "ballots_invalid": tallied.ballots_invalid,
                "marks": marks,
                "entered_rows": 2 * len(papers),
                "stations": args.stations,
                "candidates": len(candidates),
                "seats": sum(SEATS.values()),
                "bundle_entry_action_s": round(action_s, 3),
                "bulk_entry_s": round(bulk_s, 1),
                "tally_s": round(tally_s, 3),
                "tally_target_s": 1.0,
                "naive_tally_s": round(naive_s, 3),
                "retally_same": retally_same,
                "elected": tallied.results.filter(elected=True).count(),
                "valid": tallied.is_valid,
                "sheet_stations": args.stations,
                "sheet_tally_s": round(sheet_tally_s, 3),
                "sheet_elected": sheet_tallied.results.filter(elected=True).count(),
                "load_avg_1m_before": round(load_before, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
