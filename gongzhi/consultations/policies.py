"""The law's quorum and majority rules for consultation meetings, as data (DESIGN rule 5).

Each form of meeting has a key prefix (``RULE_PREFIX``); under it ``quorum`` (share of
the base that must be present), ``household_quorum`` (the same when the base is the
households' representatives) and ``majority`` (share of those present that must vote
for). Both committee laws were revised on 2025-10-28, in force 2026-01-01: each rule has
the version before and the version from that day, with its source. The revised texts
keep the thresholds in their chapter 4 (居民会议和居民代表会议 / 村民会议和村民代表会议).
"""

from __future__ import annotations

from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.consultations.enums import ConsultationForm
from gongzhi.policy.registry import Kind, Policy, Threshold, Version

MORE_THAN_HALF = Threshold(1, 2, strict=True)
TWO_THIRDS = Threshold(2, 3, strict=False)
REVISED = date(2026, 1, 1)
URBAN_LAW = "《中华人民共和国城市居民委员会组织法》（1989年通过，2018年修正）"
URBAN_LAW_2025 = (
    "《中华人民共和国城市居民委员会组织法》（2025年10月28日修订，2026年1月1日起施行）"
    "第四章 居民会议和居民代表会议"
)
VILLAGE_LAW = "《中华人民共和国村民委员会组织法》（2010年修订，2018年修正）"
VILLAGE_LAW_2025 = (
    "《中华人民共和国村民委员会组织法》（2025年10月28日修订，2026年1月1日起施行）"
    "第四章 村民会议和村民代表会议"
)
URBAN_SINCE = date(1990, 1, 1)
VILLAGE_SINCE = date(2010, 10, 28)

RULE_PREFIX: dict[str, str] = {
    ConsultationForm.RESIDENTS_MEETING: "consultation.residents_meeting",
    ConsultationForm.VILLAGERS_MEETING: "consultation.villagers_meeting",
    ConsultationForm.RESIDENTS_REPRESENTATIVES: "consultation.residents_representatives",
    ConsultationForm.VILLAGERS_REPRESENTATIVES: "consultation.villagers_representatives",
    ConsultationForm.DELIBERATION: "consultation.deliberation",
    ConsultationForm.HEARING: "consultation.deliberation",
    ConsultationForm.ONLINE: "consultation.deliberation",
}


def _threshold(
    key: str,
    label: str | Promise,
    unit: str | Promise,
    value: Threshold,
    before: str,
    since: date,
    after: str,
) -> Policy:
    return Policy(
        key=key,
        label=label,
        kind=Kind.THRESHOLD,
        unit=unit,
        versions=[
            Version(value, since, source=before),
            Version(value, REVISED, source=after),
        ],
    )


POLICIES = [
    # 居民会议: 十八周岁以上居民、户的代表或居民小组代表的过半数出席；出席人的过半数通过。
    _threshold(
        "consultation.residents_meeting.quorum",
        _("居民会议的出席人数（按十八周岁以上居民计）"),
        _("本居住地区年满十八周岁的居民"),
        MORE_THAN_HALF,
        f"{URBAN_LAW}第十条；R2.3e",
        URBAN_SINCE,
        f"{URBAN_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.residents_meeting.household_quorum",
        _("居民会议的出席人数（按户的代表计）"),
        _("本居住地区的户"),
        MORE_THAN_HALF,
        f"{URBAN_LAW}第十条；R2.3e",
        URBAN_SINCE,
        f"{URBAN_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.residents_meeting.majority",
        _("居民会议决定的通过人数"),
        _("出席会议的人员"),
        MORE_THAN_HALF,
        f"{URBAN_LAW}第十条；R2.3e",
        URBAN_SINCE,
        f"{URBAN_LAW_2025}；R2.3e",
    ),
    # 村民会议: 十八周岁以上村民的过半数，或者三分之二以上的户的代表参加；到会人员过半数通过。
    _threshold(
        "consultation.villagers_meeting.quorum",
        _("村民会议的到会人数（按十八周岁以上村民计）"),
        _("本村年满十八周岁的村民"),
        MORE_THAN_HALF,
        f"{VILLAGE_LAW}第二十二条；R2.3e",
        VILLAGE_SINCE,
        f"{VILLAGE_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.villagers_meeting.household_quorum",
        _("村民会议的到会人数（按户的代表计）"),
        _("本村的户"),
        TWO_THIRDS,
        f"{VILLAGE_LAW}第二十二条；R2.3e",
        VILLAGE_SINCE,
        f"{VILLAGE_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.villagers_meeting.majority",
        _("村民会议决定的通过人数"),
        _("到会人员"),
        MORE_THAN_HALF,
        f"{VILLAGE_LAW}第二十二条；R2.3e",
        VILLAGE_SINCE,
        f"{VILLAGE_LAW_2025}；R2.3e",
    ),
    # 代表会议: 三分之二以上的组成人员参加方可召开，到会人员的过半数同意。
    _threshold(
        "consultation.villagers_representatives.quorum",
        _("村民代表会议的到会人数"),
        _("村民代表会议组成人员"),
        TWO_THIRDS,
        f"{VILLAGE_LAW}第二十六条；R2.3e",
        VILLAGE_SINCE,
        f"{VILLAGE_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.villagers_representatives.majority",
        _("村民代表会议决定的通过人数"),
        _("到会人员"),
        MORE_THAN_HALF,
        f"{VILLAGE_LAW}第二十六条；R2.3e",
        VILLAGE_SINCE,
        f"{VILLAGE_LAW_2025}；R2.3e",
    ),
    # The 2018 urban law has no article on a residents' representatives meeting; until the
    # revision the villagers' rule was followed by analogy.
    _threshold(
        "consultation.residents_representatives.quorum",
        _("居民代表会议的到会人数"),
        _("居民代表会议组成人员"),
        TWO_THIRDS,
        f"{URBAN_LAW}未作规定，参照{VILLAGE_LAW}第二十六条；R2.3e",
        URBAN_SINCE,
        f"{URBAN_LAW_2025}；R2.3e",
    ),
    _threshold(
        "consultation.residents_representatives.majority",
        _("居民代表会议决定的通过人数"),
        _("到会人员"),
        MORE_THAN_HALF,
        f"{URBAN_LAW}未作规定，参照{VILLAGE_LAW}第二十六条；R2.3e",
        URBAN_SINCE,
        f"{URBAN_LAW_2025}；R2.3e",
    ),
    # 议事协商会、民主听证会、线上协商: no statutory quorum; the community's rules of
    # procedure decide, by default a majority of those taking part (R3.1d).
    Policy(
        key="consultation.deliberation.majority",
        label=_("议事协商会、听证会和线上协商形成意见的通过人数"),
        kind=Kind.THRESHOLD,
        unit=_("参加表决的人员"),
        versions=[
            Version(
                MORE_THAN_HALF,
                URBAN_SINCE,
                source="R3.1d 民主集中、尊重多数、保护少数；法律未规定，按社区议事规则，默认过半数",
            )
        ],
    ),
]
