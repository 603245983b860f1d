"""Demo 居务公开 (R2.3f) for ``make run``: 万佳社区's supervision committee and disclosures.

- 万佳社区居务监督委员会 with three members — residents who sit on no residents'
  committee (村民委员会组织法 第三十二条, checked by ``supervision.bar_reasons``), each with
  a portal account linked to their registry record; ``demo_supervisor`` is its director;
- published: the monthly finances of the last three full months (income and spending
  lines), the last quarter's decisions (决策事项及落实), matters done for the government
  and other matters residents care about; the oldest month's finances corrected by a
  second version (更正);
- the current month's finances as a draft, the last quarter's relief and subsidies
  (救灾救助、补贴补助) submitted and waiting for the committee's signature — so that
  category shows as 未公开 on 爱国街道's schedule flags;
- a question of ``demo_resident`` about a spending line, answered by the community, and a
  neighbour's question still waiting.

Through the actions only: drafts, submissions, publication and answers by 张丽
(``demo_community``), signatures by the supervisors. Publication is stamped with the
current time (the action allows nothing else), so how the schedule rates last periods
(按时 or 逾期) depends on the day the demo is loaded. Idempotent: the committee, its
members and each disclosure (by community, category and period) are made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.disclosures import actions, supervision
from gongzhi.disclosures.enums import Category, Direction, Status
from gongzhi.disclosures.models import Disclosure, Question, period_label
from gongzhi.organisations.actions import do_save_member, do_save_organisation
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind, Post
from gongzhi.regions.models import Region
from gongzhi.residents.demo_accounts import (
    FEMALE,
    HAN,
    MALE,
    MONGOL,
    Person,
    demo_neighbours,
    ensure_resident_account,
)

COMMUNITY = "152201001001"  # 万佳社区
COMMITTEE_NAME = "万佳社区居务监督委员会"
# (person, post): the director first; the director's account is printed by demo_data.
SUPERVISORS = (
    (Person("demo_supervisor", "白音仓", MALE, MONGOL, 62), Post.DIRECTOR),
    (Person("demo_supervisor2", "吴淑珍", FEMALE, HAN, 57), Post.MEMBER),
    (Person("demo_supervisor3", "图门吉日嘎拉", MALE, MONGOL, 45), Post.MEMBER),
)
SUPERVISOR_ACCOUNT = SUPERVISORS[0][0].username

IN, OUT = Direction.INCOME, Direction.EXPENSE
# Finance lines of the three months, oldest first: (item, direction, yuan).
MONTHS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("上级拨付社区工作经费", IN, "35,000.00"),
        ("社区惠民资金（第三批）", IN, "20,000.00"),
        ("党群服务中心一楼门面租金", IN, "2,400.00"),
        ("党群服务中心水电费", OUT, "1,862.40"),
        ("金泰园门前积水点改造工程款", OUT, "44,860.00"),
        ("办公用品和打印耗材", OUT, "1,236.50"),
        ("网格员通讯补贴（6 人）", OUT, "1,200.00"),
    ),
    (
        ("上级拨付社区工作经费", IN, "35,000.00"),
        ("党建工作经费", IN, "8,000.00"),
        ("党群服务中心一楼门面租金", IN, "2,400.00"),
        ("党群服务中心水电费", OUT, "1,540.20"),
        ("社区环境整治（清理楼道堆物、补种绿篱）", OUT, "6,800.00"),
        ("中秋、国庆走访慰问困难家庭（32 户）", OUT, "9,600.00"),
        ("“邻里那达慕”趣味运动会用品", OUT, "2,315.00"),
        ("网格员通讯补贴（6 人）", OUT, "1,200.00"),
    ),
    (
        ("上级拨付社区工作经费", IN, "35,000.00"),
        ("党群服务中心一楼门面租金", IN, "2,400.00"),
        ("党群服务中心水电费", OUT, "1,688.90"),
        ("党群服务中心冬季供暖费（预缴）", OUT, "12,450.00"),
        ("冬季铲冰除雪工具和融雪剂", OUT, "3,980.00"),
        ("消防器材（灭火器 8 具）", OUT, "1,120.00"),
        ("网格员通讯补贴（6 人）", OUT, "1,200.00"),
    ),
)
# The oldest month's rent was entered as 2,400 though the lease says 2,600.
CORRECTED_ITEM = "党群服务中心一楼门面租金"
CORRECTED_AMOUNT = "2,600.00"

GENERAL = (
    (
        Category.DECISIONS,
        "决策事项及落实情况",
        "一、居民会议决定：金泰园门前积水点改造。户的代表 498 人出席（应到 952 人），"
        "赞成 431 票，通过。已完工，实际支出 44,860 元。\n"
        "二、居民会议决定：万佳小区增设非机动车集中充电棚两处。户的代表 521 人出席"
        "（应到 968 人），赞成 402 票，通过。3 号楼西侧充电棚已完工，9 号楼北侧正在施工。\n"
        "三、社区“两委”联席会议决定：2027 年度惠民资金使用方向交由居民网上投票征求意见。",
    ),
    (
        Category.GOVERNMENT_ASSIST,
        "协助政府工作事项",
        "一、协助开展 2027 年度城乡居民医疗保险集中征缴，本社区已参保 2,316 人。\n"
        "二、协助燃气公司开展入户安全检查 986 户，发现隐患 23 处，已全部整改。\n"
        "三、协助开展秋季征兵宣传和兵役登记，登记适龄青年 41 人。\n"
        "四、协助开展高龄津贴年度资格认证，认证 87 人。",
    ),
    (
        Category.OTHER,
        "群众关心的其他事项",
        "一、今冬供暖自 10 月 15 日开始，室温不达标的可拨打热力公司服务电话或到社区反映。\n"
        "二、万佳小区物业服务费标准未调整，仍为多层住宅每月每平方米 0.55 元。\n"
        "三、社区党群服务中心冬季开放时间：工作日 8:30—17:30，周六上午值班。",
    ),
)
RELIEF_BODY = (
    "一、城乡低保：本社区在保 26 户 41 人，季度发放低保金 72,570 元。\n"
    "二、临时救助：2 户，因病、因意外事故救助 6,000 元。\n"
    "三、高龄津贴：80 周岁以上老人 87 人，季度发放 26,100 元。\n"
    "四、残疾人两项补贴：困难残疾人生活补贴 14 人、重度残疾人护理补贴 9 人。"
)


@dataclass
class DemoDisclosuresResult:
    supervisors: int = 0
    disclosures: int = 0
    published: int = 0
    questions: int = 0

    def __str__(self) -> str:
        return _(
            "居务公开：监督委员会成员 %(m)d 人，新建公开事项 %(d)d 项"
            "（已公开 %(p)d 项），居民提问 %(q)d 条"
        ) % {"m": self.supervisors, "d": self.disclosures, "p": self.published, "q": self.questions}


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(start: date) -> date:
    return _month_start(start, -1) - timedelta(days=1)


def last_quarter(today: date) -> tuple[date, date]:
    first_month = (today.month - 1) // 3 * 3 + 1
    current = date(today.year, first_month, 1)
    start = _month_start(current, 3)
    return start, current - timedelta(days=1)


def create_demo_disclosures() -> DemoDisclosuresResult:
    """Create 万佳社区's supervision committee and disclosures that do not exist yet."""
    result = DemoDisclosuresResult()
    staff = User.objects.filter(username="demo_community").first()
    community = Region.objects.filter(region_code=COMMUNITY).first()
    if staff is None or community is None:
        return result
    supervisors = _supervision_committee(community, result)
    if not supervisors:
        return result
    today = timezone.localdate()

    # The last three full months of finances, published; the oldest one corrected.
    for back, lines in zip((3, 2, 1), MONTHS, strict=True):
        start = _month_start(today, back)
        disclosure = _disclosure(
            result,
            staff,
            Category.FINANCES,
            start,
            _month_end(start),
            lines=[{"item": i, "direction": d, "amount": a} for i, d, a in lines],
        )
        if disclosure is not None:
            _publish(disclosure, staff, _rotate(supervisors, back), result)
    _correct_oldest_month(today, staff, supervisors, result)

    # The last quarter's general matters, published.
    q_start, q_end = last_quarter(today)
    for category, heading, body in GENERAL:
        disclosure = _disclosure(
            result, staff, category, q_start, q_end, heading=heading, body=body
        )
        if disclosure is not None:
            _publish(disclosure, staff, supervisors, result)

    # Relief and subsidies: submitted, waiting for the committee (so still 未公开).
    relief = _disclosure(
        result,
        staff,
        Category.RELIEF,
        q_start,
        q_end,
        heading="救灾救助、补贴补助资金发放情况",
        body=RELIEF_BODY,
    )
    if relief is not None:
        actions.do_submit_disclosure(relief, actor=staff)

    # This month's finances: a draft being filled in.
    start = _month_start(today, 0)
    _disclosure(
        result,
        staff,
        Category.FINANCES,
        start,
        _month_end(start),
        lines=[
            {"item": "上级拨付社区工作经费", "direction": IN, "amount": "35,000.00"},
            {"item": "党群服务中心水电费", "direction": OUT, "amount": "1,702.30"},
        ],
    )
    _questions(today, staff, result)
    return result


