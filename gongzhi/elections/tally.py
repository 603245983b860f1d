"""The tally of a committee election, as pure functions of the entered tally sheets.

Round 1 (村民委员会组织法 第十五条): the round is valid when the ballots cast meet
``election.valid_turnout`` of the registered voters; a candidate is elected with votes
meeting ``election.elected_majority`` of the ballots cast, the most votes first, up to the
seats of the post. Seats left empty go to a further round (另行选举) in which the most votes
win, provided they meet ``election.further_round_minimum`` of the ballots cast.

A tie for the last seat of a post elects neither of the tied: the seat stays empty and
goes to the next round (得票相同不能确定当选人的，就得票相同的人再次投票).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gongzhi.policy.registry import Threshold


@dataclass(frozen=True)
class Totals:
    issued: int = 0
    cast: int = 0
    invalid: int = 0
    other: int = 0
    votes: Mapping[int, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return self.cast - self.invalid


def add_up(sheets: Iterable[tuple[int, int, int, int, Mapping[str, int]]]) -> Totals:
    """Sum (issued, cast, invalid, other, votes) of one entry per station."""
    issued = cast = invalid = other = 0
    votes: dict[int, int] = defaultdict(int)
    for s_issued, s_cast, s_invalid, s_other, s_votes in sheets:
        issued += s_issued
        cast += s_cast
        invalid += s_invalid
        other += s_other
        for key, count in s_votes.items():
            votes[int(key)] += int(count)
    return Totals(issued, cast, invalid, other, dict(votes))


@dataclass(frozen=True)
class Outcome:
    is_valid: bool
    elected: frozenset[int]
    # Seats per post still empty after this round.
    empty: Mapping[str, int]


def decide(
    *,
    seats: Mapping[str, int],
    posts: Mapping[int, str],
    votes: Mapping[int, int],
    registered: int,
    cast: int,
    valid_turnout: Threshold,
    needed: Threshold,
) -> Outcome:
    """Who is elected in one round.

    ``seats`` per post to fill in this round, ``posts`` each candidate's post, ``votes``
    each candidate's votes, ``needed`` the share of ``cast`` a candidate must meet (the
    majority in round 1, the minimum in a further round).
    """
    if not valid_turnout.met(cast, registered):
        return Outcome(False, frozenset(), dict(seats))
    elected: set[int] = set()
    empty: dict[str, int] = {}
    for post, count in seats.items():
        ranked = sorted(
            (
                (votes.get(cid, 0), cid)
                for cid, p in posts.items()
                if p == post and needed.met(votes.get(cid, 0), cast)
            ),
            reverse=True,
        )
        chosen = ranked[:count]
        if len(ranked) > count and chosen and ranked[count][0] == chosen[-1][0]:
            tied = chosen[-1][0]
            chosen = [item for item in chosen if item[0] > tied]
        elected.update(cid for _, cid in chosen)
        empty[post] = count - len(chosen)
    return Outcome(True, frozenset(elected), empty)
