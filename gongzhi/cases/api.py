"""Cases over the REST API (``/api/v1/cases``, ``/api/v1/case-categories``).

The same reads and writes as the console and the portal: lists come from
``cases.queries`` (``cases_for`` — the ``cases.view_case`` rule as a filter — and the
staff inboxes), one case from ``access_case_by_number`` (404 outside the caller's
jurisdiction, exactly like a number that does not exist), and every step is the
action of ``cases.actions`` that the pages call, so the workflow table and its
permissions are checked once, in one place. A step the caller may not take is 403
``permission_denied``; a step not possible now, or bad input, is 422
``validation_error`` with the Chinese reason per field.

Lists page by keyset (``after``: the ``next`` value of the previous page), newest first
(due boxes: most urgent first), so a page costs the same at any depth; ``count`` is
exact up to ``COUNT_CAP`` and stops there (a league-wide COUNT would read every row).
"""

# No ``from __future__ import annotations``: ninja reads the views' ``Query[...]``
# parameters at import time.
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.accounts.models import Role, User
from gongzhi.api.errors import ApiError, errors, summarise
from gongzhi.api.pagination import LimitOffsetPagination
from gongzhi.cases import actions, queries
from gongzhi.cases.attachments import attachments_for
from gongzhi.cases.enums import CaseAction, CaseKind, CaseStatus, Channel, Urgency
from gongzhi.cases.models import Case, Category
from gongzhi.organisations.models import Organisation

