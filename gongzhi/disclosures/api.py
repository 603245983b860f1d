"""居务公开 over the REST API (``/api/v1/disclosures``).

Published disclosures are public, as on the /gongkai/ pages: ``GET
/disclosures/public/{community}`` and ``GET /disclosures/public/{community}/{id}`` need
no token. Everything else needs one and goes through the same queries and actions as
the console: staff read the disclosures of their jurisdiction in any state (404 outside
it), community staff draft, edit, submit, publish and correct, supervision committee
members sign off or return, residents ask and staff answer. A step the caller may not
take is 403 ``permission_denied``; a step not possible now, or bad input, is 422
``validation_error`` with the Chinese reason per field.
"""

# No ``from __future__ import annotations``: ninja reads the signatures at import time.
from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.api.errors import errors
from gongzhi.disclosures import actions, queries, schedule
from gongzhi.disclosures.models import Disclosure, Question

router = Router(tags=["居务公开"])

MAX_LIMIT = 200


class CodeLabel(Schema):
    code: str
    label: str


class LineOut(Schema):
    item: str
    direction: CodeLabel
    amount: str = Field(description="金额（元，两位小数）")
    amount_fen: int = Field(description="金额（分）")


class TotalsOut(Schema):
    income_fen: int
    spending_fen: int
    balance_fen: int


class SignOffOut(Schema):
    signer_name: str
    signer_post: str
    note: str
    signed_at: datetime


class QuestionOut(Schema):
    id: int
    asker: str = Field(description="提问人（只显示姓氏）")
    text: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class DisclosureBriefOut(Schema):
    id: int
    community_code: str
    category: CodeLabel
    period_start: date
    period_end: date
    period_label: str = Field(description="公开期间，如 2026年10月、2026年第三季度")
    title: str
    status: CodeLabel
    version: int
    supersedes: int | None = Field(description="所更正的原公开事项编号")
    published_at: datetime | None


class DisclosureOut(DisclosureBriefOut):
    body: str
    is_major: bool
    decided_on: date | None
    correction_note: str
    return_note: str = Field(description="监督委员会退回意见（公开接口为空）")
    lines: list[LineOut]
    totals: TotalsOut | None = Field(description="财务收支合计（仅财务收支类）")
    sign_offs: list[SignOffOut]
    corrected_by: int | None = Field(description="已公开的更正版本编号")
    questions: list[QuestionOut] = Field(description="已答复的居民提问（工作人员接口含未答复的）")


class PageOut(Schema):
    items: list[DisclosureBriefOut]
    count: int


class LineIn(Schema):
    item: str = Field(max_length=200)
    direction: Literal["income", "expense"]
    amount: str = Field(max_length=30, description="金额（元），如 1280.50")


class DisclosureIn(Schema):
    community: str = Field("", description="社区区划代码（修改时忽略）")
    category: Literal["decisions", "finances", "relief", "government_assist", "other"]
    period_start: date
    period_end: date
    title: str = Field(max_length=400)
    body: str = Field("", max_length=40_000)
    is_major: bool = False
    decided_on: date | None = None
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class StepIn(Schema):
    note: str = Field("", max_length=1000, description="审核意见、退回理由或更正说明")


class TextIn(Schema):
    text: str = Field(max_length=4000)


class ListFilters(Schema):
    status: str = ""
    category: str = ""
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class FlagOut(Schema):
    community_code: str
    community: str
    category: CodeLabel
    state: CodeLabel
    period_label: str
    due: date
    last_period: str


def _code(value: str, choices: Any) -> dict[str, str]:
    return {"code": value, "label": str(choices(value).label)}


def brief(d: Disclosure) -> dict[str, Any]:
    from gongzhi.disclosures.enums import Category, Status

    return {
        "id": d.pk,
        "community_code": d.region_code,
        "category": _code(d.category, Category),
        "period_start": d.period_start,
        "period_end": d.period_end,
        "period_label": d.period_label,
        "title": d.title,
        "status": _code(d.status, Status),
        "version": d.version,
        "supersedes": d.supersedes_id,
        "published_at": d.published_at,
    }


