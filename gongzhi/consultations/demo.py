"""Demo consultations (议事协商, R2.3e, R3.1a, R3.1c, R3.1d) for ``make run``.

万佳社区 (152201001001) gets topics in every state a newcomer should see:

- 非机动车充电棚 — proposed by ``demo_resident``, supported and commented on by
  neighbours, taken into a residents' meeting (居民会议) whose decision is adopted with a
  quorum of households, now being carried out: three items with progress, one overdue;
- 金泰园门前积水点改造 — carried out, reported back (结果反馈) and rated by residents;
- 兴安家园楼道堆物清理 — a deliberation (议事协商会) with a meeting next week that
  neighbours signed up for;
- 兴安家园老年助餐点 — still being collected: supports and comments, open to
  ``demo_resident``;
- 小区内建收费停车场 — declined with the reason the proposer reads;
- 滨河北路照明和护栏 — touching 春阳社区 too, routed to 爱国街道 (R3.1a);
- 2027 年社区惠民资金使用方向 — raised by staff for a residents' representatives meeting,
  now in its 决策 phase, where residents vote in the linked poll (``polls.demo``);
- 居民公约养犬条款修订 — an online consultation (线上协商) in its 协商 phase, where residents
  take part in the linked opinion map (``opinions.demo``).

Everything goes through ``consultations.actions`` with the demo accounts as actors
(residents for what residents do, 张丽 of the community and 李明 of the street for staff
steps). Idempotent: a topic whose title already exists in the community is skipped with
everything that hangs off it. Meetings and deadlines are dated relative to today; what
an action stamps with the current time (supports, comments, phase changes) is today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.consultations import actions
from gongzhi.consultations.enums import (
    BaseKind,
    CommentKind,
    ConsultationForm,
    ItemStatus,
    ParticipantCategory,
    PhaseKey,
)
from gongzhi.consultations.models import Consultation, Meeting, Topic
from gongzhi.residents import portal as registry
from gongzhi.residents.demo_accounts import demo_neighbours

COMMUNITY = "152201001001"  # 万佳社区
NEIGHBOUR_COMMUNITY = "152201001002"  # 春阳社区, same street (爱国街道)
# The topics whose consultations the demo poll and the demo opinion map belong to.
WELFARE_FUND_TOPIC = "万佳社区2027年惠民资金使用方向"
DOG_RULES_TOPIC = "修订《万佳社区居民公约》养犬条款"


def demo_consultation(topic_title: str) -> Consultation | None:
    """The demo consultation of 万佳社区 taken in from the topic ``topic_title``."""
    return (
        Consultation.objects.filter(region_code=COMMUNITY, topic__title=topic_title)
        .order_by("id")
        .first()
    )


@dataclass
class DemoConsultationsResult:
    topics: int = 0
    consultations: int = 0
    supports: int = 0
    comments: int = 0
    titles: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _(
            "议事协商：新建议题 %(topics)d 个（纳入协商 %(c)d 个），附议 %(s)d 次，意见 %(m)d 条"
        ) % {
            "topics": self.topics,
            "c": self.consultations,
            "s": self.supports,
            "m": self.comments,
        }


@dataclass
class _Cast:
    """Who acts in the demo."""

    proposer: User  # demo_resident, or the first neighbour when it has no record
    staff: User  # 社区工作者 of 万佳社区
    street: User  # 街道工作人员 of 爱国街道
    neighbours: list[User]


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def create_demo_consultations() -> DemoConsultationsResult:
    """Create the demo topics and consultations of 万佳社区 that do not exist yet."""
    result = DemoConsultationsResult()
    staff = User.objects.filter(username="demo_community").first()
    street = User.objects.filter(username="demo_township").first()
    resident = User.objects.filter(username="demo_resident").first()
    neighbours = demo_neighbours()
    if staff is None or street is None or len(neighbours) < 12:
        return result
    proposer = (
        resident
        if resident is not None and registry.own_record(resident) is not None
        else neighbours[0]
    )
    cast = _Cast(proposer, staff, street, [n for n in neighbours if n.pk != proposer.pk])
    scenarios: list[tuple[str, Callable[[_Cast, DemoConsultationsResult], None]]] = [
        ("万佳小区增设非机动车集中充电棚", _charging_sheds),
        ("金泰园门前积水点改造", _waterlogging),
        ("兴安家园楼道堆物清理和消防通道畅通", _corridors),
        ("兴安家园开设老年助餐点", _meal_point),
        ("在万佳小区内建设收费停车场", _paid_parking),
        ("滨河北路沿河步道夜间照明和护栏", _riverside_path),
        (WELFARE_FUND_TOPIC, _welfare_fund),
        (DOG_RULES_TOPIC, _dog_rules),
    ]
    for title, scenario in scenarios:
        if Topic.objects.filter(region_code=COMMUNITY, title=title).exists():
            continue
        scenario(cast, result)
        result.topics += 1
        result.titles.append(title)
    return result


# --- Helpers -------------------------------------------------------------------------------


def _propose(proposer: User, title: str, text: str) -> Topic:
    return actions.do_propose_topic(title=title, description=text, actor=proposer)


def _support(topic: Topic, users: list[User], result: DemoConsultationsResult) -> None:
    for user in users:
        if user.pk == topic.proposer_id:
            continue
        actions.do_support_topic(topic, actor=user)
        result.supports += 1


def _comment(
    topic: Topic,
    user: User,
    body: str,
    result: DemoConsultationsResult,
    kind: str = CommentKind.COMMENT,
) -> None:
    actions.do_comment_topic(topic, body=body, kind=kind, actor=user)
    result.comments += 1


def _advance(consultation: Consultation, to: PhaseKey, actor: User) -> Consultation:
    order = list(PhaseKey)
    while order.index(PhaseKey(consultation.phase)) < order.index(to):
        consultation = actions.do_advance_phase(consultation, actor=actor)
    return consultation


def _residents_meeting(
    consultation: Consultation,
    actor: User,
    *,
    title: str,
    days_ago: int,
    agenda: str,
    base: int,
    present: int,
    minutes: str,
    motion: str,
    votes: tuple[int, int, int],
    decision: str,
    minority: str,
) -> Meeting:
    """A residents' meeting held ``days_ago`` days ago, counted against the households
    (户的代表) and decided: the law's quorum and majority are checked by the action."""
    meeting = actions.do_schedule_meeting(
        consultation,
        title=title,
        starts_at=_at(days_ago, 19),
        place="万佳社区党群服务中心二楼议事厅",
        agenda=agenda,
        actor=actor,
    )
    consultation = _advance(consultation, PhaseKey.DECIDE, actor)
    meeting = actions.do_record_attendance(
        meeting,
        base_kind=BaseKind.HOUSEHOLDS,
        base_count=base,
        present_count=present,
        minutes=minutes,
        actor=actor,
    )
    return actions.do_record_decision(
        meeting,
        motion=motion,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        decision_text=decision,
        minority_opinion=minority,
        actor=actor,
    )


