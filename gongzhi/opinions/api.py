"""The opinion map over the REST API (``/api/v1/opinions``).

The same reads and writes as the console and the portal: staff see the conversations of
their jurisdiction (``queries.conversations_for``), residents those of their own
community and township (``queries.resident_conversations``); anything else is 404. A
vote or a statement is the action the pages call (``actions.do_vote``,
``actions.do_add_statement``): 403 ``permission_denied`` when the caller may not take
part, 422 ``validation_error`` with the Chinese reason per field otherwise.
"""

# No ``from __future__ import annotations``: ninja reads the views' annotations at import.
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.api.errors import errors
from gongzhi.api.pagination import LimitOffsetPagination
from gongzhi.opinions import actions, display, queries
from gongzhi.opinions.enums import StatementStatus, VoteValue
from gongzhi.opinions.models import Conversation, Statement

router = Router(tags=["意见地图"])

VALUE_NAMES = {VoteValue.AGREE: "agree", VoteValue.DISAGREE: "disagree", VoteValue.PASS: "pass"}


class ConversationOut(Schema):
    """意见地图"""

    id: int
    title: str
    description: str
    region_code: str = Field(description="所属社区或街道的辖区编码")
    region_name: str
    status: str = Field(description="open（征集中）或 closed（已结束）")
    allow_statements: bool = Field(description="居民可提出观点")
    moderate_first: bool = Field(description="居民观点先审后发")
    consultation_id: int | None = Field(
        description="所属协商；居民只能在该协商当前阶段开放“发表意见”时表态。"
        "不属于任何协商时为 null"
    )
    created_at: datetime


class StatementOut(Schema):
    """观点"""

    id: int
    text: str
    status: str = Field(description="accepted、pending 或 rejected（居民只看到已采用的和本人的）")
    is_seed: bool = Field(description="工作人员提出")
    my_vote: Literal["agree", "disagree", "pass"] | None = Field(
        description="本人的表态；未表态为 null"
    )


class StatementIn(Schema):
    text: str = Field(max_length=1000, description="观点（不超过 140 个字）")


class VoteIn(Schema):
    value: Literal["agree", "disagree", "pass"] = Field(description="同意、不同意或跳过")


class VoteOut(Schema):
    statement: int
    value: Literal["agree", "disagree", "pass"]


class ShareOut(Schema):
    statement: int
    text: str
    direction: Literal["agree", "disagree"] = Field(description="本组比其他人更多地同意或不同意")
    agree_pct: int
    disagree_pct: int
    pass_pct: int
    seen: int = Field(description="本组对该观点表态的人数")
    rest_agree_pct: int
    rest_disagree_pct: int


class GroupOut(Schema):
    letter: str
    size: int
    share_pct: int
    representative: list[ShareOut]


class ConsensusOut(Schema):
    statement: int
    text: str
    direction: Literal["agree", "disagree"]
    shares_pct: list[int] = Field(description="各组（按组次序）的认同比例")


class MapOut(Schema):
    """意见分组（最近一次计算的结果）"""

    computed_at: datetime | None
    participants: int = Field(description="纳入计算的参与人数")
    votes: int
    problem: str = Field(
        description="未能分组的原因代码：no_votes、too_few_participants、no_variation；能分组时为空"
    )
    message: str
    groups: list[GroupOut]
    consensus: list[ConsensusOut]
    my_group: str | None = Field(description="本人所在组的字母（居民）；未纳入计算为 null")


def _conversation(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "description": conversation.description,
        "region_code": conversation.region_code,
        "region_name": conversation.region.name,
        "status": conversation.status,
        "allow_statements": conversation.allow_statements,
        "moderate_first": conversation.moderate_first,
        "consultation_id": conversation.consultation_id,
        "created_at": conversation.created_at,
    }


def _visible(user: Any) -> Any:
    if user.has_perm("opinions.use_console"):
        return queries.conversations_for(user)
    return queries.resident_conversations(user)


def _access(user: Any, pk: int) -> Conversation:
    try:
        conversation: Conversation = _visible(user).get(pk=pk)
    except Conversation.DoesNotExist:
        raise Http404 from None
    return conversation


