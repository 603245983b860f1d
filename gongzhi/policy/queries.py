"""Which version of a rule applies to a place on a day (DESIGN rule 5).

Among the versions declared in code and those staff added, the one that applies to
``region_code`` on ``on`` is the one whose region is the most specific prefix of the place
(the league's own setting before Inner Mongolia's measures before the national law) and,
among those, the latest that has taken effect. A version added in the database wins over a
code version of the same region and date. A more specific region keeps applying after a
later national revision until staff add a version for it again: measures of a province
stay in force until replaced, and the rules page shows both so that staff see the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from gongzhi.policy import registry
from gongzhi.policy.models import PolicyVersion
from gongzhi.policy.registry import Kind, Policy, Value


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: Value
    source: str
    effective_from: date
    region_code: str
    from_database: bool = False

    @property
    def kind(self) -> Kind:
        return registry.get(self.key).kind

    @property
    def display(self) -> str:
        return registry.display(self.kind, self.value)


def versions(policy: Policy, rows: Iterable[PolicyVersion] | None = None) -> list[PolicyValue]:
    """Every version of ``policy``, from code and database, oldest region and date first.
    ``rows`` are its database versions when the caller has read them already."""
    if rows is None:
        rows = PolicyVersion.objects.filter(key=policy.key)
    found = [
        PolicyValue(policy.key, v.value, v.source, v.effective_from, v.region_code)
        for v in policy.versions
    ]
    found += [
        PolicyValue(
            policy.key,
            registry.from_json(policy.kind, row.value),
            row.source,
            row.effective_from,
            row.region_code,
            from_database=True,
        )
        for row in rows
    ]
    found.sort(key=_precedence)
    return found


def _precedence(version: PolicyValue) -> tuple[int, date, bool]:
    return (len(version.region_code), version.effective_from, version.from_database)


def applicable(found: list[PolicyValue], region_code: str, on: date) -> PolicyValue | None:
    """The version of ``found`` that applies to ``region_code`` on ``on``."""
    candidates = [
        v for v in found if region_code.startswith(v.region_code) and v.effective_from <= on
    ]
    return max(candidates, key=_precedence, default=None)


def policy_value(key: str, region_code: str = "", on: date | None = None) -> PolicyValue:
    """The value of the rule ``key`` that applies in ``region_code`` on ``on`` (today)."""
    return policy_values([key], region_code, on)[key]


def policy_values(
    keys: Iterable[str], region_code: str = "", on: date | None = None
) -> dict[str, PolicyValue]:
    """``policy_value`` for several rules, reading the database versions in one query."""
    keys = list(keys)
    policies = [registry.get(key) for key in keys]
    day = on or timezone.localdate()
    prefixes = [region_code[:n] for n in range(len(region_code) + 1)]
    rows: dict[str, list[PolicyVersion]] = {key: [] for key in keys}
    for row in PolicyVersion.objects.filter(key__in=keys, region_code__in=prefixes):
        rows[row.key].append(row)
    answer: dict[str, PolicyValue] = {}
    for policy in policies:
        chosen = applicable(versions(policy, rows[policy.key]), region_code, day)
        if chosen is None:
            raise LookupError(
                f"policy {policy.key!r} has no version in force on {day} for {region_code!r}"
            )
        answer[policy.key] = chosen
    return answer