# --- Scenarios -----------------------------------------------------------------------------


def _charging_sheds(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Proposed by demo_resident; adopted at a residents' meeting; being carried out, one
    item overdue."""
    nb = cast.neighbours
    topic = _propose(
        cast.proposer,
        "万佳小区增设非机动车集中充电棚",
        "小区里电动车越来越多，不少人把电动车推进楼道充电，还有从窗户往下拉电线的，"
        "冬天零下二三十度电瓶更容易出问题，去年隔壁小区就因为楼道充电着过火。"
        "建议在小区空地建两处集中充电棚，安装智能充电桩，按次扫码收费，"
        "同时清理楼道里的电动车。",
    )
    _support(topic, nb[:7], result)
    _comment(topic, nb[0], "赞成。6 号楼楼道里常年停着四五辆电动车，晚上走路都得侧身。", result)
    _comment(
        topic,
        nb[2],
        "充电棚建在 3 号楼西侧空地比较合适，离住户窗户远一些，也不占车位。",
        result,
        CommentKind.COMMENT,
    )
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.RESIDENTS_MEETING, actor=cast.staff
    )
    for category, name, affiliation in (
        (ParticipantCategory.PEOPLES_CONGRESS, "包玉兰", "乌兰浩特市人大代表"),
        (ParticipantCategory.RESIDENT_UNIT, "韩立军", "乌兰浩特市消防救援大队爱国街道消防站"),
        (ParticipantCategory.STAKEHOLDER, "刘振华", "万佳小区物业服务中心经理"),
        (ParticipantCategory.RESIDENT_REPRESENTATIVE, "巴图孟和", "万佳小区 6 号楼楼长"),
    ):
        actions.do_invite_participant(
            consultation, category=category, name=name, affiliation=affiliation, actor=cast.staff
        )
    consultation = _advance(consultation, PhaseKey.DELIBERATE, cast.staff)
    _comment(
        topic,
        nb[4],
        "充电收费要公开透明，建议一度电不超过物价部门核定的价格，收益进小区公共收益账户。",
        result,
    )
    _comment(
        topic,
        cast.staff,
        "感谢大家的意见。消防站已到现场勘查，3 号楼西侧空地符合防火间距要求，"
        "方案将提交居民会议表决。",
        result,
    )
    meeting = _residents_meeting(
        consultation,
        cast.staff,
        title="万佳社区居民会议（非机动车充电棚）",
        days_ago=40,
        agenda="一、物业公司介绍充电棚选址和收费方案\n二、消防站讲解楼道充电的危害\n"
        "三、居民发言\n四、表决",
        base=968,
        present=521,
        minutes="会议由社区党委书记主持，户的代表 521 人出席。消防站韩立军介绍了冬季电动车"
        "电池起火案例；物业服务中心介绍了两处充电棚的选址、48 个充电口和收费标准。"
        "12 位居民发言，多数赞成，部分一楼住户担心夜间噪声和照明。",
        motion="在 3 号楼西侧和 9 号楼北侧建设两处非机动车集中充电棚，清理楼道停放的电动车",
        votes=(402, 71, 48),
        decision="建设两处集中充电棚（共 48 个充电口），由物业服务中心实施；"
        "充电收费执行核定电价，收支纳入小区公共收益公开；"
        "充电棚建成后一个月内完成楼道电动车清理。",
        minority="一楼住户担心充电棚照明和夜间噪声影响休息，建议充电棚照明采用感应灯，"
        "并在靠近住户一侧种植绿篱。",
    )
    consultation = _advance(consultation, PhaseKey.IMPLEMENT, cast.staff)
    today = timezone.localdate()
    sheds = actions.do_create_item(
        consultation,
        meeting=meeting,
        title="建设 3 号楼西侧、9 号楼北侧两处充电棚并安装充电桩",
        owner_name="万佳小区物业服务中心",
        deadline=today - timedelta(days=6),
        actor=cast.staff,
    )
    actions.do_update_item(
        sheds,
        progress=60,
        status=ItemStatus.IN_PROGRESS,
        note="3 号楼西侧充电棚钢架已完工，24 个充电口已安装；"
        "9 号楼北侧因地下管线改线推迟，供电部门排期到月底接电。",
        actor=cast.staff,
    )
    extinguishers = actions.do_create_item(
        consultation,
        meeting=meeting,
        title="充电棚配置灭火器和烟感报警",
        owner_name="万佳社区居委会",
        deadline=today + timedelta(days=20),
        actor=cast.staff,
    )
    actions.do_update_item(
        extinguishers,
        progress=30,
        status=ItemStatus.IN_PROGRESS,
        note="已采购 8 具干粉灭火器，烟感报警器待充电棚完工后安装。",
        actor=cast.staff,
    )
    actions.do_create_item(
        consultation,
        meeting=meeting,
        title="充电棚建成后一个月内清理楼道停放的电动车",
        owner_name="万佳第一网格网格员",
        deadline=today + timedelta(days=45),
        actor=cast.staff,
    )
    result.consultations += 1


def _waterlogging(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Carried out, reported back and rated."""
    nb = cast.neighbours
    topic = _propose(
        nb[1],
        "金泰园门前积水点改造",
        "金泰园大门口地势低，每年七八月下大雨，门口积水能没过脚脖子，"
        "老人孩子进出只能蹚水，电动车也被泡坏过。建议把门前路面垫高，"
        "疏通雨水井，再加一个排水沟。",
    )
    _support(topic, nb[2:9], result)
    _comment(topic, nb[6], "去年七月那场雨，我家孙子上学是被抬过去的，确实该修了。", result)
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.RESIDENTS_MEETING, actor=cast.staff
    )
    consultation = _advance(consultation, PhaseKey.DELIBERATE, cast.staff)
    meeting = _residents_meeting(
        consultation,
        cast.staff,
        title="万佳社区居民会议（金泰园门前积水点改造）",
        days_ago=120,
        agenda="一、社区通报积水点勘查情况和改造方案\n二、居民发言\n三、表决",
        base=952,
        present=498,
        minutes="户的代表 498 人出席。社区通报了市政部门的勘查结论：雨水井堵塞、"
        "门前路面低于市政道路 18 厘米。方案为垫高路面、新建 30 米排水沟、疏通两处雨水井。",
        motion="实施金泰园门前积水点改造，经费从社区惠民资金中列支",
        votes=(431, 29, 38),
        decision="由社区居委会委托施工单位实施，八月底前完工，经费约 4.6 万元从惠民资金列支，"
        "支出情况纳入居务公开。",
        minority="有居民提出施工期间应保留一侧通行，避免影响老人出行。",
    )
    consultation = _advance(consultation, PhaseKey.IMPLEMENT, cast.staff)
    today = timezone.localdate()
    item = actions.do_create_item(
        consultation,
        meeting=meeting,
        title="垫高门前路面、新建排水沟、疏通雨水井",
        owner_name="万佳社区居委会",
        deadline=today - timedelta(days=80),
        actor=cast.staff,
    )
    actions.do_update_item(
        item,
        progress=50,
        status=ItemStatus.IN_PROGRESS,
        note="排水沟已开挖，施工期间保留东侧通道通行。",
        actor=cast.staff,
    )
    actions.do_update_item(
        item,
        progress=100,
        status=ItemStatus.DONE,
        note="路面已垫高 20 厘米，新建排水沟 30 米，两处雨水井已疏通，经市政部门验收合格。",
        evidence="验收单编号 WJ-2026-031\n施工前后照片已在社区公示栏张贴",
        actor=cast.staff,
    )
    consultation = _advance(consultation, PhaseKey.REPORT, cast.staff)
    actions.do_report_outcome(
        consultation,
        report="金泰园门前积水点改造已完工：路面垫高 20 厘米，新建排水沟 30 米，疏通雨水井两处，"
        "实际支出 44,860 元，已在居务公开栏公开。此后两场大雨门前未再积水。"
        "感谢居民的耐心配合。",
        actor=cast.staff,
    )
    for user, rating, comment in (
        (nb[2], 5, "下雨再也不用蹚水了，感谢社区。"),
        (nb[3], 5, ""),
        (nb[5], 4, "修得不错，就是工期比说的晚了一周。"),
        (nb[6], 5, "老人出门方便多了。"),
        (nb[8], 3, "排水沟盖板有点响，希望再处理一下。"),
    ):
        actions.do_rate_outcome(consultation, rating=rating, comment=comment, actor=user)
    result.consultations += 1