router = Router(tags=["办件"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_CAP = 10_000
BOX_KEYS = tuple(box.key for box in queries.BOXES)
ACTIONS = tuple(a.value for a in CaseAction if a not in (CaseAction.SUBMIT, CaseAction.MARK_DUE))


# --- Schemas ---------------------------------------------------------------------------------


class CodeLabel(Schema):
    code: str
    label: str


class NamedRef(Schema):
    id: int
    name: str


class PlaceOut(Schema):
    code: str = Field(description="辖区编码")
    name: str


class CategoryRef(Schema):
    code: str = Field(description="事项编码（Open311 service_code）")
    name: str


class CaseBriefOut(Schema):
    """办件（列表项）"""

    number: str = Field(description="办件编号")
    kind: CodeLabel = Field(description="办件类别")
    category: CategoryRef
    title: str
    status: CodeLabel
    urgency: CodeLabel
    channel: CodeLabel = Field(description="受理渠道")
    region_code: str = Field(description="所在地辖区编码（网格或社区）")
    community: PlaceOut
    assigned_region_code: str = Field(description="责任单位辖区编码")
    assigned_organisation: NamedRef | None = Field(description="责任单位")
    assignee: NamedRef | None = Field(description="承办人")
    submitted_at: datetime
    accept_by: datetime | None = Field(description="受理期限")
    due_at: datetime | None = Field(description="当前期限")
    due_state: str = Field(description="期限状态：normal、due_soon、overdue，不计时为空")
    traffic_light: str = Field(description="红黄绿灯：green、yellow、red；不计时为 grey")
    closed_at: datetime | None


class TimelineStepOut(Schema):
    seq: int
    action: CodeLabel
    from_status: str
    to_status: str
    actor: str | None = Field(description="操作人姓名；系统操作为 null")
    note: str = Field(description="说明（居民看不到仅内部可见的说明）")
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    kind: str
    url: str = Field(description="下载地址（须登录且有权查看该办件）")
    width: int
    height: int


class CaseOut(CaseBriefOut):
    """办件"""

    description: str
    address: str
    lon: float | None
    lat: float | None
    attributes: dict[str, Any] = Field(description="附加信息（按事项的附加信息项）")
    affected_region_codes: list[str] = Field(description="涉及的其他社区")
    reporter_name: str = Field(description="反映人")
    reporter_phone_masked: str = Field(description="联系电话（脱敏）")
    first_responsible: NamedRef | None = Field(description="首问责任人")
    agent: NamedRef | None = Field(description="代办员")
    refusal_reason: str
    deferred_reason: str
    extension_state: str = Field(description="延期状态：requested、approved、rejected，无为空")
    escalation_count: int
    rework_count: int
    reopened_count: int
    merged_into: str | None = Field(description="并入的办件编号")
    rating: int | None = Field(description="好差评：5 非常满意 … 1 非常不满意")
    rating_comment: str
    actions: list[str] = Field(description="当前账号现在可执行的操作")
    timeline: list[TimelineStepOut]
    attachments: list[AttachmentOut]


class CasePageOut(Schema):
    items: list[CaseBriefOut]
    count: int = Field(description=f"符合条件的条数；超过 {COUNT_CAP} 时为 {COUNT_CAP}")
    next: str | None = Field(description="下一页的 after 参数；没有下一页时为 null")


class CaseFilters(Schema):
    box: Literal[BOX_KEYS] | None = Field(  # type: ignore[valid-type]
        None,
        description="工作台收件箱：" + "、".join(f"{b.key}（{b.label}）" for b in queries.BOXES),
    )
    status: CaseStatus | None = Field(None, description="状态")
    category: str = Field("", max_length=60, description="事项编码")
    channel: Channel | None = Field(None, description="受理渠道")
    after: str = Field("", max_length=60, description="上一页返回的 next")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")


class CaseIn(Schema):
    """提交办件"""

    category: str = Field(max_length=60, description="事项编码")
    description: str = Field(max_length=4000, description="具体内容")
    title: str = Field("", max_length=200, description="标题（默认为事项名称）")
    community: str = Field("", max_length=12, description="所属社区辖区编码（无位置时必填）")
    lon: float | None = Field(None, description="经度（WGS84）")
    lat: float | None = Field(None, description="纬度（WGS84）")
    address: str = Field("", max_length=200)
    urgency: Urgency = Urgency.NORMAL
    attributes: dict[str, Any] = Field({}, description="附加信息：{编码: 值}")
    affected_communities: list[str] = Field([], description="涉及的其他社区辖区编码")
    channel: Channel | None = Field(
        None, description="受理渠道（默认：居民为网上，网格员为网格巡查，其他工作人员为窗口）"
    )
    reporter_name: str = Field("", max_length=50, description="反映人（工作人员代为登记时）")
    reporter_phone: str = Field("", max_length=40, description="联系电话（工作人员代为登记时）")


class ActionIn(Schema):
    """办件操作的参数；各操作只读取它需要的字段"""

    note: str = Field("", max_length=1000, description="说明或意见")
    reason: str = Field(
        "", max_length=1000, description="理由（不予受理、返工、上报、挂账、延期、重新办理）"
    )
    urgency: Urgency | None = Field(None, description="受理时可更正紧急程度")
    region_code: str | None = Field(None, max_length=12, description="派遣到的辖区编码")
    organisation: int | None = Field(None, description="派遣到的责任单位 id")
    assignee: int | None = Field(None, description="承办人账号 id")
    amount: int | None = Field(None, description="延期时长")
    unit: str | None = Field(None, description="延期单位：hours 或 days")
    approve: bool = Field(True, description="审批延期：true 批准，false 不批准")
    into: str = Field("", max_length=20, description="并入的办件编号")
    rating: int | None = Field(None, description="评价：5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=500, description="评价意见")


class CategoryOut(Schema):
    """办件事项"""

    code: str
    name: str
    kind: CodeLabel
    group: str
    description: str
    keywords: str
    responsible_level: CodeLabel
    accept_within: str = Field(description="承诺受理时限，如“8 个工作小时”")
    resolve_within: str = Field(description="承诺办结时限，如“5 个工作日”")
    required_documents: list[str]
    attributes: list[dict[str, Any]] = Field(description="附加信息项（Open311 服务定义的形式）")


class CategoryFilters(Schema):
    kind: CaseKind | None = Field(None, description="办件类别")


# --- Serialisation ---------------------------------------------------------------------------


def _code(instance: Any, field: str) -> dict[str, str]:
    return {
        "code": str(getattr(instance, field)),
        "label": str(getattr(instance, f"get_{field}_display")()),
    }


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name or user.get_username()}


def case_brief(case: Case) -> dict[str, Any]:
    organisation = case.assigned_organisation
    return {
        "number": case.number,
        "kind": _code(case, "kind"),
        "category": {"code": case.category.code, "name": case.category.name},
        "title": case.title,
        "status": _code(case, "status"),
        "urgency": _code(case, "urgency"),
        "channel": _code(case, "channel"),
        "region_code": case.region_code,
        "community": {"code": case.community.region_code, "name": case.community.name},
        "assigned_region_code": case.assigned_region_code,
        "assigned_organisation": None
        if organisation is None
        else {"id": organisation.pk, "name": organisation.name},
        "assignee": _person(case.assignee),
        "submitted_at": case.submitted_at,
        "accept_by": case.accept_by,
        "due_at": case.due_at,
        "due_state": case.due_state,
        "traffic_light": queries.traffic_light(case),
        "closed_at": case.closed_at,
    }


def case_full(user: Any, case: Case) -> dict[str, Any]:
    internal = user.has_perm("cases.view_internal_notes", case)
    steps = queries.case_timeline(case, for_resident=not internal)
    return {
        **case_brief(case),
        "description": case.description,
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "attributes": case.attributes,
        "affected_region_codes": case.affected_region_codes,
        "reporter_name": case.reporter_name,
        "reporter_phone_masked": case.reporter_phone_masked,
        "first_responsible": _person(case.first_responsible),
        "agent": _person(case.agent),
        "refusal_reason": case.refusal_reason,
        "deferred_reason": case.deferred_reason,
        "extension_state": case.extension_state,
        "escalation_count": case.escalation_count,
        "rework_count": case.rework_count,
        "reopened_count": case.reopened_count,
        "merged_into": case.merged_into.number if case.merged_into is not None else None,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "actions": queries.available_actions(user, case),
        "timeline": [
            {
                "seq": step.seq,
                "action": {"code": step.action, "label": _label(step.action)},
                "from_status": step.from_status,
                "to_status": step.to_status,
                "actor": None
                if step.actor is None
                else step.actor.full_name or step.actor.username,
                "note": step.shown_note,  # type: ignore[attr-defined]
                "created_at": step.created_at,
            }
            for step in steps
        ],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "url": reverse("cases:attachment", args=[a.pk]),
                "width": a.width,
                "height": a.height,
            }
            for a in attachments_for(user, case)
        ],
    }