def full(d: Disclosure, *, public: bool) -> dict[str, Any]:
    from gongzhi.disclosures.enums import Direction

    summary = queries.finance_summary(d)
    questions = list(Question.objects.filter(disclosure=d).order_by("asked_at", "id"))
    correction = queries.published_correction(d)
    return {
        **brief(d),
        "body": d.body,
        "is_major": d.is_major,
        "decided_on": d.decided_on,
        "correction_note": d.correction_note,
        "return_note": "" if public else d.return_note,
        "lines": [
            {
                "item": line.item,
                "direction": _code(line.direction, Direction),
                "amount": line.amount_yuan,
                "amount_fen": line.amount_fen,
            }
            for line in d.lines.all()
        ],
        "totals": None
        if summary is None
        else {
            "income_fen": summary.income_fen,
            "spending_fen": summary.spending_fen,
            "balance_fen": summary.balance_fen,
        },
        "sign_offs": [
            {
                "signer_name": s.signer_name,
                "signer_post": s.signer_post,
                "note": s.note,
                "signed_at": s.signed_at,
            }
            for s in d.sign_offs.all()
        ],
        "corrected_by": correction.pk if correction else None,
        "questions": [
            {
                "id": q.pk,
                "asker": q.asker_display,
                "text": q.text,
                "asked_at": q.asked_at,
                "answer": q.answer,
                "answered_at": q.answered_at,
            }
            for q in questions
            if q.is_answered or not public
        ],
    }


# --- Public reads ------------------------------------------------------------------------------


