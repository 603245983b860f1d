"""The seeded category set (办件事项): what a new deployment starts with.

Four families, each a list of ``Category`` rows:

- the **service catalogue** for residents (R3.2e 一窗受理, R3.6b 一号申请): certificates,
  social assistance (低保, 临时救助), allowances (高龄津贴, 残疾人两项补贴), employment and
  medical insurance, residence permits, home care, and information corrections;
- **grid events after GB/T 30428** (数字化城市管理): the event classes 市容环境, 宣传广告,
  施工管理, 街面秩序, 突发事件, 其他, with public facilities as components (部件);
- **rural and pastoral** matters of a league of farms and grasslands (农村牧区):
  grassland and land disputes, drinking water, straw burning, animal disease, grazing bans;
- **complaints and suggestions** (诉求, the 12345 hotline's kinds).

TIME LIMITS AND RESPONSIBLE LEVELS ARE DEFAULTS TO BE CONFIGURED. They follow common
practice (民政部《最低生活保障审核确认办法》 gives 30 working days for 低保; 12345
hotlines commonly accept within 1–2 working hours, urgent events within 1 hour and solve
ordinary ones within 5 working days), but each league and county sets its own
commitments in the console. ``seed_categories()`` never overwrites a category that
exists (by code), so what the console changed stays changed; re-running only adds the
categories that are missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongzhi.cases.enums import CaseKind, ResponsibleLevel, TimeUnit
from gongzhi.cases.models import Category
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import OrganisationKind

K = CaseKind
L = ResponsibleLevel
H = TimeUnit.WORKING_HOURS
D = TimeUnit.WORKING_DAYS


def attribute(
    code: str,
    description: str,
    datatype: str = "string",
    *,
    required: bool = False,
    order: int = 1,
    values: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """One extra field in the Open311 service-definition shape."""
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": description,
        "values": [{"key": key, "name": name} for key, name in (values or [])],
    }


def _c(
    code: str,
    name: str,
    kind: str,
    group: str,
    level: str = L.COMMUNITY,
    *,
    accept: tuple[str, int, int] = (H, 8, 2),
    resolve: tuple[str, int, int] = (D, 5, 1),
    department: str = "",
    responsible_kind: str = "",
    documents: tuple[str, ...] = (),
    attributes: tuple[dict[str, Any], ...] = (),
    keywords: str = "",
    description: str = "",
    escalate: bool = False,
    reopen_days: int = 7,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "group": group,
        "responsible_level": level,
        "responsible_department": department,
        "responsible_kind": responsible_kind,
        "accept_unit": accept[0],
        "accept_normal": accept[1],
        "accept_urgent": accept[2],
        "resolve_unit": resolve[0],
        "resolve_normal": resolve[1],
        "resolve_urgent": resolve[2],
        "required_documents": list(documents),
        "attributes": list(attributes),
        "keywords": keywords,
        "description": description,
        "escalate_after_overdue": escalate,
        "reopen_days": reopen_days,
    }


ID_CARD = "居民身份证"
HUKOU = "户口簿"
COMMITTEE = OrganisationKind.RESIDENTS_COMMITTEE
OFFICE = OrganisationKind.TOWNSHIP_OFFICE
DEPT = OrganisationKind.DEPARTMENT

SERVICES = [
    _c(
        "residence-certificate",
        "居住证明",
        K.SERVICE,
        "证明服务",
        accept=(H, 4, 1),
        resolve=(D, 1, 1),
        documents=(ID_CARD, "户口簿或房产证、租房合同"),
        attributes=(
            attribute(
                "purpose",
                "证明用途",
                "singlevaluelist",
                required=True,
                values=[
                    ("school", "子女入学"),
                    ("job", "就业"),
                    ("social", "社保医保"),
                    ("other", "其他"),
                ],
            ),
        ),
        keywords="证明 居住 开证明",
        description="由社区出具本人在辖区实际居住的证明。",
        responsible_kind=COMMITTEE,
    ),
    _c(
        "minimum-living-allowance",
        "低保申请",
        K.SERVICE,
        "社会救助",
        L.TOWNSHIP,
        accept=(D, 1, 1),
        resolve=(D, 30, 15),
        department="盟民政局",
        responsible_kind=OFFICE,
        documents=(ID_CARD, HUKOU, "家庭收入和财产状况声明", "家庭经济状况核对授权书"),
        attributes=(
            attribute("household_size", "共同生活家庭成员人数", "number", required=True),
            attribute("monthly_income", "家庭月收入（元）", "number", required=True, order=2),
        ),
        keywords="低保 最低生活保障 救助",
        description="乡镇（街道）受理、调查核实，旗县市民政部门审核确认。",
    ),
    _c(
        "old-age-allowance",
        "高龄津贴",
        K.SERVICE,
        "社会福利",
        L.TOWNSHIP,
        accept=(D, 1, 1),
        resolve=(D, 20, 10),
        department="盟民政局",
        responsible_kind=OFFICE,
        documents=(ID_CARD, HUKOU, "本人银行账户"),
        keywords="高龄 老年 津贴 80岁",
    ),
    _c(
        "disability-subsidies",
        "残疾人两项补贴",
        K.SERVICE,
        "社会福利",
        L.TOWNSHIP,
        accept=(D, 1, 1),
        resolve=(D, 20, 10),
        department="盟民政局",
        responsible_kind=OFFICE,
        documents=(ID_CARD, "第二代残疾人证", HUKOU),
        attributes=(
            attribute(
                "subsidy",
                "申请补贴",
                "multivaluelist",
                required=True,
                values=[("living", "困难残疾人生活补贴"), ("care", "重度残疾人护理补贴")],
            ),
        ),
        keywords="残疾 两项补贴 护理补贴",
    ),
    _c(
        "temporary-assistance",
        "临时救助",
        K.SERVICE,
        "社会救助",
        L.TOWNSHIP,
        accept=(H, 4, 1),
        resolve=(D, 10, 1),
        department="盟民政局",
        responsible_kind=OFFICE,
        documents=(ID_CARD, "困难情况说明"),
        attributes=(
            attribute(
                "hardship",
                "困难类型",
                "multivaluelist",
                required=True,
                values=[
                    ("disaster", "火灾、交通事故等意外"),
                    ("illness", "重大疾病"),
                    ("expense", "生活必需支出突增"),
                    ("other", "其他"),
                ],
            ),
        ),
        keywords="救助 急难 困难",
        description="急难型救助可先行救助、后补手续。",
    ),
    _c(
        "employment-registration",
        "就业登记",
        K.SERVICE,
        "就业服务",
        accept=(H, 8, 2),
        resolve=(D, 5, 2),
        department="盟人社局",
        responsible_kind=COMMITTEE,
        documents=(ID_CARD, "劳动合同或用工证明"),
        keywords="就业 失业 登记 就业创业证",
    ),
    _c(
        "medical-insurance-enrolment",
        "城乡居民医保参保",
        K.SERVICE,
        "社会保障",
        accept=(H, 8, 2),
        resolve=(D, 5, 2),
        responsible_kind=COMMITTEE,
        documents=(ID_CARD, HUKOU),
        keywords="医保 参保 医疗保险",
    ),
    _c(
        "residence-permit",
        "居住证申领",
        K.SERVICE,
        "流动人口服务",
        L.COUNTY,
        accept=(D, 1, 1),
        resolve=(D, 15, 10),
        department="盟公安局",
        responsible_kind=DEPT,
        documents=(ID_CARD, "近期免冠照片", "居住证明"),
        keywords="居住证 流动人口 暂住",
    ),
    _c(
        "home-care-service",
        "居家养老服务申请",
        K.SERVICE,
        "养老服务",
        accept=(D, 1, 1),
        resolve=(D, 10, 3),
        responsible_kind=COMMITTEE,
        documents=(ID_CARD,),
        attributes=(
            attribute(
                "service",
                "需要的服务",
                "multivaluelist",
                required=True,
                values=[
                    ("meal", "助餐"),
                    ("clean", "助洁"),
                    ("bath", "助浴"),
                    ("medical", "助医"),
                ],
            ),
        ),
        keywords="养老 老人 助餐",
    ),
    _c(
        "resident-information-correction",
        "居民信息更正",
        K.CORRECTION,
        "信息更正",
        accept=(D, 1, 1),
        resolve=(D, 5, 2),
        responsible_kind=COMMITTEE,
        documents=(ID_CARD, "能证明正确信息的材料"),
        attributes=(
            attribute("field", "需更正的信息项", "string", required=True),
            attribute("correct_value", "正确内容", "text", required=True, order=2),
        ),
        keywords="更正 错误 信息有误",
        description="居民发现社区登记的本人信息有误时申请更正。",
    ),
]

_EVENT_LIMITS: dict[str, Any] = {"accept": (H, 2, 1), "resolve": (D, 3, 1)}
_URGENT_LIMITS: dict[str, Any] = {"accept": (H, 1, 1), "resolve": (H, 8, 2), "escalate": True}

EVENTS = [
    # 市容环境
    _c("exposed-garbage", "暴露垃圾", K.EVENT, "市容环境", **_EVENT_LIMITS, keywords="垃圾 堆放"),
    _c("dirty-road", "道路不洁", K.EVENT, "市容环境", **_EVENT_LIMITS, keywords="路面 脏"),
    _c("green-space-mess", "绿地脏乱", K.EVENT, "市容环境", **_EVENT_LIMITS),
    _c("open-burning", "露天焚烧", K.EVENT, "市容环境", **_EVENT_LIMITS, escalate=True),
    # 宣传广告
    _c("illegal-flyers", "违规张贴小广告", K.EVENT, "宣传广告", **_EVENT_LIMITS),
    _c("illegal-outdoor-ads", "违规户外广告", K.EVENT, "宣传广告", L.TOWNSHIP, **_EVENT_LIMITS),
    # 施工管理
    _c("construction-noise", "施工扰民", K.EVENT, "施工管理", L.TOWNSHIP, **_EVENT_LIMITS),
    _c("construction-occupying-road", "施工占道", K.EVENT, "施工管理", L.TOWNSHIP, **_EVENT_LIMITS),
    _c("muck-spill", "渣土运输遗撒", K.EVENT, "施工管理", L.TOWNSHIP, **_EVENT_LIMITS),
    # 街面秩序
    _c(
        "street-vending",
        "占道经营",
        K.EVENT,
        "街面秩序",
        **_EVENT_LIMITS,
        attributes=(
            attribute(
                "vendor",
                "经营类型",
                "singlevaluelist",
                required=True,
                values=[("fixed", "固定摊点"), ("mobile", "流动摊贩"), ("shop", "店外经营")],
            ),
        ),
    ),
    _c("illegal-parking", "违章停车", K.EVENT, "街面秩序", **_EVENT_LIMITS),
    # 突发事件: urgent by nature, escalated when overdue.
    _c("road-collapse", "路面塌陷", K.EVENT, "突发事件", L.TOWNSHIP, **_URGENT_LIMITS),
    _c("water-main-burst", "供水管道破裂", K.EVENT, "突发事件", L.TOWNSHIP, **_URGENT_LIMITS),
    _c("gas-leak", "燃气泄漏", K.EVENT, "突发事件", L.TOWNSHIP, **_URGENT_LIMITS),
    _c("waterlogging", "道路积水", K.EVENT, "突发事件", **_URGENT_LIMITS),
    # 公共设施 (components, 部件)
    _c(
        "manhole-cover",
        "井盖缺失或破损",
        K.EVENT,
        "公共设施",
        **_EVENT_LIMITS,
        escalate=True,
        attributes=(
            attribute(
                "kind",
                "井盖类别",
                "singlevaluelist",
                values=[("water", "给水"), ("sewer", "排水"), ("power", "电力"), ("other", "其他")],
            ),
        ),
    ),
    _c(
        "street-lamp",
        "路灯不亮",
        K.EVENT,
        "公共设施",
        **_EVENT_LIMITS,
        attributes=(attribute("lamp_number", "路灯编号（灯杆上的编号）"),),
    ),
    _c("fitness-equipment", "健身器材损坏", K.EVENT, "公共设施", **_EVENT_LIMITS),
    _c("bus-shelter", "公交站亭破损", K.EVENT, "公共设施", L.TOWNSHIP, **_EVENT_LIMITS),
    # 其他
    _c("other-event", "其他事件", K.EVENT, "其他", **_EVENT_LIMITS),
]

RURAL = [
    _c(
        "grassland-dispute",
        "草场或土地纠纷",
        K.EVENT,
        "农村牧区",
        L.TOWNSHIP,
        accept=(D, 1, 1),
        resolve=(D, 15, 5),
        escalate=True,
        department="盟农牧业局",
        attributes=(
            attribute("area_mu", "涉及面积（亩）", "number"),
            attribute("parties", "涉及户数", "number", order=2),
        ),
        keywords="草场 草牧场 土地 边界 纠纷",
    ),
    _c(
        "drinking-water-safety",
        "饮水安全",
        K.EVENT,
        "农村牧区",
        L.TOWNSHIP,
        accept=(H, 2, 1),
        resolve=(D, 5, 1),
        escalate=True,
        keywords="饮水 水井 水质 停水",
    ),
    _c(
        "straw-burning",
        "秸秆焚烧",
        K.EVENT,
        "农村牧区",
        accept=(H, 1, 1),
        resolve=(H, 4, 2),
        escalate=True,
        keywords="秸秆 焚烧 烧荒",
    ),
    _c(
        "animal-epidemic",
        "牲畜疫情报告",
        K.EVENT,
        "农村牧区",
        L.COUNTY,
        accept=(H, 1, 1),
        resolve=(D, 3, 1),
        escalate=True,
        department="盟农牧业局",
        attributes=(
            attribute(
                "animal",
                "畜种",
                "singlevaluelist",
                required=True,
                values=[("cattle", "牛"), ("sheep", "羊"), ("horse", "马"), ("pig", "猪")],
            ),
            attribute("count", "发病数量（头、只）", "number", order=2),
        ),
        keywords="疫情 牲畜 死亡 病畜",
    ),
    _c(
        "grazing-ban-violation",
        "禁牧休牧违规",
        K.EVENT,
        "农村牧区",
        L.TOWNSHIP,
        accept=(H, 4, 1),
        resolve=(D, 5, 2),
        keywords="禁牧 休牧 偷牧",
    ),
    _c(
        "rural-road-damage",
        "村道损毁",
        K.EVENT,
        "农村牧区",
        L.TOWNSHIP,
        accept=(H, 8, 2),
        resolve=(D, 15, 3),
        keywords="道路 村道 损坏",
    ),
]

COMPLAINTS = [
    _c(
        "property-service",
        "物业服务投诉",
        K.COMPLAINT,
        "诉求",
        accept=(H, 4, 1),
        resolve=(D, 5, 2),
        keywords="物业 供暖 电梯",
    ),
    _c(
        "noise-nuisance",
        "噪声扰民",
        K.COMPLAINT,
        "诉求",
        accept=(H, 4, 1),
        resolve=(D, 3, 1),
        keywords="噪音 吵",
    ),
    _c(
        "neighbour-dispute",
        "邻里纠纷",
        K.COMPLAINT,
        "诉求",
        accept=(H, 8, 2),
        resolve=(D, 10, 3),
        keywords="邻居 矛盾 调解",
    ),
    _c(
        "unpaid-wages",
        "拖欠工资",
        K.COMPLAINT,
        "诉求",
        L.COUNTY,
        accept=(D, 1, 1),
        resolve=(D, 15, 5),
        escalate=True,
        department="盟人社局",
        keywords="欠薪 工资 农民工",
    ),
    _c(
        "service-complaint",
        "政务服务投诉",
        K.COMPLAINT,
        "诉求",
        L.TOWNSHIP,
        accept=(D, 1, 1),
        resolve=(D, 10, 3),
        keywords="态度 推诿 办事难",
    ),
    _c(
        "suggestion",
        "意见建议",
        K.COMPLAINT,
        "诉求",
        accept=(D, 1, 1),
        resolve=(D, 15, 5),
        keywords="建议 意见",
    ),
]

CATEGORIES: list[dict[str, Any]] = SERVICES + EVENTS + RURAL + COMPLAINTS


@dataclass
class SeedResult:
    created: int = 0
    kept: int = 0

    def __str__(self) -> str:
        return f"办件事项新建 {self.created} 个，已有 {self.kept} 个保持不变"


@transaction.atomic
def seed_categories(categories: list[dict[str, Any]] | None = None) -> SeedResult:
    """Create the seeded categories that do not exist yet (by code); change nothing else.

    Records one ledger event when it created any.
    """
    result = SeedResult()
    existing = set(Category.objects.values_list("code", flat=True))
    new = []
    for order, data in enumerate(categories or CATEGORIES, start=1):
        if data["code"] in existing:
            result.kept += 1
            continue
        new.append(Category(order=order * 10, **data))
    Category.objects.bulk_create(new)
    result.created = len(new)
    if new:
        record_event(
            EventType.CASE_CATEGORIES_SEEDED,
            object_type="cases.category",
            summary={"created": result.created, "codes": [c.code for c in new][:100]},
        )
    return result
