"""Demo polls (社区投票, R2.3e, R3.1f, R3.1h) for ``make run``.

- 万佳社区 2027 年惠民资金使用方向 — open, secret, online, the poll of the demo
  consultation on the same matter (in its 决策 phase, which opens voting); ``demo_resident``
  has not voted yet and can, while some neighbours have;
- 万佳社区冬季铲冰除雪责任区划分 — closed with published results: neighbours voted
  online, and residents without a portal account voted on paper at the 社区党群服务中心
  booth, whose count was entered after the close;
- 爱国街道 2027 年为民办实事项目 — a township-wide draft.

Through ``polls.actions`` only, with 张丽 (万佳社区) and 李明 (爱国街道) as staff.
``do_save_poll`` accepts only a closing time in the future, so the closed poll is opened
a week back and closed early today. Idempotent: a poll whose title exists in its region
is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.consultations.demo import WELFARE_FUND_TOPIC, demo_consultation
from gongzhi.polls import actions
from gongzhi.polls.enums import ChoiceKind, PollStatus, ResultsVisibility
from gongzhi.polls.models import Poll, Turnout
from gongzhi.residents.demo_accounts import demo_neighbours

COMMUNITY = "152201001001"  # 万佳社区
TOWNSHIP = "152201001"  # 爱国街道

OPEN_TITLE = "万佳社区2027年惠民资金使用方向"
CLOSED_TITLE = "万佳社区冬季铲冰除雪责任区划分方案"
DRAFT_TITLE = "爱国街道2027年为民办实事项目征集"
BOOTH = "社区党群服务中心投票点"


@dataclass
class DemoPollsResult:
    polls: int = 0
    online_votes: int = 0
    paper_votes: int = 0

    def __str__(self) -> str:
        return _("社区投票：新建 %(polls)d 项，网上投票 %(online)d 张，纸质投票 %(paper)d 张") % {
            "polls": self.polls,
            "online": self.online_votes,
            "paper": self.paper_votes,
        }


def create_demo_polls() -> DemoPollsResult:
    """Create the demo polls that do not exist yet."""
    result = DemoPollsResult()
    staff = User.objects.filter(username="demo_community").first()
    street = User.objects.filter(username="demo_township").first()
    neighbours = demo_neighbours()
    if staff is None or street is None or len(neighbours) < 12:
        return result
    if not Poll.objects.filter(region_code=COMMUNITY, title=OPEN_TITLE).exists():
        _open_poll(staff, neighbours, result)
    if not Poll.objects.filter(region_code=COMMUNITY, title=CLOSED_TITLE).exists():
        _closed_poll(staff, neighbours, result)
    if not Poll.objects.filter(region_code=TOWNSHIP, title=DRAFT_TITLE).exists():
        _draft_poll(street, result)
    return result


def _open_poll(staff: User, neighbours: list[User], result: DemoPollsResult) -> None:
    now = timezone.now()
    poll = actions.do_save_poll(
        region=COMMUNITY,
        title=OPEN_TITLE,
        question="2027 年社区惠民资金约 8 万元，您认为应当优先用在哪一项？"
        "投票结果将作为居民代表会议确定使用方案的依据。",
        options=[
            "楼道照明更换为声控 LED 灯",
            "增设休闲座椅和室外健身器材",
            "补贴兴安家园老年助餐点",
            "购置冬季铲冰除雪工具和融雪剂",
        ],
        opens_at=now - timedelta(days=4),
        closes_at=now + timedelta(days=10),
        is_secret=True,
        results_visibility=ResultsVisibility.AFTER_CLOSE,
        consultation=demo_consultation(WELFARE_FUND_TOPIC),
        actor=staff,
    )
    actions.do_open_poll(poll, actor=staff)
    result.polls += 1
    options = list(poll.options.values_list("pk", flat=True))
    # Eight neighbours have voted; demo_resident and the rest still can.
    for index, user in enumerate(neighbours[:8]):
        actions.do_cast_vote(poll, choices=[options[(index * 3) % len(options)]], actor=user)
        result.online_votes += 1


def _closed_poll(staff: User, neighbours: list[User], result: DemoPollsResult) -> None:
    now = timezone.now()
    poll = actions.do_save_poll(
        region=COMMUNITY,
        title=CLOSED_TITLE,
        question="今冬铲冰除雪按哪种方式划分责任区？（一人一票，网上投票与纸质投票只能选一种）",
        options=[
            "按楼栋划分，各楼栋居民和物业分段负责",
            "物业统一清扫，费用从公共收益中列支",
            "组建志愿者除雪队，社区统一调度",
        ],
        opens_at=now - timedelta(days=9),
        closes_at=now + timedelta(hours=6),
        is_secret=True,
        results_visibility=ResultsVisibility.AFTER_CLOSE,
        actor=staff,
    )
    booth = actions.do_add_booth(poll, name=BOOTH, actor=staff)
    actions.do_open_poll(poll, actor=staff)
    result.polls += 1
    options = list(poll.options.values_list("pk", flat=True))
    # 12 neighbours online: 7, 3 and 2 for the three options.
    for index, user in enumerate(neighbours[:12]):
        choice = options[0] if index < 7 else options[1] if index < 10 else options[2]
        actions.do_cast_vote(poll, choices=[choice], actor=user)
        result.online_votes += 1
    # Paper: adults of the community on the electorate who have not voted online.
    voted = set(Turnout.objects.filter(poll=poll).values_list("resident_id", flat=True))
    paper = [
        record
        for record in actions.electorate(poll, timezone.localdate()).order_by("id")[:40]
        if record.pk not in voted and record.user_id is None
    ][:6]
    for record in paper:
        actions.do_mark_paper_voter(booth, record, actor=staff)
        result.paper_votes += 1
    actions.do_close_poll(poll, actor=staff)
    if paper:
        # One ballot left blank (invalid); the valid ones go 0, 0, 1, 0, 2, 0… by option.
        valid = len(paper) - 1 if len(paper) > 1 else len(paper)
        counts = dict.fromkeys(options, 0)
        for n in range(valid):
            counts[options[(0, 0, 1, 0, 2)[n % 5]]] += 1
        actions.do_enter_booth_results(
            booth,
            ballots_issued=len(paper),
            ballots_cast=len(paper),
            invalid_ballots=len(paper) - valid,
            counts=counts,
            actor=staff,
        )
    else:
        actions.do_enter_booth_results(
            booth,
            ballots_issued=0,
            ballots_cast=0,
            invalid_ballots=0,
            counts={pk: 0 for pk in options},
            actor=staff,
        )
    poll = actions.do_publish_results(poll, actor=staff)
    assert poll.status == PollStatus.PUBLISHED


def _draft_poll(street: User, result: DemoPollsResult) -> None:
    now = timezone.now()
    actions.do_save_poll(
        region=TOWNSHIP,
        title=DRAFT_TITLE,
        question="爱国街道 2027 年拟办 3 件为民实事，请在下列项目中最多选择 3 项。",
        options=[
            "老旧小区加装电梯试点",
            "洮儿河滨河步道照明和护栏",
            "社区卫生服务站增设蒙医科",
            "中小学校门口护学岗和接送等候区",
            "冬季供暖不达标快速处置机制",
            "背街小巷路面硬化",
        ],
        choice_kind=ChoiceKind.MULTIPLE,
        max_choices=3,
        opens_at=now + timedelta(days=7),
        closes_at=now + timedelta(days=28),
        is_secret=True,
        actor=street,
    )
    result.polls += 1