def _label(action: str) -> str:
    try:
        return str(CaseAction(action).label)
    except ValueError:
        return action


def _reload(user: Any, case: Case) -> dict[str, Any]:
    """The case as the caller sees it now; after a step that moved it out of the caller's
    sight (an escalation, a merge) the action's own copy is shown."""
    try:
        return case_full(user, queries.access_case(user, case.pk))
    except Http404:
        return case_full(user, case)


def _field_error(field: str, message: str) -> ApiError:
    fields = {field: message}
    return ApiError(422, "validation_error", summarise(fields), fields=fields)


# --- Cases -----------------------------------------------------------------------------------


def _after_id(after: str) -> int | None:
    if not after:
        return None
    if not after.isdigit():
        raise _field_error("after", _("翻页参数无效"))
    return int(after)


def _after_due(after: str) -> tuple[datetime, int] | None:
    if not after:
        return None
    moment, _sep, last = after.rpartition("_")
    parsed = parse_datetime(moment)
    if parsed is None or not last.isdigit():
        raise _field_error("after", _("翻页参数无效"))
    return parsed, int(last)


def _capped_count(queryset: Any) -> int:
    return int(queryset.order_by().values("pk")[:COUNT_CAP].count())


@router.get(
    "/cases",
    response={200: CasePageOut, **errors(401, 404, 422)},
    summary="办件列表",
    description=(
        "本人可见的办件（居民：本人的办件；工作人员：辖区内或本单位承办的办件），最新的在前。"
        "`box` 为工作台收件箱（待受理、待派遣、办理中、待核查为最新在前；即将超期、已超期为"
        "期限最近在前）。用返回的 `next` 作为 `after` 取下一页。"
    ),
)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user: Any = request.user
    limit = filters.limit
    if filters.box and filters.status:
        raise _field_error("status", _("按收件箱查询时不能再按状态筛选"))
    if filters.box:
        due_box = filters.box in ("due_soon", "overdue")
        after: Any = _after_due(filters.after) if due_box else _after_id(filters.after)
        page = list(
            queries.inbox(
                user,
                filters.box,
                after=after,
                limit=limit + 1,
                category=filters.category or None,
                channel=filters.channel or None,
            )
        )
        count = queries.inbox_counts(user).get(filters.box, 0)
    else:
        cases = queries.cases_for(user)
        if filters.status:
            cases = cases.filter(status=filters.status)
        if filters.category:
            cases = cases.filter(category__code=filters.category)
        if filters.channel:
            cases = cases.filter(channel=filters.channel)
        count = _capped_count(cases)
        last = _after_id(filters.after)
        if last is not None:
            cases = cases.filter(id__lt=last)
        page = list(
            cases.select_related(
                "category", "community", "assigned_organisation", "assignee"
            ).order_by("-id")[: limit + 1]
        )
        due_box = False
    more = len(page) > limit
    page = page[:limit]
    next_after = None
    if more and page:
        tail = page[-1]
        next_after = (
            f"{tail.due_at.isoformat()}_{tail.pk}" if due_box and tail.due_at else str(tail.pk)
        )
    return {"items": [case_brief(case) for case in page], "count": count, "next": next_after}


