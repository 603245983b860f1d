"""Polls over the REST API (``/api/v1/polls``).

The same reads and writes as the console and the portal: staff read the polls of their
jurisdiction (``queries.access_poll``), residents the opened polls of their community and
township (``queries.access_poll_for_resident``); anything else is 404, like an id that
does not exist. Every write is the action the pages call: a step the caller may not take
is 403, bad input or a step not possible now is 422 with the Chinese reason per field,
a second vote is 422 on ``poll``. Results appear only when the poll allows it; a secret
poll's turnout list never carries a choice.
"""

# No ``from __future__ import annotations``: ninja reads the views' annotations at import time.
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gongzhi.api.errors import ApiError, errors
from gongzhi.core.actions import require
from gongzhi.polls import actions, queries
from gongzhi.polls.enums import Channel, ChoiceKind, PollStatus, ResultsVisibility
from gongzhi.polls.models import Poll, Turnout

router = Router(tags=["社区投票"])

MAX_LIMIT = 200
STEPS = ("open", "close", "publish")


class OptionOut(Schema):
    id: int
    position: int
    label: str


class OptionResultOut(Schema):
    id: int
    label: str
    online: int
    paper: int
    total: int
    carried: bool = Field(description="是否获得参加投票人数的过半数（按规则库）")


class ResultsOut(Schema):
    final: bool = Field(description="结果是否已公布")
    options: list[OptionResultOut]
    voters: int
    online_voters: int
    paper_voters: int
    paper_cast: int
    paper_invalid: int
    eligible: int
    turnout_met: bool | None = Field(description="是否达到有效参加人数；无此要求时为 null")
    turnout_rule_source: str | None
    majority_source: str


class MyVoteOut(Schema):
    voted_at: datetime
    channel: str
    booth: str | None
    choices: list[int] | None = Field(description="记名投票时为所投选项；无记名投票为 null")


class PollOut(Schema):
    id: int
    region_code: str
    region_name: str
    title: str
    question: str
    choice_kind: str
    max_choices: int
    adults_only: bool
    include_migrants: bool
    is_secret: bool
    results_visibility: str
    requires_turnout: bool
    status: str
    opens_at: datetime
    closes_at: datetime
    consultation_id: int | None = Field(description="所属协商；不属于任何协商时为 null")
    options: list[OptionOut]
    results: ResultsOut | None = Field(description="按投票设置可以查看时才有")
    my_vote: MyVoteOut | None = Field(description="居民本人：已投票时的记录")


class PollPageOut(Schema):
    items: list[PollOut]
    count: int


class PollFilters(Schema):
    status: PollStatus | None = None
    consultation_id: int | None = Field(None, description="只看属于该协商的投票")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class PollIn(Schema):
    region: str = Field(max_length=12, description="组织单位（嘎查村社区或苏木乡镇街道）辖区编码")
    title: str = Field(max_length=100)
    question: str = Field(max_length=2000)
    options: list[str] = Field(max_length=20)
    choice_kind: ChoiceKind = ChoiceKind.SINGLE
    max_choices: int | None = None
    opens_at: datetime
    closes_at: datetime
    adults_only: bool = True
    include_migrants: bool = True
    is_secret: bool = True
    results_visibility: ResultsVisibility = ResultsVisibility.AFTER_CLOSE
    requires_turnout: bool = False
    consultation_id: int | None = Field(
        None,
        description="所属协商（本人可见的协商；组织单位须是其牵头辖区或参与社区）。"
        "居民只能在该协商当前阶段开放“参加投票”时投票",
    )


class VoteIn(Schema):
    choices: list[int] = Field(max_length=20, description="所选选项 id")


class TurnoutOut(Schema):
    id: int
    resident_id: int
    name: str
    channel: str
    booth: str | None
    voted_at: datetime
    choices: list[int] | None = Field(description="记名投票时为所投选项；无记名投票为 null")


class TurnoutPageOut(Schema):
    items: list[TurnoutOut]
    count: int


class BoothIn(Schema):
    name: str = Field(max_length=50)


class BoothOut(Schema):
    id: int
    name: str
    marked: int
    ballots_issued: int | None
    ballots_cast: int | None
    invalid_ballots: int | None


class PaperVoterIn(Schema):
    resident: int = Field(description="居民档案 id")


class BoothResultsIn(Schema):
    ballots_issued: int = Field(ge=0)
    ballots_cast: int = Field(ge=0)
    invalid_ballots: int = Field(ge=0)
    counts: dict[int, int] = Field(description="{选项 id: 得票}")


