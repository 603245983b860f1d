"""Demo opinion map (意见地图, R3.1d, R2.3e) for ``make run``.

万佳社区's open conversation on dog keeping (文明养犬) — a matter on which neighbours
really do fall into camps: dog owners, older residents and parents who worry about
safety, and those between. Twelve statements written by staff, one statement a resident
added that waits for moderation, and the votes of about twenty neighbours, each of whom
leans to one camp (with some noise and skipped statements). The map is computed at the
end, so the console and the portal show two or three groups, their representative
statements and what everyone agrees on. ``demo_resident`` has not voted and can. The map
belongs to the demo online consultation on the residents' rules on dogs, in its 协商
phase (which opens commenting).

Through ``opinions.actions`` only (staff 张丽; residents vote themselves). Idempotent: a
conversation with this title in the community is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.consultations.demo import DOG_RULES_TOPIC, demo_consultation
from gongzhi.opinions import actions
from gongzhi.opinions.models import Conversation
from gongzhi.residents.demo_accounts import demo_neighbours

COMMUNITY = "152201001001"  # 万佳社区
TITLE = "万佳社区文明养犬怎么管？"

# (statement, stance of dog owners, of worried neighbours, of the middle): 1 agree,
# -1 disagree, 0 pass.
STATEMENTS: tuple[tuple[str, int, int, int], ...] = (
    ("所有犬只都应当办理养犬登记并按时接种狂犬疫苗。", 1, 1, 1),
    ("遛狗必须拴绳，绳长不超过两米。", 1, 1, 1),
    ("小区应当划定专门的遛狗区域和时段。", 1, -1, 1),
    ("大型犬、烈性犬不应在小区内饲养。", -1, 1, 1),
    ("电梯里应当设置“携犬乘梯”标识，遛狗的居民主动避让老人孩子。", 1, 1, 1),
    ("狗粪不清理的，应当在小区公示栏曝光。", -1, 1, 1),
    ("每户最多只能养一条狗。", -1, 1, -1),
    ("早上七点以前、晚上十点以后不应在小区里遛狗。", -1, 1, 0),
    ("流浪猫狗应当由社区联系救助站统一收容，不应由居民私自投喂。", -1, 1, 1),
    ("养狗能陪伴独居老人，社区不应过多限制。", 1, -1, 0),
    ("应当成立养犬居民自律小组，由养犬户自己监督。", 1, -1, 1),
    ("犬只伤人的，养犬人应承担全部医疗费用。", 1, 1, 1),
)
RESIDENT_STATEMENT = "建议在中心广场设置拾便袋箱，方便遛狗的居民随手清理。"
# Camps of the voting neighbours, in NEIGHBOURS order: 8 owners, 7 worried, 5 between.
CAMPS = (0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 2, 0, 1, 1, 0, 2, 0, 1, 2, 0)
NOISE = 0.12  # share of votes that do not follow the camp
SKIP = 0.15  # share of statements a voter does not get to


@dataclass
class DemoOpinionsResult:
    conversations: int = 0
    statements: int = 0
    votes: int = 0
    groups: int = 0

    def __str__(self) -> str:
        return _("意见地图：新建 %(c)d 个，观点 %(s)d 条，表态 %(v)d 次，分为 %(g)d 组") % {
            "c": self.conversations,
            "s": self.statements,
            "v": self.votes,
            "g": self.groups,
        }


def create_demo_opinions(seed: int = 0) -> DemoOpinionsResult:
    """Create the demo conversation with its votes and computed map, once."""
    result = DemoOpinionsResult()
    staff = User.objects.filter(username="demo_community").first()
    neighbours = demo_neighbours()
    if staff is None or len(neighbours) < len(CAMPS):
        return result
    if Conversation.objects.filter(region_code=COMMUNITY, title=TITLE).exists():
        return result
    conversation = actions.do_create_conversation(
        region=COMMUNITY,
        title=TITLE,
        description="近年小区养狗的居民越来越多，遛狗不拴绳、狗粪不清理、夜间犬吠等问题"
        "常有投诉，也有养犬居民觉得管得太严。社区想听听大家的看法：请对下面每条观点表态"
        "（同意、不同意或跳过），也可以提出新的观点。征集结果将提交居民代表会议，"
        "作为修订《万佳社区居民公约》养犬条款的参考。",
        statements=[text for text, *_stances in STATEMENTS],
        allow_statements=True,
        moderate_first=True,
        consultation=demo_consultation(DOG_RULES_TOPIC),
        actor=staff,
    )
    result.conversations = 1
    result.statements = len(STATEMENTS)
    statements = list(conversation.statements.order_by("id"))
    rng = random.Random(seed)  # noqa: S311  (synthetic votes, not security)
    for user, camp in zip(neighbours, CAMPS, strict=False):
        for statement, (_text, *stances) in zip(statements, STATEMENTS, strict=True):
            if rng.random() < SKIP:
                continue
            value = stances[camp]
            if rng.random() < NOISE:
                value = rng.choice((1, -1, 0))
            actions.do_vote(statement, value, actor=user)
            result.votes += 1
    # A resident's own statement, waiting for moderation (先审后发).
    actions.do_add_statement(conversation, text=RESIDENT_STATEMENT, actor=neighbours[2])
    snapshot = actions.do_compute_opinion_map(conversation, actor=staff)
    result.groups = int(snapshot.data.get("k") or 0)
    return result