@router.get(
    "/cases/{number}",
    response={200: CaseOut, **errors(401, 404)},
    summary="查看办件",
    description="办件详情、时间线和当前可执行的操作；辖区外或不存在的办件返回 404。",
)
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user: Any = request.user
    return case_full(user, queries.access_case_by_number(user, number))


def _default_channel(user: Any) -> str:
    if not user.is_staff_member:
        return Channel.PORTAL
    if user.has_role(Role.GRID_WORKER):
        return Channel.GRID_PATROL
    return Channel.WINDOW


@router.post(
    "/cases",
    response={201: CaseOut, **errors(401, 403, 422)},
    summary="提交办件",
    description=(
        "居民以本人名义提交；工作人员代为登记（窗口、电话）时成为首问责任人。位置为经纬度"
        "（落入网格）或所属社区；校验与网页相同，错误在 `fields` 中逐项说明。"
    ),
)
def submit_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    case = actions.do_submit_case(
        category=payload.category,
        description=payload.description,
        actor=user,
        channel=payload.channel or _default_channel(user),
        title=payload.title,
        community=payload.community or None,
        lon=payload.lon,
        lat=payload.lat,
        address=payload.address,
        urgency=payload.urgency,
        attributes=payload.attributes,
        affected_communities=payload.affected_communities,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        request=request,
    )
    return Status(201, _reload(user, case))