class _Serialised:
    """Paginates in the database and serialises only the page."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [_conversation(c) for c in self.queryset[key]]

    def all(self) -> "_Serialised":
        return self

    def count(self) -> int:
        return int(self.queryset.count())


@router.get(
    "/opinions/conversations",
    response={200: list[ConversationOut], **errors(401, 422)},
    summary="意见地图列表",
    description="工作人员：辖区内的意见地图；居民：本人所在社区和街道的意见地图。",
)
@paginate(LimitOffsetPagination)
def list_conversations(request: HttpRequest) -> Any:
    return _Serialised(_visible(request.user).order_by("-id"))


@router.get(
    "/opinions/conversations/{conversation_id}",
    response={200: ConversationOut, **errors(401, 404)},
    summary="查看意见地图",
)
def get_conversation(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    return _conversation(_access(request.user, conversation_id))


@router.get(
    "/opinions/conversations/{conversation_id}/statements",
    response={200: list[StatementOut], **errors(401, 404)},
    summary="观点列表",
    description="已采用的观点及本人的表态；工作人员还能看到待审核和未采用的观点，居民还能看到本人提出的。",
)
def list_statements(request: HttpRequest, conversation_id: int) -> list[dict[str, Any]]:
    user: Any = request.user
    conversation = _access(user, conversation_id)
    statements = Statement.objects.filter(conversation=conversation).order_by("id")
    if not user.has_perm("opinions.view_conversation", conversation):
        statements = statements.filter(status=StatementStatus.ACCEPTED) | statements.filter(
            author=user
        )
    mine = queries.my_votes(conversation, user)
    return [
        {
            "id": s.pk,
            "text": s.text,
            "status": s.status,
            "is_seed": s.is_seed,
            "my_vote": VALUE_NAMES.get(mine[s.pk]) if s.pk in mine else None,  # type: ignore[call-overload]
        }
        for s in statements[: actions.MAX_STATEMENTS]
    ]


@router.post(
    "/opinions/conversations/{conversation_id}/statements",
    response={201: StatementOut, **errors(401, 403, 404, 422)},
    summary="提出观点",
    description="工作人员提出的观点立即公开；居民提出的按该意见地图的设置直接公开或审核后公开。",
)
def add_statement(
    request: HttpRequest, conversation_id: int, payload: StatementIn
) -> Status[dict[str, Any]]:
    user: Any = request.user
    conversation = _access(user, conversation_id)
    statement = actions.do_add_statement(
        conversation, text=payload.text, actor=user, request=request
    )
    return Status(
        201,
        {
            "id": statement.pk,
            "text": statement.text,
            "status": statement.status,
            "is_seed": statement.is_seed,
            "my_vote": None,
        },
    )


@router.post(
    "/opinions/statements/{statement_id}/vote",
    response={200: VoteOut, **errors(401, 403, 404, 422)},
    summary="表态",
    description="同意、不同意或跳过；再次提交即改变表态（每人每条观点一票）。",
)
def vote(request: HttpRequest, statement_id: int, payload: VoteIn) -> dict[str, Any]:
    user: Any = request.user
    statement = (
        Statement.objects.filter(
            pk=statement_id,
            status=StatementStatus.ACCEPTED,
            conversation__in=_visible(user).values("pk"),
        )
        .select_related("conversation")
        .first()
    )
    if statement is None:
        raise Http404
    done = actions.do_vote(statement, payload.value, actor=user, request=request)
    return {"statement": statement.pk, "value": VALUE_NAMES[VoteValue(done.value)]}


@router.get(
    "/opinions/conversations/{conversation_id}/map",
    response={200: MapOut, **errors(401, 404)},
    summary="意见分组",
    description="最近一次计算的分组、各组的代表性观点和各组的共同点；不含任何人的身份。",
)
def get_map(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    user: Any = request.user
    conversation = _access(user, conversation_id)
    snapshot = queries.snapshot_of(conversation)
    if snapshot is None:
        return {
            "computed_at": None,
            "participants": 0,
            "votes": 0,
            "problem": display.NOT_COMPUTED,
            "message": display.problem_message(display.NOT_COMPUTED, {}),
            "groups": [],
            "consensus": [],
            "my_group": None,
        }
    texts = dict(queries.live_statements(conversation).values_list("pk", "text"))
    view = display.map_view(snapshot, texts, user_id=user.pk, max_drawn=0)
    return {
        "computed_at": view.computed_at,
        "participants": view.participants,
        "votes": view.votes,
        "problem": view.problem,
        "message": view.message,
        "groups": [
            {
                "letter": g.letter,
                "size": g.size,
                "share_pct": g.share_pct,
                "representative": [r.__dict__ for r in g.representative],
            }
            for g in view.groups
        ],
        "consensus": [
            {
                "statement": c.statement,
                "text": c.text,
                "direction": c.direction,
                "shares_pct": [pct for _letter, _colour, pct in c.shares],
            }
            for c in view.consensus
        ],
        "my_group": view.my_group.letter if view.my_group else None,
    }