def _corridors(cast: _Cast, result: DemoConsultationsResult) -> None:
    """A deliberation in its 协商 phase, with a meeting next week residents signed up for."""
    nb = cast.neighbours
    topic = actions.do_raise_topic(
        community=COMMUNITY,
        title="兴安家园楼道堆物清理和消防通道畅通",
        description="消防检查发现兴安家园多个单元楼道堆放纸箱、旧家具和腌菜缸，"
        "部分消防通道被私家车占用。社区提议与业主、物业共同商定清理办法和长效管理规约。",
        actor=cast.staff,
    )
    _support(topic, nb[9:13], result)
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.DELIBERATION, actor=cast.staff
    )
    consultation = _advance(consultation, PhaseKey.DELIBERATE, cast.staff)
    _comment(
        topic,
        nb[10],
        "腌菜缸放楼道是老习惯了，建议物业在地下室划一块地方统一存放，不要一刀切扔掉。",
        result,
    )
    _comment(topic, nb[12], "消防通道要画线、装地锁，光靠劝没用。", result)
    meeting = actions.do_schedule_meeting(
        consultation,
        title="兴安家园楼道清理议事协商会",
        starts_at=_at(-6, 15),
        place="兴安家园 2 号楼一楼活动室",
        agenda="一、通报消防检查情况\n二、讨论地下室临时存放点方案\n三、商定楼道管理公约",
        actor=cast.staff,
    )
    for user in nb[9:14]:
        actions.do_register_for_meeting(meeting, actor=user)
    result.consultations += 1


