"""Rules of law as data (DESIGN rule 5): thresholds, intervals and caps, each versioned
by the date it takes effect and the region it applies to, with its source cited.

Every app declares the rules it applies in its own ``policies.py``::

    POLICIES = [
        Policy(
            key="consultation.residents_meeting.quorum",
            label=_("居民会议的到会人数"),
            kind=Kind.THRESHOLD,
            versions=[Version(Threshold(1, 2, strict=True), date(1990, 1, 1), source="…")],
        ),
    ]

The registry collects them when Django starts (``autodiscover``). The versions written in
code are the defaults the law gives; staff add versions in the database (a province's
measures, a league's own setting, a law revised) and ``queries.policy_value`` picks among
both. Nothing here reads the database.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


class Kind(enum.StrEnum):
    THRESHOLD = "threshold"  # a share of a base: 过半数, 三分之二以上
    INTEGER = "integer"  # a count: 3 proxies at most, 5 to 9 members
    DAYS = "days"  # an interval in days: 20 days before election day
    MONTHS = "months"  # an interval in months: finances disclosed monthly
    BOOLEAN = "boolean"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


_KIND_LABELS = {
    Kind.THRESHOLD: gettext_lazy("比例"),
    Kind.INTEGER: gettext_lazy("数量"),
    Kind.DAYS: gettext_lazy("天数"),
    Kind.MONTHS: gettext_lazy("月数"),
    Kind.BOOLEAN: gettext_lazy("是否"),
}

_CHINESE_DIGITS = "零一二三四五六七八九十"


def _english() -> bool:
    """Chinese fractions read 三分之二; other languages get 2/3."""
    return not (get_language() or "zh-hans").startswith("zh")


@dataclass(frozen=True)
class Threshold:
    """A share of a base that a count must reach: ``strict`` means “more than” (超过),
    otherwise “at least” (以上, which in Chinese law includes the number itself)."""

    numerator: int
    denominator: int
    strict: bool = True

    def __post_init__(self) -> None:
        if self.denominator <= 0 or not 0 <= self.numerator <= self.denominator:
            raise ValueError("threshold must be a fraction between 0 and 1")

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def met(self, count: int, base: int) -> bool:
        """Whether ``count`` of ``base`` meets the threshold, in exact integer arithmetic."""
        if self.strict:
            return count * self.denominator > self.numerator * base
        return count * self.denominator >= self.numerator * base

    def minimum(self, base: int) -> int:
        """The smallest count of ``base`` that meets the threshold."""
        product = self.numerator * base
        if self.strict:
            return product // self.denominator + 1
        return -(-product // self.denominator)

    @property
    def percent(self) -> int | float:
        """The share in per cent, as officials write it: 50, 66.7."""
        value = round(float(self.fraction) * 100, 1)
        return int(value) if value.is_integer() else value

    def to_json(self) -> dict[str, Any]:
        return {"numerator": self.numerator, "denominator": self.denominator, "strict": self.strict}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Threshold:
        return cls(int(data["numerator"]), int(data["denominator"]), bool(data["strict"]))

    def __str__(self) -> str:
        share = self.fraction
        if share == Fraction(1, 2):
            words = _("半数")
        elif share.denominator <= 10 and share.numerator <= 10 and not _english():
            words = _("%(den)s分之%(num)s") % {
                "den": _CHINESE_DIGITS[share.denominator],
                "num": _CHINESE_DIGITS[share.numerator],
            }
        else:
            words = f"{share.numerator}/{share.denominator}"
        if self.strict:
            return _("过%(share)s") % {"share": words}
        return _("%(share)s以上（含本数）") % {"share": words}


Value = Threshold | int | bool


@dataclass(frozen=True)
class Version:
    """One version of a rule: its value from ``effective_from`` in ``region_code`` (a
    division-code prefix; "" nationwide, "15" Inner Mongolia, "1522" the league)."""

    value: Value
    effective_from: date
    source: str
    region_code: str = ""


@dataclass(frozen=True)
class Policy:
    key: str
    label: str | Promise
    kind: Kind
    versions: list[Version] = field(default_factory=list)
    unit: str | Promise = ""
    help_text: str | Promise = ""

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValueError(f"policy {self.key} declares no version")
        for version in self.versions:
            check_value(self.kind, version.value)


def check_value(kind: Kind, value: Any) -> None:
    """Raise ``ValueError`` when ``value`` is not of the kind's type."""
    ok = {
        Kind.THRESHOLD: isinstance(value, Threshold),
        Kind.BOOLEAN: isinstance(value, bool),
    }.get(kind, isinstance(value, int) and not isinstance(value, bool) and value >= 0)
    if not ok:
        raise ValueError(f"{value!r} is not a {kind.value}")


def to_json(kind: Kind, value: Value) -> Any:
    return value.to_json() if isinstance(value, Threshold) else value


def from_json(kind: Kind, data: Any) -> Value:
    if kind is Kind.THRESHOLD:
        return Threshold.from_json(data)
    if kind is Kind.BOOLEAN:
        return bool(data)
    return int(data)


def display(kind: Kind, value: Value) -> str:
    """The value as an official reads it: 过半数, 20 天, 是."""
    if isinstance(value, Threshold):
        return str(value)
    if kind is Kind.BOOLEAN:
        return _("是") if value else _("否")
    if kind is Kind.DAYS:
        return _("%(n)s 天") % {"n": value}
    if kind is Kind.MONTHS:
        return _("%(n)s 个月") % {"n": value}
    return str(value)


_POLICIES: dict[str, Policy] = {}


def register(policies: Iterable[Policy]) -> None:
    for policy in policies:
        existing = _POLICIES.get(policy.key)
        if existing is not None and existing is not policy:
            raise ValueError(f"policy {policy.key} is declared twice")
        _POLICIES[policy.key] = policy


def autodiscover() -> None:
    """Register the ``POLICIES`` of every installed app's ``policies`` module."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.policies")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.policies":
                raise
            continue
        register(getattr(module, "POLICIES", []))


def get(key: str) -> Policy:
    try:
        return _POLICIES[key]
    except KeyError:
        raise LookupError(f"no policy is declared with the key {key!r}") from None


def all_policies() -> list[Policy]:
    return sorted(_POLICIES.values(), key=lambda policy: policy.key)
