"""The rules of law a poll applies (DESIGN rule 5), each with its source.

- ``polls.valid_turnout``: a poll that says so (``Poll.requires_turnout``) counts only when
  more than half of those entitled to vote took part — the rule of the residents' and
  villagers' meetings, whose decisions a community poll stands in for (R2.3e).
- ``polls.decision_majority``: an option is carried when it has the votes of more than
  half of those who voted (出席人的过半数).
- ``polls.voting_age``: who counts as an adult for a poll limited to adults.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from gongzhi.policy.registry import Kind, Policy, Threshold, Version

VALID_TURNOUT = "polls.valid_turnout"
DECISION_MAJORITY = "polls.decision_majority"
VOTING_AGE = "polls.voting_age"

_MEETINGS = (
    "《中华人民共和国城市居民委员会组织法》第十条（居民会议须有十八周岁以上居民、户的代表或"
    "居民小组选举的代表的过半数出席）；《中华人民共和国村民委员会组织法》第二十二条（村民会议"
    "应当有本村十八周岁以上村民的过半数或三分之二以上的户的代表参加）；R2.3e"
)

POLICIES = [
    Policy(
        key=VALID_TURNOUT,
        label=_("投票有效的参加人数"),
        kind=Kind.THRESHOLD,
        unit=_("本次投票有投票资格的居民"),
        help_text=_("只适用于设定了“须过半数参加方为有效”的投票。"),
        versions=[Version(Threshold(1, 2, strict=True), date(1990, 1, 1), source=_MEETINGS)],
    ),
    Policy(
        key=DECISION_MAJORITY,
        label=_("选项获得通过的票数"),
        kind=Kind.THRESHOLD,
        unit=_("参加投票的人数"),
        versions=[
            Version(
                Threshold(1, 2, strict=True),
                date(1990, 1, 1),
                source=(
                    "《中华人民共和国城市居民委员会组织法》第十条（会议的决定，由出席人的过半数"
                    "通过）；《中华人民共和国村民委员会组织法》第二十二条（经到会人员的过半数通过）"
                ),
            )
        ],
    ),
    Policy(
        key=VOTING_AGE,
        label=_("成年年龄"),
        kind=Kind.INTEGER,
        unit=_("周岁"),
        versions=[
            Version(
                18,
                date(1990, 1, 1),
                source=(
                    "《中华人民共和国民法典》第十七条（十八周岁以上的自然人为成年人）；"
                    "《中华人民共和国城市居民委员会组织法》第十条（居民会议由十八周岁以上的居民组成）"
                ),
            )
        ],
    ),
]