def _supervision_committee(community: Region, result: DemoDisclosuresResult) -> list[User]:
    """The committee and its members' accounts, made when missing; the accounts of the
    members who may sign, director first."""
    committee = Organisation.objects.filter(
        region__region_code=COMMUNITY,
        kind=OrganisationKind.SUPERVISION_COMMITTEE,
        is_active=True,
    ).first()
    today = timezone.localdate()
    term_start = date(today.year - 1, 4, 1)
    if committee is None:
        committee = do_save_organisation(
            Organisation(
                kind=OrganisationKind.SUPERVISION_COMMITTEE,
                name=COMMITTEE_NAME,
                region=community,
                term_start=term_start,
                term_end=date(today.year + 4, 3, 31),
            ),
            actor=None,
        )
    accounts: list[User] = []
    for person, post in SUPERVISORS:
        account = ensure_resident_account(person, community_code=COMMUNITY)
        if account is None:
            continue
        if not Membership.objects.filter(organisation=committee, user=account).exists():
            # 第三十二条: nobody on the residents' committee, nor a close relative, serves.
            if supervision.bar_reasons(supervision.Candidate(person.name, account.pk), COMMUNITY):
                continue
            do_save_member(
                Membership(
                    organisation=committee,
                    person_name=person.name,
                    post=post,
                    is_local_resident=True,
                    sex=person.sex,
                    ethnicity=person.ethnicity,
                    start_date=term_start,
                    user=account,
                ),
                actor=None,
            )
            result.supervisors += 1
        if supervision.memberships_of(account, COMMUNITY):
            accounts.append(account)
    return accounts


