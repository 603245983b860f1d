"""Paper ballots entered one by one (issue 6: "enters every paper ballot … by double entry by
two clerks"; R2.3d): each bundle entered by two clerks, mismatches listed and corrected before
the tally, each bundle a ledger event listing its ballots, the tally counted in SQL from the
entered ballots and the same when counted again; no voter identity on a ballot."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.elections import actions, ballots
from gongzhi.elections.enums import ElectionStatus, EntryMode
from gongzhi.elections.models import BallotBundle, BallotMark, Election, EnteredBallot
from gongzhi.elections.tests.conftest import (
    ELECTION_DAY,
    SCHEDULED_ON,
    at,
    committee_of,
    published,
    schedule,
    slate,
)
from gongzhi.elections.tests.test_concurrency import run_together
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db

P = ballots.PaperBallot


@pytest.fixture
def ready(election: Election, world: Personas) -> tuple[Election, dict[str, list[Any]]]:
    """Seats: director 1, deputy 1, member 3; candidates 2 + 2 + 4; 12 voters listed."""
    voters = published(election, world.staff_a)
    made = slate(election, world.staff_a, voters)
    actions.do_save_station(
        election, name="第一投票站", entry_mode=EntryMode.BALLOTS, actor=world.staff_a
    )
    election.refresh_from_db()
    return election, made


def papers(made: dict[str, list[Any]]) -> list[ballots.PaperBallot]:
    """Ten ballots: nine valid, one invalid; the first director, deputy and members win."""
    d, dd, m = made["director"], made["deputy_director"], made["member"]
    winners = frozenset({d[0].pk, dd[0].pk, m[0].pk, m[1].pk, m[2].pk})
    return [
        *[P(marks=winners) for _ in range(6)],
        P(marks=frozenset({d[1].pk, dd[1].pk, m[3].pk}), others=1),
        P(marks=frozenset({d[0].pk})),
        P(),
        P(invalid=True),
    ]


def enter(election: Election, clerk: Any, items: list[ballots.PaperBallot], number: int = 1) -> Any:
    return actions.do_enter_bundle(
        election.stations.get(), number=number, papers=items, actor=clerk
    )


def test_a_line_per_ballot_reads_numbers_others_blank_and_invalid(ready: Any) -> None:
    election, _made = ready
    on_ballot = ballots.numbered(actions.round_candidates(election))
    assert [c.post for c in on_ballot][:2] == ["director", "director"]
    found, errors = ballots.parse_lines("1 3 5\n2，4、6 ++\n0\n\nx\n", on_ballot)
    assert errors == []
    assert found == [
        P(marks=frozenset({on_ballot[0].pk, on_ballot[2].pk, on_ballot[4].pk})),
        P(marks=frozenset({on_ballot[1].pk, on_ballot[3].pk, on_ballot[5].pk}), others=2),
        P(),
        P(invalid=True),
    ]
    _found, errors = ballots.parse_lines("1 9\n1 1\nx 2", on_ballot)
    assert errors == [
        "第 1 张：“9”不是本页列出的候选人编号",
        "第 2 张：候选人编号 1 重复",
        "第 3 张：作废票（x）不应再录入其他内容",
    ]


def test_two_agreeing_entries_are_tallied_from_the_ballots_in_sql(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    items = papers(made)
    with at(ELECTION_DAY):
        first = enter(election, world.staff_a, items)
        second = enter(election, clerk2, items)
        assert (first.entry, second.entry) == (1, 2)
        result = actions.do_tally(election, actor=world.staff_a)
    assert (result.ballots_cast, result.ballots_invalid, result.registered) == (10, 1, 12)
    votes = {r.candidate_id: r.votes for r in result.results.all()}
    d, m = made["director"], made["member"]
    assert votes[d[0].pk] == 7 and votes[d[1].pk] == 1 and votes[m[3].pk] == 1
    elected = set(result.results.filter(elected=True).values_list("candidate_id", flat=True))
    assert elected == set(items[0].marks)  # 6 or 7 of 10 cast: more than half
    # Counted again from the entered ballots: the same totals, and the same as ballot by ballot.
    totals, outcome, _registered = actions.count_round(election)
    assert outcome.elected == elected
    by_hand: dict[int, int] = {}
    for paper in items:
        for cid in paper.marks:
            by_hand[cid] = by_hand.get(cid, 0) + 1
    assert dict(totals.votes) == by_hand and totals.other == 1


def test_a_mismatch_is_listed_and_must_be_corrected_before_the_tally(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    items = papers(made)
    typo = [*items]
    typo[7] = P(marks=frozenset({made["director"][1].pk}))
    with at(ELECTION_DAY):
        first = enter(election, world.staff_a, items)
        second = enter(election, clerk2, typo)
        on_ballot = ballots.numbered(actions.round_candidates(election))
        order = {c.pk: n for n, c in enumerate(on_ballot, start=1)}
        found = ballots.differences(first, second, order)
        assert [(d.position, d.first, d.second) for d in found] == [(8, "1", "2")]
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
        assert "第一投票站：以下选票捆两次录入不一致" in str(error.value)
        corrected = enter(election, clerk2, items)
        assert corrected.pk == second.pk and corrected.entry == 2
        assert actions.do_tally(election, actor=world.staff_a).is_valid
    correction = Event.objects.get(type=EventType.ELECTION_BUNDLE_ENTERED, summary__correction=True)
    assert correction.summary["changed"] == [{"position": 8, "before": "2", "after": "1"}]
    # Every entered ballot is in the ledger, one event per bundle entry.
    events = Event.objects.filter(type=EventType.ELECTION_BUNDLE_ENTERED).order_by("pk")
    assert events.count() == 3
    assert events[0].summary["ballots"] == [ballots.as_line(p, order) for p in items]
    assert EnteredBallot.objects.filter(election=election).count() == 20  # two entries


def test_a_bundle_entered_once_or_with_a_gap_cannot_be_tallied(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    items = papers(made)
    with at(ELECTION_DAY):
        enter(election, world.staff_a, items)
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
        assert "尚未由两人录入：第 1 捆" in str(error.value)
        enter(election, clerk2, items)
        enter(election, world.staff_a, items[:2], number=3)
        enter(election, clerk2, items[:2], number=3)
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
        assert "缺第 2 捆" in str(error.value)


def test_a_third_clerk_cannot_enter_a_bundle_two_have_entered(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    with at(ELECTION_DAY):
        enter(election, world.staff_a, papers(made))
        enter(election, clerk2, papers(made))
        with pytest.raises(ValidationError) as error:
            enter(election, world.street_staff, papers(made))
    assert "已由两名录入员录入" in str(error.value)


def test_an_over_marked_ballot_must_be_entered_as_invalid(ready: Any, world: Personas) -> None:
    election, made = ready
    both_directors = P(marks=frozenset(c.pk for c in made["director"]))
    with at(ELECTION_DAY), pytest.raises(ValidationError) as error:
        enter(election, world.staff_a, [both_directors])
    assert "主任选了 2 人，多于应选 1 名，应按作废票录入（x）" in str(error.value)


def test_a_bundle_holds_at_most_fifty_ballots(ready: Any, world: Personas) -> None:
    election, _made = ready
    with at(ELECTION_DAY), pytest.raises(ValidationError) as error:
        enter(election, world.staff_a, [P()] * 51)
    assert "每捆最多 50 张" in str(error.value)


def test_ballots_are_not_entered_before_election_day(ready: Any, world: Personas) -> None:
    election, made = ready
    with pytest.raises(ValidationError):
        enter(election, world.staff_a, papers(made))


def test_a_station_takes_either_its_sheet_or_its_ballots(ready: Any, world: Personas) -> None:
    election, _made = ready
    sheet_station = actions.do_save_station(election, name="流动票箱", actor=world.staff_a)
    with at(ELECTION_DAY):
        with pytest.raises(ValidationError) as error:
            actions.do_enter_sheet(
                election.stations.get(entry_mode=EntryMode.BALLOTS),
                ballots_issued=12,
                ballots_cast=10,
                ballots_invalid=0,
                votes={},
                actor=world.staff_a,
            )
        assert "不录入计票单" in str(error.value)
        with pytest.raises(ValidationError) as error:
            actions.do_enter_bundle(sheet_station, number=1, papers=[P()], actor=world.staff_a)
        assert "不逐张录入选票" in str(error.value)


def test_sheet_stations_and_ballot_stations_add_up(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    box = actions.do_save_station(election, name="流动票箱", kind="mobile", actor=world.staff_a)
    director = made["director"][0].pk
    with at(ELECTION_DAY):
        for clerk in (world.staff_a, clerk2):
            actions.do_enter_bundle(
                election.stations.get(entry_mode=EntryMode.BALLOTS),
                number=1,
                papers=papers(made),
                actor=clerk,
            )
            actions.do_enter_sheet(
                box,
                ballots_issued=2,
                ballots_cast=2,
                ballots_invalid=0,
                votes={director: 2},
                actor=clerk,
            )
        result = actions.do_tally(election, actor=world.staff_a)
    assert result.ballots_cast == 12 and result.ballots_issued == 12
    assert result.results.get(candidate_id=director).votes == 9


def test_an_entered_ballot_carries_no_voter_identity() -> None:
    names = {f.name for f in EnteredBallot._meta.get_fields()}
    assert names == {
        "id",
        "bundle",
        "election",
        "round",
        "entry",
        "position",
        "is_invalid",
        "other_votes",
        "marks",
    }
    assert {f.name for f in BallotMark._meta.get_fields()} == {
        "id",
        "ballot",
        "election",
        "round",
        "entry",
        "candidate",
    }


def test_clerks_enter_a_bundle_on_the_page_and_see_the_mismatch(
    ready: Any, world: Personas, clerk2: Any, client: Any
) -> None:
    election, _made = ready
    station = election.stations.get()
    url = reverse("elections:bundles", args=[election.pk, station.pk])
    with at(ELECTION_DAY):
        client.force_login(world.staff_a)
        response = client.post(url, {"number": 1, "count": 3, "lines": "1 3 5 6 7\n2 +\nx\n"})
        assert response.status_code == 302
        client.force_login(clerk2)
        response = client.post(url, {"number": 1, "count": 3, "lines": "1 3 5 6 7\n0\nx\n"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "不一致，请核对更正" in page and "第 2 张：第一次“2 +”，第二次“0”" in page
        # Correcting: the clerk's own entry comes back in the form.
        page = client.get(url + "?number=1").content.decode()
        assert "1 3 5 6 7\n0\nx" in page
        response = client.post(url, {"number": 1, "count": 2, "lines": "1\n"})
        assert "录入了 1 张，与本捆张数 2 不符" in response.content.decode()
        client.force_login(world.staff_b)
        assert client.get(url).status_code == 404
    assert BallotBundle.objects.filter(station=station).count() == 2
    election.refresh_from_db()
    assert election.status == ElectionStatus.VOTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_clerks_entering_one_bundle_at_once_fill_places_1_and_2_only(
    personas: Personas,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrency (see test_concurrency.py)")
    with at(SCHEDULED_ON):
        election = schedule(personas.street_staff, committee_of(COMMUNITY_A))
        made = slate(election, personas.staff_a, published(election, personas.staff_a))
        box = actions.do_save_station(
            election,
            name="流动票箱",
            kind="mobile",
            entry_mode=EntryMode.BALLOTS,
            actor=personas.staff_a,
        )
    clerks = [make_user(f"clerk{n}", "community_staff", COMMUNITY_A) for n in range(3)]
    items = papers(made)
    with at(ELECTION_DAY):
        done, errors = run_together(
            [
                lambda c=c: actions.do_enter_bundle(box, number=1, papers=items, actor=c)
                for c in clerks
            ]
        )
    assert len(done) == 2 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    entries = BallotBundle.objects.filter(station=box).values_list("entry", flat=True)
    assert sorted(entries) == [1, 2]
