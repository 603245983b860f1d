"""Composition rules of a self-governing committee, reported as warnings (not refusals).

A committee is elected; the platform cannot refuse the result of an election, but it
shows the street and the committee where the composition falls short of the rules.
The thresholds come from the rules store (``organisations/policies.py``, DESIGN rule 5),
each with its source, so a revised law or a province's measures is a new version there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gongzhi.core.codes import SEX_FEMALE
from gongzhi.organisations import policies
from gongzhi.organisations.models import (
    COMMITTEE_MEMBER_POSTS,
    Membership,
    Organisation,
    OrganisationKind,
    Post,
)
from gongzhi.policy.queries import policy_values


@dataclass(frozen=True)
class CompositionRules:
    """The composition rules in force for a committee's place on a day (``policies``)."""

    director_local: bool
    min_local_members: int
    min_women: int
    size_range: tuple[int, int]


def composition_rules(
    kind: str, region_code: str, on: datetime.date | None = None
) -> CompositionRules:
    """R2.3a, R2.3d: the rules for a committee of ``kind`` in ``region_code`` on ``on``."""

    urban = kind == OrganisationKind.RESIDENTS_COMMITTEE
    low, high = (
        (policies.URBAN_SIZE_MIN, policies.URBAN_SIZE_MAX)
        if urban
        else (policies.RURAL_SIZE_MIN, policies.RURAL_SIZE_MAX)
    )
    values = policy_values(
        [policies.DIRECTOR_LOCAL, policies.MIN_LOCAL_MEMBERS, policies.MIN_WOMEN, low, high],
        region_code,
        on,
    )

    def value(key: str) -> Any:
        return values[key].value

    return CompositionRules(
        director_local=bool(value(policies.DIRECTOR_LOCAL)),
        min_local_members=int(value(policies.MIN_LOCAL_MEMBERS)),
        min_women=int(value(policies.MIN_WOMEN)),
        size_range=(int(value(low)), int(value(high))),
    )


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def composition_warnings(committee: Organisation, *, on: datetime.date | None = None) -> list[str]:
    """Chinese warnings about the committee's current composition; empty when it is sound.

    Counts the memberships current on ``on`` (today) in the posts 主任、副主任、委员.
    Runs one query.
    """
    if not committee.is_committee:
        return []
    day = on or timezone.localdate()
    rules = composition_rules(committee.kind, committee.region_code, day)
    members: list[Membership] = list(
        committee.memberships.current(day).filter(post__in=COMMITTEE_MEMBER_POSTS)
    )
    warnings: list[str] = []
    directors = [m for m in members if m.post == Post.DIRECTOR]
    others = [m for m in members if m.post != Post.DIRECTOR]

    if not directors:
        warnings.append(_("未配备主任"))
    elif rules.director_local and not directors[0].is_local_resident:
        warnings.append(
            _("主任%(name)s不是本社区居民（R2.3d：主任须为本社区居民）")
            % {"name": directors[0].person_name}
        )

    local_others = sum(1 for m in others if m.is_local_resident)
    if local_others < rules.min_local_members:
        warnings.append(
            _("除主任外，本社区居民成员只有 %(count)d 名，应至少 %(minimum)d 名（R2.3d）")
            % {"count": local_others, "minimum": rules.min_local_members}
        )

    count = len(members)
    if committee.posts_set is not None:
        if count != committee.posts_set:
            warnings.append(
                _("现有成员 %(count)d 人，与核定职数 %(posts)d 人不符（R2.3a）")
                % {"count": count, "posts": committee.posts_set}
            )
    else:
        low, high = rules.size_range
        if not low <= count <= high:
            warnings.append(
                _("现有成员 %(count)d 人，不在法定的 %(low)d–%(high)d 人范围内（R2.3a）")
                % {"count": count, "low": low, "high": high}
            )

    women = sum(1 for m in members if m.sex == SEX_FEMALE)
    if women < rules.min_women:
        warnings.append(_("成员中没有女性（应当有妇女成员）"))

    if committee.term_end is not None and committee.term_end < day:
        warnings.append(
            _("本届任期已于 %(date)s 届满，应及时换届") % {"date": _date(committee.term_end)}
        )
    return warnings