def _disclosure(
    result: DemoDisclosuresResult,
    staff: User,
    category: str,
    start: date,
    end: date,
    *,
    heading: str = "",
    body: str = "",
    lines: list[dict[str, str]] | None = None,
) -> Disclosure | None:
    """A new draft, or None when this category and period already has a first version."""
    if Disclosure.objects.filter(
        region_code=COMMUNITY, category=category, period_start=start, period_end=end, version=1
    ).exists():
        return None
    label = period_label(start, end)
    title = f"{label}财务收支公开" if category == Category.FINANCES else f"{label}{heading}"
    disclosure = actions.do_draft_disclosure(
        community=COMMUNITY,
        category=category,
        period_start=start,
        period_end=end,
        title=title,
        body=body,
        lines=lines or [],
        actor=staff,
    )
    result.disclosures += 1
    return disclosure


def _rotate(users: list[User], by: int) -> list[User]:
    by %= len(users)
    return users[by:] + users[:by]


def _publish(
    disclosure: Disclosure, staff: User, signers: list[User], result: DemoDisclosuresResult
) -> Disclosure:
    """Submit, have members sign until the policy's number is reached (one by default),
    and publish."""
    disclosure = actions.do_submit_disclosure(disclosure, actor=staff)
    note = (
        "已核对原始凭证，收支相符。" if disclosure.category == Category.FINANCES else "同意公开。"
    )
    for signer in signers:
        if disclosure.status != Status.SUBMITTED:
            break
        disclosure = actions.do_sign_off_disclosure(disclosure, note=note, actor=signer)
    disclosure = actions.do_publish_disclosure(disclosure, actor=staff)
    result.published += 1
    return disclosure