def _meal_point(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Still being collected: supports and comments, open to demo_resident."""
    nb = cast.neighbours
    topic = _propose(
        nb[6],
        "兴安家园开设老年助餐点",
        "兴安家园 60 岁以上的老人有两百多位，不少是独居或者子女在外地，"
        "冬天出门买菜做饭都不方便。建议利用社区闲置用房开一个老年助餐点，"
        "中午供应一荤一素，能不能加上奶茶和手把肉这样的蒙餐就更好了。",
    )
    _support(topic, [nb[i] for i in (0, 1, 3, 12, 13, 17)], result)
    _comment(topic, nb[12], "支持。我和老伴都七十多了，中午能有口热饭就好。", result)
    _comment(
        topic,
        nb[16],
        "可以和附近的餐馆合作送餐，社区不一定要自己开灶，成本低一些。",
        result,
        CommentKind.COMMENT,
    )
    _comment(
        topic,
        cast.staff,
        "社区正在了解街道养老服务补贴政策，征集结束后将提交居民代表会议协商。",
        result,
    )


def _paid_parking(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Declined, with the reason the proposer reads."""
    nb = cast.neighbours
    topic = _propose(
        nb[4],
        "在万佳小区内建设收费停车场",
        "小区车位紧张，外来车辆随便停。建议把小区中心广场改成收费停车场，"
        "外来车辆按小时收费，收入用于小区维修。",
    )
    _support(topic, [nb[14]], result)
    _comment(topic, nb[7], "中心广场是老人孩子活动的地方，改成停车场不合适。", result)
    actions.do_decline_topic(
        topic,
        reason="中心广场属于业主共有部分，改变用途须由业主大会依法表决（民法典第二百七十八条），"
        "不属于居民会议协商范围。已将建议转交万佳小区业主委员会，外来车辆管理请物业先行加强。",
        actor=cast.staff,
    )


def _riverside_path(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Touches 春阳社区 too: routed to the street, which leads it (R3.1a)."""
    nb = cast.neighbours
    topic = _propose(
        nb[10],
        "滨河北路沿河步道夜间照明和护栏",
        "洮儿河滨河北路从洮儿河畔家园到春阳小区一段步道，晚上没有路灯，"
        "靠河一侧也没有护栏，晚上遛弯的老人和孩子很危险。建议加装路灯和护栏。",
    )
    _support(topic, [nb[i] for i in (11, 15, 17, 19)], result)
    _comment(topic, nb[19], "这段路春阳社区的居民也天天走，应该两个社区一起提。", result)
    actions.do_route_topic(
        topic,
        affected=[NEIGHBOUR_COMMUNITY],
        note="步道跨万佳、春阳两个社区，需协调市政和水务部门，转爱国街道牵头协商。",
        actor=cast.staff,
    )


def _welfare_fund(cast: _Cast, result: DemoConsultationsResult) -> None:
    """Raised by staff, in its 决策 phase: residents vote in the linked poll before the
    residents' representatives meeting fixes the plan."""
    nb = cast.neighbours
    topic = actions.do_raise_topic(
        community=COMMUNITY,
        title=WELFARE_FUND_TOPIC,
        description="2027 年社区惠民资金约 8 万元。社区先征集居民建议，再请全体居民网上投票，"
        "投票结果提交居民代表会议确定使用方案，使用情况纳入居务公开。",
        actor=cast.staff,
    )
    _support(topic, nb[:3], result)
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.RESIDENTS_REPRESENTATIVES, actor=cast.staff
    )
    _comment(
        topic,
        nb[5],
        "楼道灯坏了好几年了，晚上上下楼全靠手机照明，建议优先换灯。",
        result,
        CommentKind.SUGGESTION,
    )
    consultation = _advance(consultation, PhaseKey.DELIBERATE, cast.staff)
    _comment(
        topic,
        cast.staff,
        "已汇总居民建议形成四个备选方向，进入决策阶段后请大家在“社区投票”中选择。",
        result,
    )
    _advance(consultation, PhaseKey.DECIDE, cast.staff)
    result.consultations += 1


def _dog_rules(cast: _Cast, result: DemoConsultationsResult) -> None:
    """An online consultation in its 协商 phase: neighbours take part in the linked
    opinion map on dog keeping."""
    nb = cast.neighbours
    topic = actions.do_raise_topic(
        community=COMMUNITY,
        title=DOG_RULES_TOPIC,
        description="遛狗不拴绳、狗粪不清理、夜间犬吠的投诉逐年增多，也有养犬居民认为管得太严。"
        "社区提议修订居民公约中的养犬条款，先在线上听取各方意见，再提交居民代表会议。",
        actor=cast.staff,
    )
    _support(topic, [nb[i] for i in (1, 4, 7, 9)], result)
    consultation = actions.do_accept_topic(topic, form=ConsultationForm.ONLINE, actor=cast.staff)
    _advance(consultation, PhaseKey.DELIBERATE, cast.staff)
    _comment(
        topic,
        nb[8],
        "养狗的和不养狗的各有难处，希望条款能让两边都接受。",
        result,
    )
    result.consultations += 1