@router.get(
    "/disclosures/public/{code}",
    auth=None,
    response={200: PageOut, **errors(404)},
    summary="社区已公开事项列表（无需令牌）",
)
def public_list(
    request: HttpRequest, code: str, category: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    region = queries.public_community(code)
    rows = queries.public_list(region, category=category)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    return {"items": [brief(d) for d in rows[offset : offset + limit]], "count": rows.count()}


@router.get(
    "/disclosures/public/{code}/{pk}",
    auth=None,
    response={200: DisclosureOut, **errors(404)},
    summary="查看已公开事项（无需令牌）",
)
def public_detail(request: HttpRequest, code: str, pk: str) -> dict[str, Any]:
    return full(queries.public_disclosure(code, pk), public=True)


# --- Staff and members --------------------------------------------------------------------------


def _for_step(user: Any, pk: int) -> Disclosure:
    """The disclosure in the caller's jurisdiction, or one submitted to the caller's
    supervision committee; 404 otherwise."""
    try:
        return queries.access_disclosure(user, pk)
    except Http404:
        return queries.access_for_review(user, pk)


@router.get(
    "/disclosures",
    response={200: PageOut, **errors(401, 403)},
    summary="辖区内公开事项列表（各状态）",
)
def list_disclosures(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    from django.core.exceptions import PermissionDenied

    user: Any = request.user
    if not user.has_perm("disclosures.use_console"):
        raise PermissionDenied
    rows = queries.disclosures_for(user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category=filters.category)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"items": [brief(d) for d in page], "count": rows.count()}


@router.get(
    "/disclosures/flags",
    response={200: list[FlagOut], **errors(401, 403)},
    summary="未按期公开的社区",
)
def flags(request: HttpRequest) -> list[dict[str, Any]]:
    from django.core.exceptions import PermissionDenied

    from gongzhi.disclosures.enums import Category, Timeliness

    user: Any = request.user
    if not user.has_perm("disclosures.use_console"):
        raise PermissionDenied
    return [
        {
            "community_code": s.region_code,
            "community": s.name,
            "category": _code(c.category, Category),
            "state": _code(c.state, Timeliness),
            "period_label": c.period.label,
            "due": c.due,
            "last_period": c.last_period,
        }
        for s in schedule.flags_for(user)
        for c in s.flags
    ]


@router.get(
    "/disclosures/{pk}", response={200: DisclosureOut, **errors(401, 404)}, summary="查看公开事项"
)
def get_disclosure(request: HttpRequest, pk: int) -> dict[str, Any]:
    return full(_for_step(request.user, pk), public=False)


@router.post(
    "/disclosures", response={201: DisclosureOut, **errors(401, 403, 422)}, summary="起草公开事项"
)
def draft(request: HttpRequest, payload: DisclosureIn) -> Status[dict[str, Any]]:
    d = actions.do_draft_disclosure(
        community=payload.community,
        category=payload.category,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
        body=payload.body,
        is_major=payload.is_major,
        decided_on=payload.decided_on,
        lines=[actions.LineInput(x.item, x.direction, x.amount) for x in payload.lines],
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    return Status(201, full(d, public=False))


@router.put(
    "/disclosures/{pk}",
    response={200: DisclosureOut, **errors(401, 403, 404, 422)},
    summary="修改草稿",
)
def edit(request: HttpRequest, pk: int, payload: DisclosureIn) -> dict[str, Any]:
    d = actions.do_edit_disclosure(
        queries.access_disclosure(request.user, pk),
        category=payload.category,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
        body=payload.body,
        is_major=payload.is_major,
        decided_on=payload.decided_on,
        lines=[actions.LineInput(x.item, x.direction, x.amount) for x in payload.lines],
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    return full(d, public=False)


@router.post(
    "/disclosures/{pk}/{step}",
    response={200: DisclosureOut, **errors(401, 403, 404, 422)},
    summary="办理公开事项",
    description=(
        "`submit` 提交审核，`sign_off` 监督委员会成员签字（`note` 为审核意见），`return` 退回"
        "（`note` 为理由），`publish` 公开，`correct` 起草更正（`note` 为更正说明，返回更正草稿）。"
    ),
)
def step(
    request: HttpRequest,
    pk: int,
    step: Literal["submit", "sign_off", "return", "publish", "correct"],
    payload: StepIn,
) -> dict[str, Any]:
    user: Any = request.user
    d = _for_step(user, pk)
    if step == "submit":
        d = actions.do_submit_disclosure(d, actor=user, request=request)
    elif step == "sign_off":
        d = actions.do_sign_off_disclosure(d, note=payload.note, actor=user, request=request)
    elif step == "return":
        d = actions.do_return_disclosure(d, reason=payload.note, actor=user, request=request)
    elif step == "publish":
        d = actions.do_publish_disclosure(d, actor=user, request=request)
    else:
        d = actions.do_draft_correction(d, note=payload.note, actor=user, request=request)
    return full(d, public=False)


@router.post(
    "/disclosures/{pk}/questions",
    response={201: QuestionOut, **errors(401, 403, 404, 422)},
    summary="居民提问",
)
def ask(request: HttpRequest, pk: int, payload: TextIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    d = queries.public_disclosure((user.region_code or "-")[:12], pk)
    q = actions.do_ask_question(d, text=payload.text, actor=user, request=request)
    return Status(
        201,
        {
            "id": q.pk,
            "asker": q.asker_display,
            "text": q.text,
            "asked_at": q.asked_at,
            "answer": q.answer,
            "answered_at": q.answered_at,
        },
    )


@router.post(
    "/disclosures/questions/{pk}/answer",
    response={200: QuestionOut, **errors(401, 403, 404, 422)},
    summary="答复居民提问",
)
def answer(request: HttpRequest, pk: int, payload: TextIn) -> dict[str, Any]:
    user: Any = request.user
    q = actions.do_answer_question(
        queries.access_question(user, pk), answer=payload.text, actor=user, request=request
    )
    return {
        "id": q.pk,
        "asker": q.asker_display,
        "text": q.text,
        "asked_at": q.asked_at,
        "answer": q.answer,
        "answered_at": q.answered_at,
    }
