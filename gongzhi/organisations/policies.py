"""Rules of law on the composition of a self-governing committee (DESIGN rule 5; R2.3a,
R2.3d). Shown as warnings on the committee page and checked again by elections."""

from __future__ import annotations

from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.policy.registry import Kind, Policy, Version

SEED_R23D = (
    "《兴安盟关于加强和完善城乡社区治理的实施意见》二（三）：确保城市居民委员会主任和至少"
    "一名成员是本社区居民；R2.3d"
)
URBAN_LAW_ART7 = (
    "《中华人民共和国城市居民委员会组织法》（2018年修正）第七条：由主任、副主任和委员共五至九人组成"
)
VILLAGE_LAW_ART6 = (
    "《中华人民共和国村民委员会组织法》（2018年修正）第六条：由主任、副主任和委员共三至七人组成"
)
NO_NATIONAL_RULE = "组织法对此未作统一规定"

DIRECTOR_LOCAL = "committee.director_local_resident"
MIN_LOCAL_MEMBERS = "committee.min_local_members_besides_director"
MIN_WOMEN = "committee.min_women_members"
URBAN_SIZE_MIN = "committee.urban.size_min"
URBAN_SIZE_MAX = "committee.urban.size_max"
RURAL_SIZE_MIN = "committee.rural.size_min"
RURAL_SIZE_MAX = "committee.rural.size_max"

_SINCE = date(2018, 12, 29)  # both organic laws as amended on 2018-12-29
_LEAGUE_SINCE = date(2018, 12, 28)  # the league's implementing opinions (the seed)


def _count(key: str, label: str | Promise, value: int, source: str, since: date = _SINCE) -> Policy:
    return Policy(
        key=key,
        label=label,
        kind=Kind.INTEGER,
        unit=_("人"),
        versions=[Version(value, since, source=source)],
    )


POLICIES = [
    Policy(
        key=DIRECTOR_LOCAL,
        label=_("居民委员会主任须为本社区居民"),
        kind=Kind.BOOLEAN,
        versions=[
            Version(False, _SINCE, source=NO_NATIONAL_RULE),
            Version(True, _LEAGUE_SINCE, source=SEED_R23D, region_code="1522"),
        ],
    ),
    Policy(
        key=MIN_LOCAL_MEMBERS,
        label=_("除主任外至少应有的本社区居民成员"),
        kind=Kind.INTEGER,
        unit=_("人"),
        versions=[
            Version(0, _SINCE, source=NO_NATIONAL_RULE),
            Version(1, _LEAGUE_SINCE, source=SEED_R23D, region_code="1522"),
        ],
    ),
    _count(
        MIN_WOMEN,
        _("委员会中至少应有的妇女成员"),
        1,
        "《中华人民共和国村民委员会组织法》第六条：村民委员会成员中，应当有妇女成员；"
        "自治区对居民委员会同样要求",
    ),
    _count(URBAN_SIZE_MIN, _("居民委员会成员人数下限"), 5, URBAN_LAW_ART7),
    _count(URBAN_SIZE_MAX, _("居民委员会成员人数上限"), 9, URBAN_LAW_ART7),
    _count(RURAL_SIZE_MIN, _("村民（嘎查）委员会成员人数下限"), 3, VILLAGE_LAW_ART6),
    _count(RURAL_SIZE_MAX, _("村民（嘎查）委员会成员人数上限"), 7, VILLAGE_LAW_ART6),
]