def _as_api_fields(error: ValidationError) -> ValidationError:
    """The action's ``consultation`` field is ``consultation_id`` in the API."""
    if not hasattr(error, "error_dict") or "consultation" not in error.error_dict:
        return error
    fields = dict(error.error_dict)
    fields["consultation_id"] = fields.pop("consultation")
    return ValidationError(fields)


def _is_staff(user: Any) -> bool:
    return bool(user.has_jurisdiction)


def _access(user: Any, pk: int) -> Poll:
    if _is_staff(user):
        return queries.access_poll(user, pk)
    return queries.access_poll_for_resident(user, pk)[0]


def _results(poll: Poll) -> dict[str, Any]:
    found = queries.results(poll)
    return {
        "final": found.final,
        "options": [
            {
                "id": item.option.pk,
                "label": item.option.label,
                "online": item.online,
                "paper": item.paper,
                "total": item.total,
                "carried": item.carried,
            }
            for item in found.options
        ],
        "voters": found.voters,
        "online_voters": found.online_voters,
        "paper_voters": found.paper_voters,
        "paper_cast": found.paper_cast,
        "paper_invalid": found.paper_invalid,
        "eligible": found.eligible,
        "turnout_met": found.turnout_met,
        "turnout_rule_source": found.turnout_rule.source if found.turnout_rule else None,
        "majority_source": found.majority.source,
    }


def _my_vote(poll: Poll, row: Turnout | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "voted_at": row.voted_at,
        "channel": row.channel,
        "booth": row.booth.name if row.booth else None,
        "choices": None if poll.is_secret else list(row.open_choices),
    }


def poll_out(user: Any, poll: Poll) -> dict[str, Any]:
    staff = _is_staff(user)
    visible = (
        queries.staff_may_see_results(poll) if staff else queries.residents_may_see_results(poll)
    )
    mine = None
    if not staff:
        record = queries.resident_record(user)
        mine = _my_vote(poll, queries.my_turnout(record, [poll]).get(poll.pk))
    return {
        "id": poll.pk,
        "region_code": poll.region_code,
        "region_name": poll.region.name,
        "title": poll.title,
        "question": poll.question,
        "choice_kind": poll.choice_kind,
        "max_choices": poll.max_choices,
        "adults_only": poll.adults_only,
        "include_migrants": poll.include_migrants,
        "is_secret": poll.is_secret,
        "results_visibility": poll.results_visibility,
        "requires_turnout": poll.requires_turnout,
        "status": poll.status,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "consultation_id": poll.consultation_id,
        "options": [
            {"id": o.pk, "position": o.position, "label": o.label}
            for o in poll.options.order_by("position")
        ],
        "results": _results(poll) if visible else None,
        "my_vote": mine,
    }


@router.get(
    "/polls",
    response={200: PollPageOut, **errors(401, 422)},
    summary="投票列表",
    description="工作人员：辖区内的投票；居民：本社区和所在苏木乡镇（街道）已开始的投票。",
)
def list_polls(request: HttpRequest, filters: Query[PollFilters]) -> dict[str, Any]:
    user: Any = request.user
    if _is_staff(user):
        polls = queries.polls_for(user, filters.status or "")
    else:
        polls = queries.polls_for_resident(queries.resident_record(user))
        if filters.status:
            polls = polls.filter(status=filters.status)
    if filters.consultation_id is not None:
        polls = polls.filter(consultation_id=filters.consultation_id)
    count = polls.count()
    page = list(polls[filters.offset : filters.offset + filters.limit])
    return {"items": [poll_out(user, p) for p in page], "count": count}


@router.get("/polls/{poll_id}", response={200: PollOut, **errors(401, 404)}, summary="查看投票")
def get_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    return poll_out(request.user, _access(request.user, poll_id))


