"""Composition rules of a self-governing committee, reported as warnings (not refusals).

A committee is elected; the platform cannot refuse the result of an election, but it
shows the street and the committee where the composition falls short of the rules.
The thresholds are named constants citing their source; a later issue moves them into
versioned policy data (DESIGN rule 5: both committee laws were revised 2025-10-28).
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gongzhi.core.codes import SEX_FEMALE
from gongzhi.organisations.models import (
    COMMITTEE_MEMBER_POSTS,
    Membership,
    Organisation,
    OrganisationKind,
    Post,
)

# R2.3d: "确保城市居民委员会主任和至少一名成员是本社区居民".
DIRECTOR_MUST_BE_LOCAL_RESIDENT = True
# R2.3d: local residents required among the members besides the director.
MIN_LOCAL_MEMBERS_BESIDES_DIRECTOR = 1
# R2.3a (size): 城市居民委员会组织法 第七条 "由主任、副主任和委员共五至九人组成";
# 村民委员会组织法 第六条 "由主任、副主任和委员共三至七人组成" (a gacha committee is a
# villagers' committee under that law).
COMMITTEE_SIZE_RANGE: dict[str, tuple[int, int]] = {
    OrganisationKind.RESIDENTS_COMMITTEE: (5, 9),
    OrganisationKind.VILLAGERS_COMMITTEE: (3, 7),
    OrganisationKind.GACHA_COMMITTEE: (3, 7),
}
# 村民委员会组织法 第六条 "村民委员会成员中，应当有妇女成员"; Inner Mongolia applies the same
# expectation to residents' committees. Shown as a warning.
MIN_WOMEN_MEMBERS = 1


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
    members: list[Membership] = list(
        committee.memberships.current(day).filter(post__in=COMMITTEE_MEMBER_POSTS)
    )
    warnings: list[str] = []
    directors = [m for m in members if m.post == Post.DIRECTOR]
    others = [m for m in members if m.post != Post.DIRECTOR]

    if not directors:
        warnings.append(_("未配备主任"))
    elif DIRECTOR_MUST_BE_LOCAL_RESIDENT and not directors[0].is_local_resident:
        warnings.append(
            _("主任%(name)s不是本社区居民（R2.3d：主任须为本社区居民）")
            % {"name": directors[0].person_name}
        )

    local_others = sum(1 for m in others if m.is_local_resident)
    if local_others < MIN_LOCAL_MEMBERS_BESIDES_DIRECTOR:
        warnings.append(
            _("除主任外，本社区居民成员只有 %(count)d 名，应至少 %(minimum)d 名（R2.3d）")
            % {"count": local_others, "minimum": MIN_LOCAL_MEMBERS_BESIDES_DIRECTOR}
        )

    count = len(members)
    if committee.posts_set is not None:
        if count != committee.posts_set:
            warnings.append(
                _("现有成员 %(count)d 人，与核定职数 %(posts)d 人不符（R2.3a）")
                % {"count": count, "posts": committee.posts_set}
            )
    else:
        low, high = COMMITTEE_SIZE_RANGE[committee.kind]
        if not low <= count <= high:
            warnings.append(
                _("现有成员 %(count)d 人，不在法定的 %(low)d–%(high)d 人范围内（R2.3a）")
                % {"count": count, "low": low, "high": high}
            )

    women = sum(1 for m in members if m.sex == SEX_FEMALE)
    if women < MIN_WOMEN_MEMBERS:
        warnings.append(_("成员中没有女性（应当有妇女成员）"))

    if committee.term_end is not None and committee.term_end < day:
        warnings.append(
            _("本届任期已于 %(date)s 届满，应及时换届") % {"date": _date(committee.term_end)}
        )
    return warnings