def _organisation(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.active().filter(pk=pk).first()
    if found is None:
        raise _field_error("organisation", _("责任单位不存在或已撤销"))
    return found


def _assignee(pk: int | None) -> User | None:
    if pk is None:
        return None
    # The action checks that the person is active staff of the caller's jurisdiction
    # or of the chosen unit; anyone else is refused with the same message.
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise _field_error("assignee", _("承办人须为您辖区内或责任单位的在岗工作人员"))
    return found


def _run(user: Any, case: Case, action: str, data: ActionIn, request: HttpRequest) -> Case:
    """Call the action of ``cases.actions`` that ``action`` names, with its inputs."""
    common = {"actor": user, "request": request}
    if action == CaseAction.ACCEPT:
        return actions.do_accept_case(case, note=data.note, urgency=data.urgency, **common)
    if action == CaseAction.REFUSE:
        return actions.do_refuse_case(case, reason=data.reason, **common)
    if action == CaseAction.DISPATCH:
        return actions.do_dispatch_case(
            case,
            region_code=data.region_code,
            organisation=_organisation(data.organisation),
            assignee=_assignee(data.assignee),
            note=data.note,
            **common,
        )
    if action == CaseAction.FEEDBACK:
        return actions.do_feedback_case(case, note=data.note, **common)
    if action == CaseAction.VERIFY_CLOSE:
        return actions.do_verify_close_case(case, note=data.note, **common)
    if action == CaseAction.REWORK:
        return actions.do_rework_case(case, reason=data.reason, **common)
    if action == CaseAction.ESCALATE:
        return actions.do_escalate_case(case, reason=data.reason, **common)
    if action == CaseAction.DEFER:
        return actions.do_defer_case(case, reason=data.reason, **common)
    if action == CaseAction.RESUME:
        return actions.do_resume_case(case, note=data.note, **common)
    if action == CaseAction.REQUEST_EXTENSION:
        if data.amount is None:
            raise _field_error("amount", _("请填写延期时长"))
        return actions.do_request_extension(
            case, amount=data.amount, reason=data.reason, unit=data.unit, **common
        )
    if action == CaseAction.APPROVE_EXTENSION:
        return actions.do_approve_extension(case, approve=data.approve, note=data.note, **common)
    if action == CaseAction.MERGE:
        target = queries.cases_for(user).filter(number=data.into.strip()).first()
        if target is None:
            raise _field_error("into", _("目标办件不存在"))
        return actions.do_merge_case(case, into=target, note=data.note, **common)
    if action == CaseAction.REOPEN:
        return actions.do_reopen_case(case, reason=data.reason, **common)
    if action == CaseAction.RATE:
        if data.rating is None:
            raise _field_error("rating", _("请选择评价等级（非常满意至非常不满意）"))
        return actions.do_rate_case(case, rating=data.rating, comment=data.comment, **common)
    raise Http404


@router.post(
    "/cases/{number}/actions/{action}",
    response={200: CaseOut, **errors(401, 403, 404, 422)},
    summary="办件操作",
    description=(
        "执行一步办件流程：`"
        + "`、`".join(ACTIONS)
        + "`。无权执行返回 403；当前状态不能执行或参数有误返回 422，`fields` 说明原因；"
        "未知操作、辖区外或不存在的办件返回 404。"
    ),
)
def act_on_case(
    request: HttpRequest, number: str, action: str, payload: ActionIn
) -> dict[str, Any]:
    user: Any = request.user
    if action not in ACTIONS:
        raise Http404
    case = queries.access_case_by_number(user, number)
    done = _run(user, case, action, payload, request)
    return _reload(user, done)


# --- Categories ------------------------------------------------------------------------------


def _within(unit: str, amount: int) -> str:
    if unit == "hours":
        return _("%(n)d 个工作小时") % {"n": amount}
    return _("%(n)d 个工作日") % {"n": amount}


def category_out(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "kind": _code(category, "kind"),
        "group": category.group,
        "description": category.description,
        "keywords": category.keywords,
        "responsible_level": _code(category, "responsible_level"),
        "accept_within": _within(category.accept_unit, category.accept_normal),
        "resolve_within": _within(category.resolve_unit, category.resolve_normal),
        "required_documents": list(category.required_documents or []),
        "attributes": category.sorted_attributes(),
    }


class _LazyList:
    """Paginates in the database and serialises only the page."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [category_out(c) for c in self.queryset[key]]

    def all(self) -> "_LazyList":
        return self

    def count(self) -> int:
        return int(self.queryset.count())


@router.get(
    "/case-categories",
    response={200: list[CategoryOut], **errors(401, 422)},
    summary="办件事项目录",
    description="启用的办件事项：承诺时限、所需材料和附加信息项（与居民门户的目录相同）。",
)
@paginate(LimitOffsetPagination)
def list_categories(request: HttpRequest, filters: Query[CategoryFilters]) -> Any:
    return _LazyList(queries.active_categories(filters.kind or None))
