"""Committee elections over the REST API (``/api/v1/elections``), R2.3d.

The same reads and writes as the console: staff read the elections of their jurisdiction
(anything else is 404, like an id that does not exist); every write is the action the pages
call — a step the caller may not take is 403, a breach of a rule 422 with the Chinese reason
citing the rule per field.
"""

# No ``from __future__ import annotations``: ninja reads the views' annotations at import time.
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gongzhi.api.errors import errors
from gongzhi.core.scoping import access
from gongzhi.elections import actions, deadlines, queries
from gongzhi.elections.enums import CandidatePost, ElectionKind, ElectionMode, ElectionStatus
from gongzhi.elections.models import Election, PollingStation
from gongzhi.organisations.models import COMMITTEE_KINDS, Organisation

router = Router(tags=["委员会选举"])

MAX_LIMIT = 200
STEPS = ("build-voter-list", "publish-voter-list", "publish-candidates", "tally", "further-round")


class DeadlineOut(Schema):
    key: str
    label: str
    due: date | None
    done_on: date | None
    state: str = Field(description="met 按期、missed 逾期、open 进行中、n/a 尚未开始")
    source: str


class ElectionOut(Schema):
    id: int
    committee_id: int
    committee_name: str
    region_code: str
    kind: str
    mode: str = Field(
        description="选举方式：direct 选民直接选举、household 户代表选举、"
        "group_representatives 居民小组代表选举"
    )
    status: str
    election_day: date
    seats_director: int
    seats_deputy: int
    seats_member: int
    current_round: int
    list_published_on: date | None
    certified_on: date | None
    handover_on: date | None
    deadlines: list[DeadlineOut]


class ElectionPageOut(Schema):
    items: list[ElectionOut]
    count: int


class ElectionFilters(Schema):
    status: ElectionStatus | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ElectionIn(Schema):
    committee: int = Field(description="委员会（组织）id")
    election_day: date
    kind: ElectionKind = ElectionKind.REGULAR
    mode: ElectionMode | None = Field(
        None, description="选举方式；不填为该委员会的默认方式（直接选举）"
    )
    seats_director: int = Field(1, ge=0, le=1)
    seats_deputy: int = Field(0, ge=0, le=9)
    seats_member: int = Field(0, ge=0, le=9)
    note: str = Field("", max_length=500)


class VoterOut(Schema):
    id: int
    name: str
    group: str | None
    category: str
    registered_elsewhere: bool


class VoterPageOut(Schema):
    items: list[VoterOut]
    count: int


class SheetIn(Schema):
    ballots_issued: int = Field(ge=0)
    ballots_cast: int = Field(ge=0)
    ballots_invalid: int = Field(ge=0)
    other_votes: int = Field(0, ge=0)
    votes: dict[int, int] = Field(description="{候选人 id: 得票}")


class SheetOut(Schema):
    id: int
    station_id: int
    round: int
    entry: int


class CandidateResultOut(Schema):
    candidate_id: int
    name: str
    post: CandidatePost
    votes: int
    elected: bool


class RoundOut(Schema):
    round: int
    registered: int
    ballots_issued: int
    ballots_cast: int
    ballots_invalid: int
    is_valid: bool
    results: list[CandidateResultOut]


class ResultsOut(Schema):
    rounds: list[RoundOut]
    empty_seats: dict[str, int]
    composition_breaches: list[str]


def election_out(election: Election, rows: list[deadlines.Deadline]) -> dict[str, Any]:
    return {
        "id": election.pk,
        "committee_id": election.committee_id,
        "committee_name": election.committee.name,
        "region_code": election.region_code,
        "kind": election.kind,
        "mode": election.mode,
        "status": election.status,
        "election_day": election.election_day,
        "seats_director": election.seats_director,
        "seats_deputy": election.seats_deputy,
        "seats_member": election.seats_member,
        "current_round": election.current_round,
        "list_published_on": election.list_published_on,
        "certified_on": election.certified_on,
        "handover_on": election.handover_on,
        "deadlines": [
            {
                "key": d.key,
                "label": d.label,
                "due": d.due,
                "done_on": d.done_on,
                "state": d.state,
                "source": d.source,
            }
            for d in rows
        ],
    }


def _one(user: Any, pk: int) -> dict[str, Any]:
    election = queries.access_election(user, pk)
    return election_out(election, deadlines.deadlines(election, timezone.localdate()))