def _correct_oldest_month(
    today: date, staff: User, signers: list[User], result: DemoDisclosuresResult
) -> None:
    start = _month_start(today, 3)
    original = Disclosure.objects.filter(
        region_code=COMMUNITY,
        category=Category.FINANCES,
        period_start=start,
        version=1,
        status=Status.PUBLISHED,
    ).first()
    if original is None or Disclosure.objects.filter(supersedes=original).exists():
        return
    correction = actions.do_draft_correction(
        original,
        note="党群服务中心一楼门面租金按租赁合同应为每月 2,600 元，"
        "原公开误录为 2,400 元，现予更正。",
        actor=staff,
    )
    lines = [
        {
            "item": line.item,
            "direction": line.direction,
            "amount": CORRECTED_AMOUNT
            if line.item == CORRECTED_ITEM
            else f"{line.amount_fen // 100}.{line.amount_fen % 100:02d}",
        }
        for line in correction.lines.order_by("position")
    ]
    correction = actions.do_edit_disclosure(
        correction,
        category=correction.category,
        period_start=correction.period_start,
        period_end=correction.period_end,
        title=f"{correction.title}（更正）",
        body=correction.body,
        lines=lines,
        actor=staff,
    )
    result.disclosures += 1
    _publish(correction, staff, signers, result)


def _questions(today: date, staff: User, result: DemoDisclosuresResult) -> None:
    """demo_resident's question about the environment spending, answered; a neighbour's
    question on the latest month, waiting."""
    resident = User.objects.filter(username="demo_resident").first()
    neighbours = demo_neighbours(3)
    middle = Disclosure.objects.filter(
        region_code=COMMUNITY,
        category=Category.FINANCES,
        period_start=_month_start(today, 2),
        status=Status.PUBLISHED,
    ).first()
    latest = Disclosure.objects.filter(
        region_code=COMMUNITY,
        category=Category.FINANCES,
        period_start=_month_start(today, 1),
        status=Status.PUBLISHED,
    ).first()
    if (
        middle is not None
        and resident is not None
        and not Question.objects.filter(disclosure=middle).exists()
    ):
        question = actions.do_ask_question(
            middle,
            text="“社区环境整治”支出 6,800 元，具体清理了哪些楼道、补种了多少绿篱？",
            actor=resident,
        )
        actions.do_answer_question(
            question,
            answer="您好！这笔支出包括：清运兴安家园 1—5 号楼楼道堆物 14 车，支付清运费 3,200 元；"
            "万佳小区中心广场补种水蜡绿篱 120 米，苗木和人工费 3,600 元。"
            "原始凭证可在工作日到社区党群服务中心查阅。",
            actor=staff,
        )
        result.questions += 1
    if (
        latest is not None
        and len(neighbours) >= 3
        and not Question.objects.filter(disclosure=latest).exists()
    ):
        actions.do_ask_question(
            latest,
            text="冬季供暖费预缴 12,450 元是按多少平方米计算的？",
            actor=neighbours[2],
        )
        result.questions += 1
