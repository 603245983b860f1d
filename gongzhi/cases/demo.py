"""Demo cases (办件) for ``make run``: nineteen matters of 万佳社区 and 春阳社区 in every
state of the workflow, from the portal, the window (一窗受理) and grid patrol.

Residents (``demo_resident`` and neighbours) submit and rate their own cases; 张丽
(``demo_community``) registers at the window, accepts, dispatches to the grid worker and
verifies; 巴特尔 (``demo_grid``) reports from patrol and handles what is dispatched to
him; 李明 (``demo_township``) takes the township's matters (临时救助, 高龄津贴) and
春阳社区's; 赵刚 (``demo_county``) the county's (居住证, and 拖欠工资 sent to the 人社局).
Each step goes through ``cases.actions`` with its ``now`` in the past, so deadlines,
overdue marks and closing times are those of a real fortnight (the timeline rows
themselves are stamped when written). At the end the sweep (``do_sweep_cases``)
marks what is overdue, as ``make run``'s periodic sweep would.

Idempotent: a case whose title already exists in its community is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases import actions
from gongzhi.cases.enums import Channel
from gongzhi.cases.models import Case
from gongzhi.cases.seed import seed_categories
from gongzhi.cases.sweep import do_sweep_cases
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.residents.demo_accounts import demo_neighbours

WANJIA = "152201001001"  # 万佳社区
CHUNYANG = "152201001002"  # 春阳社区, same street
TOWNSHIP = "152201001"  # 爱国街道

# Who acts: "resident" is demo_resident, "nbN" the N-th neighbour, the rest staff.
RESIDENT, COMMUNITY_STAFF, GRID, STREET, COUNTY = (
    "resident",
    "community",
    "grid",
    "street",
    "county",
)


@dataclass(frozen=True)
class Step:
    """One transition: the action's name in ``cases.actions`` without ``do_``/``_case``,
    who takes it, how many hours before now, and its arguments."""

    action: str
    actor: str
    hours_ago: float
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    title: str
    category: str
    channel: str
    submitter: str
    hours_ago: float
    description: str
    community: str = WANJIA
    point: tuple[float, float] | None = None
    address: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    reporter_name: str = ""
    reporter_phone: str = ""
    steps: Sequence[Step] = ()


def _accept(actor: str, hours_ago: float, note: str = "") -> Step:
    return Step("accept", actor, hours_ago, {"note": note})


def _to_grid(hours_ago: float, note: str) -> Step:
    return Step("dispatch", COMMUNITY_STAFF, hours_ago, {"assignee": GRID, "note": note})


def _to_unit(actor: str, hours_ago: float, region_code: str, note: str) -> Step:
    return Step("dispatch", actor, hours_ago, {"region_code": region_code, "note": note})


def _feedback(actor: str, hours_ago: float, note: str) -> Step:
    return Step("feedback", actor, hours_ago, {"note": note})


def _close(actor: str, hours_ago: float, note: str = "") -> Step:
    return Step("verify_close", actor, hours_ago, {"note": note})


def _rate(actor: str, hours_ago: float, rating: int, comment: str = "") -> Step:
    return Step("rate", actor, hours_ago, {"rating": rating, "comment": comment})


D = 24.0  # hours in a day

PLANS: tuple[Plan, ...] = (
    # --- Closed and rated -------------------------------------------------------------
    Plan(
        "兴安家园5号楼北侧路灯不亮",
        "street-lamp",
        Channel.PORTAL,
        RESIDENT,
        14 * D,
        "兴安家园 5 号楼北侧人行道两盏路灯一直不亮，晚上下班回来一片漆黑，路面还有冰，"
        "已经有老人滑倒过。",
        address="爱国街道新桥东街 22 号兴安家园 5 号楼北侧",
        attributes={"lamp_number": "XQ-0517"},
        steps=(
            _accept(COMMUNITY_STAFF, 14 * D - 2, "已受理，安排网格员核实。"),
            _to_grid(14 * D - 3, "请联系物业电工检修，必要时报城市照明管理处。"),
            _feedback(GRID, 12 * D, "物业电工更换了两只灯泡和一处老化线路，两盏路灯已恢复照明。"),
            _close(COMMUNITY_STAFF, 11 * D, "晚上到现场查看，路灯正常。"),
            _rate(RESIDENT, 10 * D, 5, "两天就修好了，感谢网格员巴特尔。"),
        ),
    ),
    Plan(
        "楼上卫生间漏水渗到我家",
        "neighbour-dispute",
        Channel.PORTAL,
        "nb2",
        20 * D,
        "万佳小区 6 号楼 2 单元 402 卫生间漏水，渗到我家 302 的卫生间吊顶，"
        "跟楼上说了几次都说不是他家的问题。",
        steps=(
            _accept(COMMUNITY_STAFF, 20 * D - 3),
            _to_grid(20 * D - 4, "请约双方到场，联系物业查明漏点后调解。"),
            _feedback(
                GRID,
                15 * D,
                "物业闭水试验确认为 402 卫生间防水层破损。经调解，402 住户同意重做防水并承担"
                "302 吊顶维修费 800 元，双方签订调解协议。",
            ),
            _close(COMMUNITY_STAFF, 14 * D, "回访 302 住户，吊顶已修复，双方无异议。"),
            _rate("nb2", 13 * D, 4, "问题解决了，就是拖得有点久。"),
        ),
    ),
    Plan(
        "万佳小区3号楼电梯经常停运",
        "property-service",
        Channel.PORTAL,
        "nb5",
        18 * D,
        "3 号楼电梯这个月停了四次，每次都要等一两天才修，楼里有好几位腿脚不便的老人。",
        steps=(
            _accept(COMMUNITY_STAFF, 18 * D - 1),
            _to_grid(18 * D - 2, "请督促物业联系维保单位，并核实电梯年检情况。"),
            _feedback(GRID, 16 * D, "维保单位更换了门机控制板，物业承诺故障 4 小时内响应。"),
            _close(COMMUNITY_STAFF, 15 * D),
            _rate("nb5", 9 * D, 2, "修完又停了一次，物业响应还是慢，希望社区继续盯着。"),
        ),
    ),
    # --- Closed from the window and from patrol ---------------------------------------
    Plan(
        "代办城乡居民医保参保登记",
        "medical-insurance-enrolment",
        Channel.WINDOW,
        COMMUNITY_STAFF,
        9 * D,
        "居民到社区窗口为刚落户的外孙办理 2027 年度城乡居民医保参保登记，材料齐全。",
        reporter_name="宝音",
        reporter_phone="13804821576",
        steps=(
            _accept(COMMUNITY_STAFF, 9 * D - 0.5, "材料齐全，当场受理。"),
            _to_unit(COMMUNITY_STAFF, 9 * D - 1, WANJIA, "社区社保协理员办理。"),
            _feedback(COMMUNITY_STAFF, 7 * D, "已在医保系统完成参保登记，缴费 400 元。"),
            _close(GRID, 6 * D, "电话回访，居民已收到参保短信。"),
        ),
    ),
    Plan(
        "万佳小区垃圾站旁堆放装修垃圾",
        "exposed-garbage",
        Channel.GRID_PATROL,
        GRID,
        6 * D,
        "万佳小区垃圾站东侧堆放装修垃圾约 3 立方米，占用消防通道。",
        point=(122.0552, 46.0853),
        steps=(
            _accept(COMMUNITY_STAFF, 6 * D - 1),
            _to_unit(COMMUNITY_STAFF, 6 * D - 1.5, WANJIA, "通知物业当天清运。"),
            _feedback(COMMUNITY_STAFF, 5 * D, "物业已清运，并在垃圾站张贴装修垃圾投放须知。"),
            _close(GRID, 5 * D - 3, "复查现场已清理干净。"),
        ),
    ),
    # --- Pending verification ----------------------------------------------------------
    Plan(
        "金泰园单元门张贴小广告",
        "illegal-flyers",
        Channel.GRID_PATROL,
        GRID,
        3 * D,
        "金泰园 1—3 号楼单元门和楼道墙面有大量疏通管道、开锁小广告。",
        point=(122.0583, 46.0861),
        steps=(
            _accept(COMMUNITY_STAFF, 3 * D - 1),
            _to_grid(3 * D - 2, "组织志愿者清理，并记录广告上的号码报城管。"),
            _feedback(GRID, 1 * D, "已与志愿者清理 3 栋楼的小广告 120 余处，号码已报城管部门。"),
        ),
    ),
    # --- Handling ----------------------------------------------------------------------
    Plan(
        "金泰园2号楼暖气不热",
        "property-service",
        Channel.PORTAL,
        "nb1",
        1.5 * D,
        "金泰园 2 号楼 5 单元供暖以来室温只有 14 度，家里有老人和婴儿，找过物业说等热力公司。",
        steps=(
            _accept(COMMUNITY_STAFF, 1.5 * D - 2, "已受理。"),
            _to_grid(1.5 * D - 3, "请上门测温，联系热力公司排查。"),
        ),
    ),
    Plan(
        "新桥东街人行道井盖破损",
        "manhole-cover",
        Channel.GRID_PATROL,
        GRID,
        20,
        "新桥东街兴安家园门口人行道一处排水井盖破裂，已用锥桶临时围挡。",
        point=(122.0655, 46.0840),
        attributes={"kind": "sewer"},
        steps=(
            _accept(COMMUNITY_STAFF, 19),
            _to_unit(STREET, 18, TOWNSHIP, "井盖属市政设施，由街道协调市政部门更换。"),
        ),
    ),
    Plan(
        "为母亲申请居家助餐服务",
        "home-care-service",
        Channel.PORTAL,
        RESIDENT,
        2 * D,
        "我母亲 82 岁，独自住在兴安家园，腿脚不便，想申请中午送餐上门。",
        attributes={"service": ["meal"]},
        steps=(
            _accept(COMMUNITY_STAFF, 2 * D - 3, "已受理，将上门评估。"),
            _to_grid(2 * D - 4, "请上门评估老人情况，对接助餐服务商。"),
        ),
    ),
    Plan(
        "申请高龄津贴",
        "old-age-allowance",
        Channel.WINDOW,
        COMMUNITY_STAFF,
        3 * D,
        "万佳小区居民其其格今年满 80 周岁，由女儿到社区窗口代为申请高龄津贴。",
        reporter_name="其其格",
        reporter_phone="15947231088",
        steps=(
            _accept(STREET, 2 * D, "材料齐全。"),
            _to_unit(STREET, 2 * D - 1, TOWNSHIP, "街道民政办审核后报市民政局。"),
        ),
    ),
    # --- Overdue: handling past its deadline (the sweep marks it) ---------------------
    Plan(
        "楼上装修晚上十点后还在施工",
        "noise-nuisance",
        Channel.PORTAL,
        "nb7",
        12 * D,
        "万佳小区 9 号楼 601 装修，连续一周晚上十点以后还在电钻、砸墙，孩子没法睡觉。",
        steps=(
            _accept(COMMUNITY_STAFF, 12 * D - 2),
            _to_grid(12 * D - 3, "请上门劝导，必要时联系派出所。"),
        ),
    ),
    # --- Pending dispatch --------------------------------------------------------------
    Plan(
        "五一南街早市占道经营",
        "street-vending",
        Channel.GRID_PATROL,
        GRID,
        5,
        "五一南街金泰园门口早市摊点占用人行道和盲道，行人只能走机动车道。",
        point=(122.0590, 46.0827),
        attributes={"vendor": "fixed"},
        steps=(_accept(COMMUNITY_STAFF, 4, "已立案，待派遣。"),),
    ),
    Plan(
        "因病申请临时救助",
        "temporary-assistance",
        Channel.WINDOW,
        COMMUNITY_STAFF,
        6,
        "洮儿河畔家园居民那顺，丈夫突发脑梗住院，自付医疗费 3.2 万元，家庭生活困难。",
        reporter_name="那顺",
        reporter_phone="13947258803",
        attributes={"hardship": ["illness"]},
        steps=(_accept(STREET, 3, "急难型救助，先行受理。"),),
    ),
    # --- Submitted (waiting to be accepted) --------------------------------------------
    Plan(
        "开具居住证明（子女入学）",
        "residence-certificate",
        Channel.PORTAL,
        RESIDENT,
        1,
        "孩子明年秋季上小学，学校要求提供在本社区实际居住的证明。",
        attributes={"purpose": "school"},
    ),
    # --- Refused -----------------------------------------------------------------------
    Plan(
        "建议把中心广场改成收费停车场",
        "suggestion",
        Channel.PORTAL,
        "nb4",
        4 * D,
        "小区车位紧张，建议把中心广场改成收费停车场。",
        steps=(
            Step(
                "refuse",
                COMMUNITY_STAFF,
                4 * D - 3,
                {
                    "reason": "同一事项已作为议事协商议题提出，社区已答复不予协商的理由："
                    "广场属业主共有部分，改变用途须由业主大会表决。请在“议事协商”中查看。"
                },
            ),
        ),
    ),
    # --- County level (乌兰浩特市) ------------------------------------------------------
    Plan(
        "申领居住证",
        "residence-permit",
        Channel.WINDOW,
        COMMUNITY_STAFF,
        3,
        "从科右中旗来万佳社区务工的居民申领居住证，已在社区开具居住证明。",
        reporter_name="阿拉坦仓",
        reporter_phone="15148207764",
    ),
    Plan(
        "装修公司拖欠农民工工资",
        "unpaid-wages",
        Channel.PORTAL,
        "nb9",
        3 * D,
        "我在兴安家园一处装修工地干了两个月瓦工，装修公司至今拖欠工资 1.36 万元，"
        "老板电话不接。同工地还有 4 个工友被拖欠。",
        steps=(
            _accept(COUNTY, 3 * D - 4, "已受理，涉及 5 名农民工。"),
            Step(
                "dispatch",
                COUNTY,
                3 * D - 5,
                {"organisation": "兴安盟人力资源和社会保障局", "note": "请劳动保障监察立案调查。"},
            ),
        ),
    ),
    # --- 春阳社区 ------------------------------------------------------------------------
    Plan(
        "春阳路66号门前路面塌陷",
        "road-collapse",
        Channel.WINDOW,
        STREET,
        10,
        "春阳新城小区门前春阳路辅路出现约 1 平方米的塌陷坑，深约半米。",
        community=CHUNYANG,
        reporter_name="王强",
        reporter_phone="13614827390",
        address="爱国街道春阳路 66 号春阳新城门前",
        steps=(
            _accept(STREET, 9.5, "紧急事项，已设置围挡。"),
            _to_unit(STREET, 9, TOWNSHIP, "协调市政部门抢修。"),
        ),
    ),
    Plan(
        "春阳小区楼道照明损坏",
        "other-event",
        Channel.WINDOW,
        STREET,
        2,
        "春阳小区 3 号楼 1 单元 4 至 6 层声控灯不亮。",
        community=CHUNYANG,
        reporter_name="李秀英",
        reporter_phone="15504821193",
    ),
)


@dataclass
class DemoCasesResult:
    cases: int = 0
    steps: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return _("办件：新建 %(cases)d 件（办理步骤 %(steps)d 步），超期 %(overdue)d 件") % {
            "cases": self.cases,
            "steps": self.steps,
            "overdue": self.overdue,
        }


def create_demo_cases() -> DemoCasesResult:
    """Create the demo cases that do not exist yet, then sweep the deadlines. The catalogue
    is seeded first (``bootstrap`` does it too; a bare ``demo_data`` must not depend on it)."""
    seed_categories()
    result = DemoCasesResult()
    people: dict[str, User | None] = {
        RESIDENT: User.objects.filter(username="demo_resident").first(),
        COMMUNITY_STAFF: User.objects.filter(username="demo_community").first(),
        GRID: User.objects.filter(username="demo_grid").first(),
        STREET: User.objects.filter(username="demo_township").first(),
        COUNTY: User.objects.filter(username="demo_county").first(),
    }
    for index, neighbour in enumerate(demo_neighbours(), start=1):
        people[f"nb{index}"] = neighbour
    if any(people.get(key) is None for key in (COMMUNITY_STAFF, GRID, STREET)):
        return result
    now = timezone.now()
    for plan in PLANS:
        actors = {plan.submitter, *(step.actor for step in plan.steps)}
        if any(people.get(key) is None for key in actors):
            continue
        if Case.objects.filter(community__region_code=plan.community, title=plan.title).exists():
            continue
        _run(plan, people, now, result)
    if result.cases:
        result.overdue = do_sweep_cases(now=now).overdue
    return result


def _run(
    plan: Plan, people: dict[str, User | None], now: datetime, result: DemoCasesResult
) -> None:
    submitter = people[plan.submitter]
    at = now - timedelta(hours=plan.hours_ago)
    case = actions.do_submit_case(
        category=plan.category,
        title=plan.title,
        description=plan.description,
        channel=plan.channel,
        community=plan.community,
        lon=plan.point[0] if plan.point else None,
        lat=plan.point[1] if plan.point else None,
        address=plan.address,
        attributes=dict(plan.attributes),
        reporter_name=plan.reporter_name,
        reporter_phone=plan.reporter_phone,
        actor=submitter,
        now=at,
    )
    result.cases += 1
    for step in plan.steps:
        kwargs = dict(step.kwargs)
        if "assignee" in kwargs:
            kwargs["assignee"] = people[kwargs["assignee"]]
        if "organisation" in kwargs:
            kwargs["organisation"] = Organisation.objects.get(
                kind=OrganisationKind.DEPARTMENT, name=kwargs["organisation"], is_active=True
            )
        function = getattr(actions, f"do_{step.action}_case")
        case = function(
            case, actor=people[step.actor], now=now - timedelta(hours=step.hours_ago), **kwargs
        )
        result.steps += 1
