"""The election's rules as they stand for its place on its election day (DESIGN rule 5).

Every check reads the rule through here, so that one election applies one consistent set:
the version in force in the community's region on election day, with its source for the
message that cites it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from gongzhi.elections import policies
from gongzhi.policy.queries import PolicyValue, policy_value
from gongzhi.policy.registry import Threshold

_memo: ContextVar[dict[tuple[str, str, date], PolicyValue] | None] = ContextVar(
    "election_rules_memo", default=None
)


@contextmanager
def remembered() -> Iterator[None]:
    """Within the block, read each (rule, place, day) once: a list page of elections would
    otherwise read the rules store once per deadline of every row."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def rule(election: Any, key: str) -> PolicyValue:
    """The version of ``key`` that applies to ``election`` (its region, its election day)."""
    memo = _memo.get()
    if memo is None:
        return policy_value(key, election.region_code, election.election_day)
    slot = (key, election.region_code, election.election_day)
    if slot not in memo:
        memo[slot] = policy_value(key, election.region_code, election.election_day)
    return memo[slot]


def value(election: Any, key: str) -> Any:
    return rule(election, key).value


def as_int(found: PolicyValue) -> int:
    """The value of a count or days rule."""
    assert isinstance(found.value, int)
    return int(found.value)


def integer(election: Any, key: str) -> int:
    return as_int(rule(election, key))


def threshold(election: Any, key: str) -> Threshold:
    found = value(election, key)
    assert isinstance(found, Threshold)
    return found


def cited(message: str, found: PolicyValue) -> str:
    """``message`` followed by the rule's source: “……（依据：《…》第十五条）”."""
    return f"{message}（依据：{found.source}）"


def age_cutoff(day: date, age: int) -> date:
    """Anyone born on or before this day is ``age`` or older on ``day``.

    A 29 February birthday counts as reached on 1 March in a common year: ``day`` shifted
    back falls on 28 February there, and 29 February of the birth year lies after it.
    """
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # ``day`` is 29 February and that year has none
        return date(day.year - age, 2, 28)


RULE_KEYS = [
    policies.TERM_YEARS,
    policies.VOTER_AGE,
    policies.LIST_PUBLISHED_DAYS_BEFORE,
    policies.OBJECTION_DAYS,
    policies.OBJECTION_ANSWER_DAYS,
    policies.PROXY_FILED_DAYS_BEFORE,
    policies.MAX_PROXIES,
    policies.CANDIDATE_MAY_HOLD_PROXY,
    policies.COMPETITIVE,
    policies.MIN_WOMEN_CANDIDATES,
    policies.MINORITY_CANDIDATE,
    policies.NOMINEE_LEAVES_COMMITTEE,
    policies.VALID_TURNOUT,
    policies.ELECTED_MAJORITY,
    policies.FURTHER_ROUND_MINIMUM,
    policies.HANDOVER_DAYS,
    policies.RECALL_BY_VOTERS,
    policies.RECALL_BY_REPRESENTATIVES,
    policies.URBAN_INDIRECT_ALLOWED,
]


def rulebook(election: Any) -> list[dict[str, Any]]:
    """Every rule the election applies, for the election's page: label, value, source."""
    from gongzhi.policy import registry

    rows = []
    for key in RULE_KEYS:
        found = rule(election, key)
        rows.append(
            {
                "key": key,
                "label": str(registry.get(key).label),
                "value": found.display,
                "source": found.source,
                "effective_from": found.effective_from,
                "region_code": found.region_code,
            }
        )
    return rows
