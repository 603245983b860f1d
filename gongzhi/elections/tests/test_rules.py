"""The election rules as data (DESIGN rule 5): thresholds at their boundaries, versions by
election day and region, the tally (R2.3d; 村民委员会组织法 第十五条)."""

from __future__ import annotations

from datetime import date

import pytest

from gongzhi.elections import policies, tally
from gongzhi.elections.rulebook import age_cutoff
from gongzhi.policy.queries import policy_value
from gongzhi.policy.registry import Threshold

HALF = Threshold(1, 2, strict=True)
THIRD = Threshold(1, 3, strict=False)
COMMUNITY = "152201001001"


def decide(
    votes: dict[int, int],
    *,
    cast: int,
    registered: int = 100,
    seats: int = 1,
    needed: Threshold = HALF,
) -> tally.Outcome:
    return tally.decide(
        seats={"member": seats},
        posts={cid: "member" for cid in votes},
        votes=votes,
        registered=registered,
        cast=cast,
        valid_turnout=HALF,
        needed=needed,
    )


def test_exactly_half_of_registered_voting_does_not_make_the_election_valid() -> None:
    assert not decide({1: 50}, cast=50, registered=100).is_valid
    assert decide({1: 51}, cast=51, registered=100).is_valid


def test_exactly_half_of_the_votes_cast_does_not_elect() -> None:
    assert decide({1: 30, 2: 30}, cast=60).elected == frozenset()
    assert decide({1: 31, 2: 29}, cast=60).elected == {1}


def test_in_a_further_round_one_third_of_ballots_cast_is_enough() -> None:
    assert decide({1: 20, 2: 19}, cast=60, needed=THIRD).elected == {1}
    assert decide({1: 19, 2: 18}, cast=60, needed=THIRD).elected == frozenset()


def test_a_tie_for_the_last_seat_leaves_it_empty() -> None:
    outcome = decide({1: 40, 2: 35, 3: 35}, cast=60, seats=2)
    assert outcome.elected == {1}
    assert outcome.empty == {"member": 1}


def test_more_majority_winners_than_seats_take_the_seats_by_votes() -> None:
    outcome = decide({1: 50, 2: 45, 3: 40}, cast=60, seats=2)
    assert outcome.elected == {1, 2}


def test_an_invalid_election_elects_nobody() -> None:
    outcome = decide({1: 40}, cast=40, registered=100)
    assert not outcome.is_valid and outcome.elected == frozenset()


def test_someone_turning_18_on_election_day_is_of_age() -> None:
    day = date(2026, 6, 30)
    assert date(2008, 6, 30) <= age_cutoff(day, 18)
    assert date(2008, 7, 1) > age_cutoff(day, 18)


def test_a_29_february_birthday_comes_of_age_on_1_march() -> None:
    assert date(2008, 2, 29) > age_cutoff(date(2026, 2, 28), 18)
    assert date(2008, 2, 29) <= age_cutoff(date(2026, 3, 1), 18)


@pytest.mark.django_db
def test_an_election_in_2026_cites_the_revised_law_and_one_in_2025_the_2018_text() -> None:
    old = policy_value(policies.VALID_TURNOUT, COMMUNITY, date(2025, 12, 31))
    new = policy_value(policies.VALID_TURNOUT, COMMUNITY, date(2026, 1, 1))
    assert "2018年修正" in old.source and "第十五条" in old.source
    assert "2025年修订" in new.source
    assert old.value == new.value == HALF


@pytest.mark.django_db
def test_inner_mongolia_requires_proxies_three_days_ahead_and_the_nation_does_not() -> None:
    assert policy_value(policies.PROXY_FILED_DAYS_BEFORE, COMMUNITY, date(2026, 6, 1)).value == 3
    assert (
        policy_value(policies.PROXY_FILED_DAYS_BEFORE, "110101001001", date(2026, 6, 1)).value == 0
    )
    assert policy_value(policies.MIN_WOMEN_CANDIDATES, COMMUNITY, date(2026, 6, 1)).value == 1


@pytest.mark.django_db
def test_every_rule_the_issue_lists_is_declared_with_a_source() -> None:
    expected = {
        policies.TERM_YEARS: 5,
        policies.VOTER_AGE: 18,
        policies.LIST_PUBLISHED_DAYS_BEFORE: 20,
        policies.OBJECTION_DAYS: 5,
        policies.OBJECTION_ANSWER_DAYS: 3,
        policies.MAX_PROXIES: 3,
        policies.HANDOVER_DAYS: 10,
        policies.RECALL_BY_VOTERS: Threshold(1, 5, strict=False),
        policies.RECALL_BY_REPRESENTATIVES: Threshold(1, 3, strict=False),
        policies.FURTHER_ROUND_MINIMUM: THIRD,
        policies.ELECTED_MAJORITY: HALF,
    }
    for key, value in expected.items():
        found = policy_value(key, COMMUNITY, date(2026, 6, 30))
        assert found.value == value, key
        assert found.source, key
