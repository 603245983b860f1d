"""Results: double entry of every tally sheet, the tally with validity and majority, the
further round (另行选举), the composition check and certification into the committee's
memberships, the handover deadline (R2.3d; 村民委员会组织法 第十五条、第二十条)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.elections import actions, deadlines
from gongzhi.elections.enums import ElectionStatus
from gongzhi.elections.models import Election, TallySheet
from gongzhi.elections.tests.conftest import ELECTION_DAY, at, published, schedule, slate
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(election: Election, world: Personas) -> tuple[Election, dict[str, list[Any]]]:
    voters = published(election, world.staff_a)
    made = slate(election, world.staff_a, voters)
    actions.do_save_station(election, name="第一投票站", actor=world.staff_a)
    election.refresh_from_db()
    return election, made


def enter_twice(
    election: Election, clerks: list[Any], *, cast: int, votes: dict[int, int], invalid: int = 0
) -> None:
    station = election.stations.get()
    for clerk in clerks:
        actions.do_enter_sheet(
            station,
            ballots_issued=12,
            ballots_cast=cast,
            ballots_invalid=invalid,
            votes=votes,
            actor=clerk,
        )


def ids(made: dict[str, list[Any]]) -> dict[str, list[int]]:
    return {post: [c.pk for c in group] for post, group in made.items()}


def full_votes(made: dict[str, list[Any]]) -> dict[int, int]:
    c = ids(made)
    return {
        c["director"][0]: 8,
        c["director"][1]: 2,
        c["deputy_director"][0]: 7,
        c["deputy_director"][1]: 3,
        c["member"][0]: 9,
        c["member"][1]: 8,
        c["member"][2]: 6,
        c["member"][3]: 2,
    }


def test_a_sheet_entered_once_cannot_be_tallied(ready: Any, world: Personas) -> None:
    election, made = ready
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a], cast=10, votes=full_votes(made))
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
    assert "两人录入" in str(error.value)


def test_two_entries_that_differ_must_be_corrected_before_the_tally(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    votes = full_votes(made)
    wrong = {**votes, ids(made)["member"][0]: 5}
    station = election.stations.get()
    with at(ELECTION_DAY):
        actions.do_enter_sheet(
            station,
            ballots_issued=12,
            ballots_cast=10,
            ballots_invalid=0,
            votes=votes,
            actor=world.staff_a,
        )
        actions.do_enter_sheet(
            station,
            ballots_issued=12,
            ballots_cast=10,
            ballots_invalid=0,
            votes=wrong,
            actor=clerk2,
        )
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
        assert "不一致" in str(error.value)
        actions.do_enter_sheet(
            station,
            ballots_issued=12,
            ballots_cast=10,
            ballots_invalid=0,
            votes=votes,
            actor=clerk2,
        )
        result = actions.do_tally(election, actor=world.staff_a)
    assert result.is_valid
    assert TallySheet.objects.filter(station=station).count() == 2
    corrections = Event.objects.filter(
        type=EventType.ELECTION_SHEET_ENTERED, summary__correction=True
    )
    assert corrections.count() == 1


def test_a_third_clerk_cannot_enter_a_sheet_two_have_entered(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=10, votes=full_votes(made))
        with pytest.raises(ValidationError):
            enter_twice(election, [world.street_staff], cast=10, votes=full_votes(made))


def test_sheets_cannot_be_entered_before_election_day(ready: Any, world: Personas) -> None:
    election, made = ready
    with pytest.raises(ValidationError):
        enter_twice(election, [world.staff_a], cast=10, votes=full_votes(made))


def test_a_sheet_with_more_ballots_cast_than_issued_is_refused(ready: Any, world: Personas) -> None:
    election, made = ready
    with at(ELECTION_DAY), pytest.raises(ValidationError) as error:
        actions.do_enter_sheet(
            election.stations.get(),
            ballots_issued=5,
            ballots_cast=10,
            ballots_invalid=0,
            votes=full_votes(made),
            actor=world.staff_a,
        )
    assert "ballots_cast" in error.value.message_dict


def test_exactly_half_the_voters_voting_makes_the_election_invalid(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    c = ids(made)
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=6, votes={c["director"][0]: 6})
        result = actions.do_tally(election, actor=world.staff_a)
    election.refresh_from_db()
    assert not result.is_valid and election.status == ElectionStatus.FAILED


def test_the_full_committee_is_elected_certified_and_becomes_the_new_term(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=10, votes=full_votes(made))
        result = actions.do_tally(election, actor=world.staff_a)
        elected = set(result.results.filter(elected=True).values_list("candidate__name", flat=True))
        assert len(elected) == 5
        # Re-tallying from the entered sheets gives the same result.
        _totals, outcome, registered = actions.count_round(election)
        assert outcome.elected == set(
            result.results.filter(elected=True).values_list("candidate_id", flat=True)
        )
        assert registered == 12
        actions.do_certify_election(election, actor=world.staff_a)
    members = Membership.objects.filter(organisation=election.committee, end_date__isnull=True)
    assert set(members.values_list("person_name", flat=True)) == elected
    assert members.get(post="director").person_name == made["director"][0].name
    election.committee.refresh_from_db()
    assert election.committee.term_start == ELECTION_DAY
    assert election.committee.term_end == date(2031, 6, 29)
    with at(date(2026, 7, 15)):
        actions.do_record_handover(
            election,
            handover_on=date(2026, 7, 15),
            note="印章、档案、财务已移交",
            actor=world.staff_a,
        )
    election.refresh_from_db()
    rows = {d.key: d for d in deadlines.deadlines(election, date(2026, 7, 15))}
    assert rows["handover"].state == deadlines.MISSED  # 15 days after, not within 10


def test_seats_left_empty_go_to_a_further_round_won_with_one_third(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    c = ids(made)
    votes = {
        **full_votes(made),
        c["member"][2]: 5,
        c["member"][3]: 4,
    }  # 5 of 10 is not more than half
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=10, votes=votes)
        actions.do_tally(election, actor=world.staff_a)
        assert actions.empty_seats(election) == {"member": 1}
        actions.do_start_further_round(election, actor=world.staff_a)
        election.refresh_from_db()
        on_ballot = {x.pk for x in actions.round_candidates(election)}
        assert on_ballot == {c["member"][2], c["member"][3]}
        # Round 2: 9 ballots cast; 3 is one third — enough, inclusive.
        station = election.stations.get()
        for clerk in (world.staff_a, clerk2):
            actions.do_enter_sheet(
                station,
                ballots_issued=12,
                ballots_cast=9,
                ballots_invalid=0,
                votes={c["member"][2]: 3, c["member"][3]: 2},
                actor=clerk,
            )
        second = actions.do_tally(election, actor=world.staff_a)
    assert second.round == 2 and second.is_valid
    assert list(second.results.filter(elected=True).values_list("candidate_id", flat=True)) == [
        c["member"][2]
    ]
    assert actions.empty_seats(election) == {}


def test_a_composition_breach_is_shown_and_must_be_acknowledged(
    election: Election, world: Personas, clerk2: Any
) -> None:
    made = slate(election, world.staff_a, published(election, world.staff_a, women=1))
    actions.do_save_station(election, name="第一投票站", actor=world.staff_a)
    election.refresh_from_db()
    c = ids(made)
    # The only woman is the first director candidate: elect the men only.
    votes = {
        c["director"][1]: 8,
        c["director"][0]: 2,
        c["deputy_director"][1]: 7,
        c["deputy_director"][0]: 3,
        c["member"][0]: 9,
        c["member"][1]: 8,
        c["member"][2]: 6,
    }
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=10, votes=votes)
        actions.do_tally(election, actor=world.staff_a)
        breaches = actions.new_committee_breaches(election)
        assert any("妇女" in b for b in breaches)
        with pytest.raises(ValidationError) as error:
            actions.do_certify_election(election, actor=world.staff_a)
        assert "妇女" in str(error.value)
        certified = actions.do_certify_election(
            election, acknowledge_breaches=True, actor=world.staff_a
        )
    assert certified.status == ElectionStatus.CERTIFIED
    assert certified.certified_warnings == breaches


def test_more_ballots_issued_than_registered_voters_is_refused(
    ready: Any, world: Personas, clerk2: Any
) -> None:
    election, made = ready
    station = election.stations.get()
    with at(ELECTION_DAY):
        for clerk in (world.staff_a, clerk2):
            actions.do_enter_sheet(
                station,
                ballots_issued=13,
                ballots_cast=10,
                ballots_invalid=0,
                votes=full_votes(made),
                actor=clerk,
            )
        with pytest.raises(ValidationError) as error:
            actions.do_tally(election, actor=world.staff_a)
    assert "多于登记选民" in str(error.value)


def test_every_step_writes_one_ledger_event(ready: Any, world: Personas, clerk2: Any) -> None:
    election, made = ready
    before = Event.objects.count()
    with at(ELECTION_DAY):
        enter_twice(election, [world.staff_a, clerk2], cast=10, votes=full_votes(made))
        assert Event.objects.count() == before + 2
        actions.do_tally(election, actor=world.staff_a)
        assert Event.objects.count() == before + 3


def test_a_by_election_adds_the_elected_and_keeps_the_sitting_members(
    world: Personas, committee_a: Any, clerk2: Any, on_schedule_day: None
) -> None:
    from gongzhi.organisations.actions import do_save_member

    sitting = do_save_member(
        Membership(
            organisation=committee_a,
            person_name="在任主任",
            post="director",
            sex="2",
            is_local_resident=True,
            start_date=date(2024, 7, 1),
        ),
        actor=None,
    )
    election = schedule(
        world.street_staff,
        committee_a,
        kind="by_election",
        seats_director=0,
        seats_deputy=0,
        seats_member=1,
    )
    voters = published(election, world.staff_a)
    first = actions.do_nominate_candidate(
        election, voter=voters[0], post="member", nominations=5, actor=world.staff_a
    )
    actions.do_nominate_candidate(
        election, voter=voters[5], post="member", nominations=5, actor=world.staff_a
    )
    actions.do_publish_candidates(election, actor=world.staff_a)
    actions.do_save_station(election, name="会场", kind="central", actor=world.staff_a)
    with at(ELECTION_DAY):
        for clerk in (world.staff_a, clerk2):
            actions.do_enter_sheet(
                election.stations.get(),
                ballots_issued=12,
                ballots_cast=10,
                ballots_invalid=0,
                votes={first.pk: 7},
                actor=clerk,
            )
        actions.do_tally(election, actor=world.staff_a)
        actions.do_certify_election(election, acknowledge_breaches=True, actor=world.staff_a)
    current = Membership.objects.current(ELECTION_DAY).filter(organisation=committee_a)
    assert set(current.values_list("person_name", flat=True)) == {"在任主任", first.name}
    sitting.refresh_from_db()
    assert sitting.end_date is None