@router.get(
    "/elections",
    response={200: ElectionPageOut, **errors(401, 422)},
    summary="选举列表",
    description="辖区内的选举及其各项法定期限是否按期。",
)
def list_elections(request: HttpRequest, filters: Query[ElectionFilters]) -> dict[str, Any]:
    user: Any = request.user
    found = queries.elections_for(user, filters.status or "")
    count = found.count()
    page = list(found[filters.offset : filters.offset + filters.limit])
    rows = queries.overview(page, timezone.localdate())
    return {"items": [election_out(r.election, r.deadlines) for r in rows], "count": count}


@router.get(
    "/elections/{election_id}", response={200: ElectionOut, **errors(401, 404)}, summary="查看选举"
)
def get_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _one(request.user, election_id)


@router.post(
    "/elections", response={201: ElectionOut, **errors(401, 403, 404, 422)}, summary="部署选举"
)
def schedule(request: HttpRequest, payload: ElectionIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    committee = access(
        Organisation.objects.filter(kind__in=COMMITTEE_KINDS), user, pk=payload.committee
    )
    data = payload.dict()
    data.pop("committee")
    data["mode"] = data["mode"] or ""
    election = actions.do_schedule_election(
        committee=committee, actor=user, request=request, **data
    )
    return Status(201, _one(user, election.pk))


@router.post(
    "/elections/{election_id}/actions/{step}",
    response={200: ElectionOut, **errors(401, 403, 404, 422)},
    summary="选举流程",
    description="`build-voter-list` 生成选民名单、`publish-voter-list` 公布名单、"
    "`publish-candidates` 公布正式候选人、`tally` 计票、`further-round` 另行选举。",
)
def election_step(request: HttpRequest, election_id: int, step: Literal[STEPS]) -> dict[str, Any]:  # type: ignore[valid-type]
    user: Any = request.user
    election = queries.access_election(user, election_id)
    run = {
        "build-voter-list": actions.do_build_voter_list,
        "publish-voter-list": actions.do_publish_voter_list,
        "publish-candidates": actions.do_publish_candidates,
        "tally": actions.do_tally,
        "further-round": actions.do_start_further_round,
    }[step]
    run(election, actor=user, request=request)
    return _one(user, election_id)


@router.get(
    "/elections/{election_id}/voters",
    response={200: VoterPageOut, **errors(401, 404)},
    summary="选民名单",
)
def voters(
    request: HttpRequest, election_id: int, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    election = queries.access_election(request.user, election_id)
    limit = max(1, min(limit, MAX_LIMIT))
    found = queries.voters_of(election)
    page = found[max(offset, 0) : max(offset, 0) + limit]
    return {
        "items": [
            {
                "id": v.pk,
                "name": v.resident.name,
                "group": v.grid.name if v.grid else None,
                "category": v.category,
                "registered_elsewhere": v.registered_elsewhere,
            }
            for v in page
        ],
        "count": found.count(),
    }


@router.post(
    "/elections/{election_id}/stations/{station_id}/sheets",
    response={201: SheetOut, **errors(401, 403, 404, 422)},
    summary="录入计票单",
    description="每张计票单须由两名工作人员分别录入；同一人再次录入即为更正。",
)
def enter_sheet(
    request: HttpRequest, election_id: int, station_id: int, payload: SheetIn
) -> Status[dict[str, Any]]:
    user: Any = request.user
    election = queries.access_election(user, election_id)
    station = queries.access_in(user, PollingStation, election, station_id)
    sheet = actions.do_enter_sheet(station, actor=user, request=request, **payload.dict())
    return Status(
        201, {"id": sheet.pk, "station_id": station.pk, "round": sheet.round, "entry": sheet.entry}
    )


@router.get(
    "/elections/{election_id}/results",
    response={200: ResultsOut, **errors(401, 404)},
    summary="计票结果",
)
def results(request: HttpRequest, election_id: int) -> dict[str, Any]:
    election = queries.access_election(request.user, election_id)
    rounds = queries.rounds_of(election)
    return {
        "rounds": [
            {
                "round": r.round,
                "registered": r.registered,
                "ballots_issued": r.ballots_issued,
                "ballots_cast": r.ballots_cast,
                "ballots_invalid": r.ballots_invalid,
                "is_valid": r.is_valid,
                "results": [
                    {
                        "candidate_id": x.candidate_id,
                        "name": x.candidate.name,
                        "post": x.candidate.post,
                        "votes": x.votes,
                        "elected": x.elected,
                    }
                    for x in r.results.all()
                ],
            }
            for r in rounds
        ],
        "empty_seats": actions.empty_seats(election) if rounds else {},
        "composition_breaches": (
            actions.new_committee_breaches(election)
            if election.status == ElectionStatus.TALLIED
            else list(election.certified_warnings)
        ),
    }
