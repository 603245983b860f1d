"""The rules of law a committee election applies (DESIGN rule 5; R2.3d), each with its source.

The 2018 texts are the organic laws as amended on 2018-12-29. Both laws were revised on
2025-10-28 with effect from 2026-01-01; the versions from that day cite the revised texts by
chapter only, because their article numbering is not reproduced here. Rules that come from
Inner Mongolia's implementing measures carry ``region_code="15"``. Committee size and the
composition of the new committee are declared in ``gongzhi/organisations/policies.py`` and
reused from there (``composition_rules``).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from gongzhi.policy.registry import Kind, Policy, Threshold, Value, Version

TERM_YEARS = "election.term_years"
VOTER_AGE = "election.voter_age"
LIST_PUBLISHED_DAYS_BEFORE = "election.voter_list_published_days_before"
OBJECTION_DAYS = "election.objection_days"
OBJECTION_ANSWER_DAYS = "election.objection_answer_days"
PROXY_FILED_DAYS_BEFORE = "election.proxy_filed_days_before"
MAX_PROXIES = "election.max_proxies_per_holder"
CANDIDATE_MAY_HOLD_PROXY = "election.candidate_may_hold_proxy"
COMPETITIVE = "election.more_candidates_than_seats"
MIN_WOMEN_CANDIDATES = "election.min_women_candidates"
MINORITY_CANDIDATE = "election.minority_candidate_in_multiethnic"
NOMINEE_LEAVES_COMMITTEE = "election.nominee_leaves_election_committee"
VALID_TURNOUT = "election.valid_turnout"
ELECTED_MAJORITY = "election.elected_majority"
FURTHER_ROUND_MINIMUM = "election.further_round_minimum"
HANDOVER_DAYS = "election.handover_days"
RECALL_BY_VOTERS = "election.recall_by_voters"
RECALL_BY_REPRESENTATIVES = "election.recall_by_representatives"
RECALL_TURNOUT = "election.recall_turnout"
RECALL_MAJORITY = "election.recall_majority"
MINORITY_MEMBER = "election.minority_member_in_multiethnic"
URBAN_INDIRECT_ALLOWED = "election.urban_indirect_allowed"

SINCE_2018 = date(2018, 12, 29)  # both organic laws as amended on 2018-12-29
SINCE_2026 = date(2026, 1, 1)  # the revisions of 2025-10-28 take effect
IM_SINCE = date(2018, 12, 29)  # Inner Mongolia's measures, as applied since the 2018 laws

VILLAGE_2018 = "《中华人民共和国村民委员会组织法》（2018年修正）"
URBAN_2018 = "《中华人民共和国城市居民委员会组织法》（2018年修正）"
VILLAGE_2025 = "《中华人民共和国村民委员会组织法》（2025年修订）第三章 村民委员会的选举"
URBAN_2025 = "《中华人民共和国城市居民委员会组织法》（2025年修订）关于居民委员会选举的规定"
IM_VILLAGE = "《内蒙古自治区村民委员会选举办法》"
IM_URBAN = "《内蒙古自治区实施〈中华人民共和国城市居民委员会组织法〉办法》"
MCA_RULES = "民政部《村民委员会选举规程》"


def _both(village_clause: str, urban_clause: str) -> tuple[str, str]:
    """The 2018 and the 2026 source of a rule both laws state."""
    return (
        f"{VILLAGE_2018}{village_clause}；{URBAN_2018}{urban_clause}",
        f"{VILLAGE_2025}；{URBAN_2025}",
    )


def _national(value: Value, sources: tuple[str, str]) -> list[Version]:
    """A nationwide rule under the 2018 texts and, unchanged in value, the 2025 revisions."""
    return [
        Version(value, SINCE_2018, source=sources[0]),
        Version(value, SINCE_2026, source=sources[1]),
    ]


_MAJORITY_ART15 = (
    f"{VILLAGE_2018}第十五条：有登记参加选举的村民过半数投票，选举有效；候选人获得参加投票的"
    "村民过半数的选票，始得当选；城市社区居民委员会选举参照执行；R2.3d"
)
_RECALL_ART16 = (
    f"{VILLAGE_2018}第十六条：本村五分之一以上有选举权的村民或者三分之一以上的村民代表联名，"
    "可以提出罢免要求；罢免须有登记参加选举的村民过半数投票，并须经投票的村民过半数通过"
)
_LIST_ART14 = (
    f"{VILLAGE_2018}第十四条：登记参加选举的村民名单应当在选举日的二十日以前公布；对名单有异议的，"
    "应当自名单公布之日起五日内申诉，选举委员会应当自收到申诉之日起三日内作出处理决定，并公布处理结果；"
    "城市社区居民委员会选举参照执行"
)

POLICIES = [
    Policy(
        key=TERM_YEARS,
        label=_("委员会每届任期"),
        kind=Kind.INTEGER,
        unit=_("年"),
        versions=_national(
            5,
            _both("第十一条（村民委员会每届任期五年）", "第八条（居民委员会每届任期五年）"),
        ),
    ),
    Policy(
        key=VOTER_AGE,
        label=_("选举权年龄（截至选举日）"),
        kind=Kind.INTEGER,
        unit=_("周岁"),
        versions=_national(
            18,
            _both(
                "第十三条（年满十八周岁的村民……都有选举权和被选举权；依照法律被剥夺政治权利的人除外）",
                "第八条（年满十八周岁的本居住地区居民……都有选举权和被选举权）",
            ),
        ),
    ),
    Policy(
        key=LIST_PUBLISHED_DAYS_BEFORE,
        label=_("选民名单应在选举日前公布的天数"),
        kind=Kind.DAYS,
        versions=_national(20, (_LIST_ART14, VILLAGE_2025)),
    ),
    Policy(
        key=OBJECTION_DAYS,
        label=_("对选民名单提出异议的期限（自公布之日起）"),
        kind=Kind.DAYS,
        versions=_national(5, (_LIST_ART14, VILLAGE_2025)),
    ),
    Policy(
        key=OBJECTION_ANSWER_DAYS,
        label=_("选举委员会处理异议的期限（自收到之日起）"),
        kind=Kind.DAYS,
        versions=_national(3, (_LIST_ART14, VILLAGE_2025)),
    ),
    Policy(
        key=PROXY_FILED_DAYS_BEFORE,
        label=_("委托投票应在选举日前办理的天数"),
        kind=Kind.DAYS,
        help_text=_("0 表示选举日前办理即可。"),
        versions=[
            Version(
                0,
                SINCE_2018,
                source=f"{VILLAGE_2018}第十五条（书面委托本村有选举权的近亲属代为投票）未规定办理期限",
            ),
            Version(
                3,
                IM_SINCE,
                source=f"{IM_VILLAGE}（委托投票应在选举日三日前办理）",
                region_code="15",
            ),
        ],
    ),
    Policy(
        key=MAX_PROXIES,
        label=_("每一选民接受委托投票的上限"),
        kind=Kind.INTEGER,
        unit=_("人"),
        help_text=_("各省规定一至三人。"),
        versions=[
            Version(3, SINCE_2018, source=f"{MCA_RULES}（每一选民接受委托投票不得超过三人）"),
        ],
    ),
    Policy(
        key=CANDIDATE_MAY_HOLD_PROXY,
        label=_("候选人可以接受委托投票"),
        kind=Kind.BOOLEAN,
        versions=[
            Version(False, SINCE_2018, source=f"{MCA_RULES}（候选人不得接受委托）"),
        ],
    ),
    Policy(
        key=COMPETITIVE,
        label=_("候选人名额应当多于应选名额（差额选举）"),
        kind=Kind.BOOLEAN,
        versions=_national(
            True,
            (
                f"{VILLAGE_2018}第十五条（由登记参加选举的村民直接提名候选人，候选人名额应当多于"
                "应选名额）；城市社区居民委员会选举参照执行",
                VILLAGE_2025,
            ),
        ),
    ),
    Policy(
        key=MIN_WOMEN_CANDIDATES,
        label=_("候选人中至少应有的妇女"),
        kind=Kind.INTEGER,
        unit=_("人"),
        versions=[
            Version(
                0,
                SINCE_2018,
                source="组织法对候选人构成未作规定（委员会成员构成见组织机构规则）",
            ),
            Version(
                1,
                IM_SINCE,
                source=f"{IM_VILLAGE}；{IM_URBAN}（候选人中应当有妇女）；R2.3d",
                region_code="15",
            ),
        ],
    ),
    Policy(
        key=MINORITY_CANDIDATE,
        label=_("多民族社区的候选人中应有人数较少的民族成员"),
        kind=Kind.BOOLEAN,
        versions=[
            Version(False, SINCE_2018, source="组织法对候选人构成未作规定"),
            Version(
                True,
                IM_SINCE,
                source=f"{IM_VILLAGE}（多民族居住的村，候选人中应当有人数较少的民族的成员）",
                region_code="15",
            ),
        ],
    ),
    Policy(
        key=NOMINEE_LEAVES_COMMITTEE,
        label=_("被提名为候选人的选举委员会成员退出选举委员会"),
        kind=Kind.BOOLEAN,
        versions=_national(
            True,
            (
                f"{VILLAGE_2018}第十二条（村民选举委员会成员被提名为村民委员会成员候选人，应当退出"
                "村民选举委员会）；城市社区居民委员会选举参照执行",
                VILLAGE_2025,
            ),
        ),
    ),
    Policy(
        key=VALID_TURNOUT,
        label=_("选举有效的投票人数"),
        kind=Kind.THRESHOLD,
        unit=_("登记参加选举的选民"),
        versions=_national(Threshold(1, 2, strict=True), (_MAJORITY_ART15, VILLAGE_2025)),
    ),
    Policy(
        key=ELECTED_MAJORITY,
        label=_("候选人当选的得票"),
        kind=Kind.THRESHOLD,
        unit=_("参加投票的选民（收回选票数）"),
        versions=_national(Threshold(1, 2, strict=True), (_MAJORITY_ART15, VILLAGE_2025)),
    ),
    Policy(
        key=FURTHER_ROUND_MINIMUM,
        label=_("另行选举当选的最低得票"),
        kind=Kind.THRESHOLD,
        unit=_("已投选票数"),
        versions=_national(
            Threshold(1, 3, strict=False),
            (
                f"{VILLAGE_2018}第十五条（当选人数不足应选名额的，不足的名额另行选举……以得票多的"
                "当选，但是所得票数不得少于已投选票数的三分之一）",
                VILLAGE_2025,
            ),
        ),
    ),
    Policy(
        key=HANDOVER_DAYS,
        label=_("新一届委员会产生后完成移交的期限"),
        kind=Kind.DAYS,
        versions=_national(
            10,
            (
                f"{VILLAGE_2018}第二十条（应当自新一届村民委员会产生之日起十日内完成移交工作）；"
                "城市社区居民委员会参照执行",
                VILLAGE_2025,
            ),
        ),
    ),
    Policy(
        key=RECALL_BY_VOTERS,
        label=_("提出罢免要求的选民联名人数"),
        kind=Kind.THRESHOLD,
        unit=_("有选举权的选民"),
        versions=_national(Threshold(1, 5, strict=False), (_RECALL_ART16, VILLAGE_2025)),
    ),
    Policy(
        key=RECALL_BY_REPRESENTATIVES,
        label=_("提出罢免要求的代表联名人数"),
        kind=Kind.THRESHOLD,
        unit=_("居民（村民）代表"),
        versions=_national(Threshold(1, 3, strict=False), (_RECALL_ART16, VILLAGE_2025)),
    ),
    Policy(
        key=RECALL_TURNOUT,
        label=_("罢免投票有效的投票人数"),
        kind=Kind.THRESHOLD,
        unit=_("登记参加选举的选民"),
        versions=_national(Threshold(1, 2, strict=True), (_RECALL_ART16, VILLAGE_2025)),
    ),
    Policy(
        key=RECALL_MAJORITY,
        label=_("罢免通过的票数"),
        kind=Kind.THRESHOLD,
        unit=_("参加投票的选民"),
        versions=_national(Threshold(1, 2, strict=True), (_RECALL_ART16, VILLAGE_2025)),
    ),
    Policy(
        key=MINORITY_MEMBER,
        label=_("多民族社区的委员会中应有人数较少的民族的成员"),
        kind=Kind.BOOLEAN,
        versions=_national(
            True,
            (
                f"{VILLAGE_2018}第六条（多民族村民居住的村应当有人数较少的民族的成员）；"
                "城市社区居民委员会参照执行",
                VILLAGE_2025,
            ),
        ),
    ),
    Policy(
        key=URBAN_INDIRECT_ALLOWED,
        label=_("居民委员会可以由户代表或居民小组代表选举产生"),
        kind=Kind.BOOLEAN,
        help_text=_("否则只能由选民直接选举；村（嘎查）民委员会一律由村民直接选举（R2.3d）。"),
        versions=_national(
            True,
            (
                f"{URBAN_2018}第八条（居民委员会主任、副主任和委员，由本居住地区全体有选举权的"
                "居民或者由每户派代表选举产生；根据居民意见，也可以由每个居民小组选举代表二至三人"
                "选举产生）",
                URBAN_2025,
            ),
        ),
    ),
]
