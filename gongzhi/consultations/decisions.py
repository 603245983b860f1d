"""Whether a meeting's decision stands: quorum and majority from the policy store.

R2.3e and the committee laws: a residents' meeting needs more than half of the adult
residents (or of the households' representatives) present and a decision by more than
half of those present; a villagers' meeting more than half of the adult villagers or two
thirds of the households; a representatives' meeting two thirds of its members present.
The thresholds come from ``consultations.policies`` through ``policy_value`` for the
meeting's place and day, so a revised law or a province's measures apply without a code
change. Each check is written down with its rule and source (``Check``) and kept on the
meeting, so residents and auditors see why a decision was or was not adopted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.consultations.enums import MEETING_FORMS, REPRESENTATIVE_FORMS, BaseKind
from gongzhi.consultations.policies import RULE_PREFIX
from gongzhi.policy.queries import policy_value
from gongzhi.policy.registry import Threshold


def quorum_bases(form: str) -> tuple[str, ...]:
    """The bases attendance may be counted against for ``form``."""
    if form in MEETING_FORMS:
        return (BaseKind.ADULT_RESIDENTS, BaseKind.HOUSEHOLDS)
    if form in REPRESENTATIVE_FORMS:
        return (BaseKind.MEMBERS,)
    return (BaseKind.PARTICIPANTS,)


def has_quorum_rule(form: str) -> bool:
    return form in MEETING_FORMS or form in REPRESENTATIVE_FORMS


@dataclass(frozen=True)
class Check:
    """One rule applied: what it asks, what was counted, whether it was met."""

    key: str
    rule: str  # 过半数, 三分之二以上（含本数）
    source: str
    count: int
    base: int
    minimum: int
    met: bool
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rule": self.rule,
            "source": self.source,
            "count": self.count,
            "base": self.base,
            "minimum": self.minimum,
            "met": self.met,
            "text": self.text,
        }


@dataclass(frozen=True)
class Evaluation:
    adopted: bool
    reason: str
    checks: list[Check]


def _check(
    key: str, region_code: str, on: date, count: int, base: int, text: str, **extra: str
) -> Check:
    pv = policy_value(key, region_code=region_code, on=on)
    threshold = pv.value
    assert isinstance(threshold, Threshold)
    minimum = threshold.minimum(base)
    met = threshold.met(count, base)
    return Check(
        key=key,
        rule=str(threshold),
        source=pv.source,
        count=count,
        base=base,
        minimum=minimum,
        met=met,
        text=text
        % {"rule": str(threshold), "count": count, "base": base, "minimum": minimum, **extra},
    )


def evaluate(
    *,
    form: str,
    base_kind: str,
    base_count: int | None,
    present: int,
    votes_for: int,
    region_code: str,
    on: date,
) -> Evaluation:
    """Apply the quorum (for the statutory meetings) and then the majority."""
    prefix = RULE_PREFIX[form]
    checks: list[Check] = []
    if has_quorum_rule(form):
        key = (
            f"{prefix}.household_quorum" if base_kind == BaseKind.HOUSEHOLDS else f"{prefix}.quorum"
        )
        base_label = BaseKind(base_kind).label
        checks.append(
            _check(
                key,
                region_code,
                on,
                present,
                base_count or 0,
                _(
                    "出席 %(count)d 人，应到 %(base)d 人（%(base_label)s），"
                    "须%(rule)s即至少 %(minimum)d 人出席"
                ),
                base_label=str(base_label),
            )
        )
        if not checks[0].met:
            return Evaluation(
                adopted=False,
                reason=_("未达到法定出席人数：%(text)s") % {"text": checks[0].text},
                checks=checks,
            )
    majority = _check(
        f"{prefix}.majority",
        region_code,
        on,
        votes_for,
        present,
        _("赞成 %(count)d 票，出席 %(base)d 人，须%(rule)s即至少 %(minimum)d 票赞成"),
    )
    checks.append(majority)
    if not majority.met:
        return Evaluation(
            adopted=False,
            reason=_("赞成票未达到规定：%(text)s") % {"text": majority.text},
            checks=checks,
        )
    return Evaluation(
        adopted=True,
        reason="；".join(check.text for check in checks),
        checks=checks,
    )