@router.post(
    "/polls",
    response={201: PollOut, **errors(401, 403, 422)},
    summary="新建投票草稿",
)
def create_poll(request: HttpRequest, payload: PollIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    data = payload.dict()
    data["consultation"] = data.pop("consultation_id")
    try:
        poll = actions.do_save_poll(actor=user, request=request, **data)
    except ValidationError as error:
        raise _as_api_fields(error) from None
    return Status(201, poll_out(user, queries.access_poll(user, poll.pk)))


@router.post(
    "/polls/{poll_id}/actions/{step}",
    response={200: PollOut, **errors(401, 403, 404, 422)},
    summary="投票流程",
    description="`open` 开始投票、`close` 截止投票、`publish` 公布结果。",
)
def poll_step(request: HttpRequest, poll_id: int, step: Literal[STEPS]) -> dict[str, Any]:  # type: ignore[valid-type]
    user: Any = request.user
    poll = queries.access_poll(user, poll_id)
    run = {
        "open": actions.do_open_poll,
        "close": actions.do_close_poll,
        "publish": actions.do_publish_results,
    }[step]
    run(poll, actor=user, request=request)
    return poll_out(user, queries.access_poll(user, poll_id))


@router.post(
    "/polls/{poll_id}/vote",
    response={201: MyVoteOut, **errors(401, 403, 404, 422)},
    summary="网上投票",
    description="居民本人投票，每人一次（网上与纸质合计）。无记名投票的回执不含所投选项。",
)
def vote(request: HttpRequest, poll_id: int, payload: VoteIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    poll = queries.access_poll_for_resident(user, poll_id)[0]
    row = actions.do_cast_vote(poll, choices=payload.choices, actor=user, request=request)
    return Status(201, _my_vote(poll, row) or {})


@router.get(
    "/polls/{poll_id}/turnout",
    response={200: TurnoutPageOut, **errors(401, 403, 404)},
    summary="投票人名单",
    description="谁在什么时候以什么方式投了票；无记名投票不含所投选项。",
)
def turnout(
    request: HttpRequest,
    poll_id: int,
    channel: Channel | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user: Any = request.user
    if not _is_staff(user):
        raise Http404
    poll = queries.access_poll(user, poll_id)
    require(user, "polls.view_poll", poll)
    rows = queries.turnout_list(poll, channel or "")
    limit = max(1, min(limit, MAX_LIMIT))
    page = rows[max(offset, 0) : max(offset, 0) + limit]
    return {
        "items": [
            {
                "id": row.pk,
                "resident_id": row.resident_id,
                "name": row.resident.name,
                "channel": row.channel,
                "booth": row.booth.name if row.booth else None,
                "voted_at": row.voted_at,
                "choices": None if poll.is_secret else list(row.open_choices),
            }
            for row in page
        ],
        "count": rows.count(),
    }


def _booth_out(booth: Any) -> dict[str, Any]:
    return {
        "id": booth.pk,
        "name": booth.name,
        "marked": booth.voters.count(),
        "ballots_issued": booth.ballots_issued,
        "ballots_cast": booth.ballots_cast,
        "invalid_ballots": booth.invalid_ballots,
    }


@router.post(
    "/polls/{poll_id}/booths",
    response={201: BoothOut, **errors(401, 403, 404, 422)},
    summary="设立投票站",
)
def add_booth(request: HttpRequest, poll_id: int, payload: BoothIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    poll = queries.access_poll(user, poll_id)
    booth = actions.do_add_booth(poll, name=payload.name, actor=user, request=request)
    return Status(201, _booth_out(booth))


@router.post(
    "/polls/{poll_id}/booths/{booth_id}/paper-voters",
    response={201: TurnoutOut, **errors(401, 403, 404, 422)},
    summary="登记纸质投票人",
    description="该居民在此投票站领取纸质选票；已在网上或其他投票站投票的返回 422。",
)
def mark_paper_voter(
    request: HttpRequest, poll_id: int, booth_id: int, payload: PaperVoterIn
) -> Status[dict[str, Any]]:
    user: Any = request.user
    poll = queries.access_poll(user, poll_id)
    booth = queries.access_booth(user, poll, booth_id)
    record = queries.electorate_search(poll, "").filter(pk=payload.resident).first()
    if record is None:
        fields = {"resident": _("该居民不在本次投票的范围内")}
        raise ApiError(422, "validation_error", fields["resident"], fields=fields)
    row = actions.do_mark_paper_voter(booth, record, actor=user, request=request)
    return Status(
        201,
        {
            "id": row.pk,
            "resident_id": record.pk,
            "name": record.name,
            "channel": row.channel,
            "booth": booth.name,
            "voted_at": row.voted_at,
            "choices": None,
        },
    )


@router.post(
    "/polls/{poll_id}/booths/{booth_id}/results",
    response={200: BoothOut, **errors(401, 403, 404, 422)},
    summary="录入投票站计票",
)
def booth_results(
    request: HttpRequest, poll_id: int, booth_id: int, payload: BoothResultsIn
) -> dict[str, Any]:
    user: Any = request.user
    poll = queries.access_poll(user, poll_id)
    booth = queries.access_booth(user, poll, booth_id)
    booth = actions.do_enter_booth_results(
        booth,
        ballots_issued=payload.ballots_issued,
        ballots_cast=payload.ballots_cast,
        invalid_ballots=payload.invalid_ballots,
        counts=payload.counts,
        actor=user,
        request=request,
    )
    return _booth_out(booth)
