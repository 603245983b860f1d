"""Topics and consultations over the REST API (``/api/v1/topics``, ``/api/v1/consultations``).

The same reads and writes as the console and the portal: residents read the topics of
their community (``queries.resident_topics``), staff those of their jurisdiction
(``queries.topics_for``), and every write is the action the pages call, so permissions
and phase switches are checked once. Outside the caller's sight is 404; a step the
caller may not take is 403 ``permission_denied``; bad input or a closed phase is 422
``validation_error`` with the Chinese reason per field.
"""

# No ``from __future__ import annotations``: ninja reads the views' annotations at import.
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gongzhi.api.errors import errors
from gongzhi.consultations import actions, queries
from gongzhi.consultations.enums import CommentKind, ConsultationForm, PhaseKey, TopicStatus
from gongzhi.consultations.models import Consultation, Topic

router = Router(tags=["议事协商"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_CAP = 10_000


class CodeLabel(Schema):
    code: str
    label: str


class TopicOut(Schema):
    """议题"""

    id: int
    title: str
    description: str
    community: str = Field(description="所在社区辖区编码")
    status: CodeLabel
    support_count: int
    comment_count: int
    decline_reason: str = Field(description="不予协商的理由（仅提出人和工作人员可见）")
    consultation: int | None = Field(description="纳入协商后的协商 id")
    created_at: datetime


class TopicIn(Schema):
    title: str = Field(max_length=100)
    description: str = Field(max_length=4000)


class CommentIn(Schema):
    body: str = Field(max_length=2000)
    kind: CommentKind = CommentKind.COMMENT


class DecisionOut(Schema):
    meeting: int
    title: str
    motion: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    present_count: int | None
    base_count: int | None
    outcome: CodeLabel
    reason: str
    minority_opinion: str
    rules: list[dict[str, Any]] = Field(description="适用的出席和表决规则及其依据")


class ItemOut(Schema):
    id: int
    title: str
    owner: str
    deadline: date
    progress: int
    status: CodeLabel
    overdue: bool


class MilestoneOut(Schema):
    kind: CodeLabel
    text: str
    created_at: datetime


class ConsultationOut(Schema):
    """协商"""

    id: int
    topic: int
    title: str
    form: CodeLabel
    owner_region_code: str = Field(description="牵头辖区编码（跨社区时为街道）")
    communities: list[str] = Field(description="参与社区辖区编码")
    phase: CodeLabel
    open_features: list[str] = Field(description="当前阶段开放的功能")
    decisions: list[DecisionOut]
    items: list[ItemOut]
    timeline: list[MilestoneOut] = Field(description="采纳、落实、反馈")
    report: str


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=500)


class TopicFilters(Schema):
    status: TopicStatus | None = None


def _code(instance: Any, field: str) -> dict[str, str]:
    return {
        "code": str(getattr(instance, field)),
        "label": str(getattr(instance, f"get_{field}_display")()),
    }


def _is_staff(user: Any) -> bool:
    return bool(user.has_perm("consultations.use_console"))


def _topics(user: Any) -> QuerySet[Topic]:
    return queries.topics_for(user) if _is_staff(user) else queries.resident_topics(user)


def _access_topic(user: Any, pk: int) -> Topic:
    if _is_staff(user):
        return queries.access_topic(user, pk)
    return queries.resident_access_topic(user, pk)


def _access_consultation(user: Any, pk: int) -> Consultation:
    if _is_staff(user):
        return queries.access_consultation(user, pk)
    consultation = Consultation.objects.filter(pk=pk).only("topic_id").first()
    if consultation is None:
        raise Http404
    topic = queries.resident_access_topic(user, consultation.topic_id)
    found = queries.consultation_of(topic)
    if found is None:
        raise Http404
    return found


def topic_out(user: Any, topic: Topic) -> dict[str, Any]:
    sees_reason = topic.proposer_id == user.pk or _is_staff(user)
    consultation = queries.consultation_of(topic)
    return {
        "id": topic.pk,
        "title": topic.title,
        "description": topic.description,
        "community": topic.region_code,
        "status": _code(topic, "status"),
        "support_count": topic.support_count,
        "comment_count": topic.comment_count,
        "decline_reason": topic.decline_reason if sees_reason else "",
        "consultation": consultation.pk if consultation else None,
        "created_at": topic.created_at,
    }


def consultation_out(consultation: Consultation) -> dict[str, Any]:
    from gongzhi.consultations.rules import current_features

    return {
        "id": consultation.pk,
        "topic": consultation.topic_id,
        "title": consultation.title,
        "form": _code(consultation, "form"),
        "owner_region_code": consultation.region_code,
        "communities": list(
            consultation.communities.order_by("region_code").values_list("region_code", flat=True)
        ),
        "phase": _code(consultation, "phase"),
        "open_features": sorted(current_features(consultation)),
        "decisions": [
            {
                "meeting": m.pk,
                "title": m.title,
                "motion": m.motion,
                "votes_for": m.votes_for,
                "votes_against": m.votes_against,
                "votes_abstain": m.votes_abstain,
                "present_count": m.present_count,
                "base_count": m.base_count,
                "outcome": _code(m, "outcome"),
                "reason": m.outcome_reason,
                "minority_opinion": m.minority_opinion,
                "rules": m.rules_applied,
            }
            for m in consultation.meetings.exclude(outcome="").order_by("id")
        ],
        "items": [
            {
                "id": item.pk,
                "title": item.title,
                "owner": item.owner_name,
                "deadline": item.deadline,
                "progress": item.progress,
                "status": _code(item, "status"),
                "overdue": item.overdue,  # type: ignore[attr-defined]
            }
            for item in queries.items_of(consultation)
        ],
        "timeline": [
            {"kind": _code(m, "kind"), "text": m.text, "created_at": m.created_at}
            for m in consultation.milestones.order_by("id")
        ],
        "report": consultation.report,
    }


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(0, ge=0, description="跳过的条数")


class TopicPage(Schema):
    items: list[TopicOut]
    count: int = Field(description=f"符合条件的条数；超过 {COUNT_CAP} 时为 {COUNT_CAP}")


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    count: int = Field(description=f"符合条件的条数；超过 {COUNT_CAP} 时为 {COUNT_CAP}")


def _capped(rows: QuerySet[Any]) -> int:
    return int(rows.order_by().values("pk")[:COUNT_CAP].count())


@router.get(
    "/topics",
    response={200: TopicPage, **errors(401, 422)},
    summary="议题列表",
    description="居民：本社区及本社区参与的议题；工作人员：辖区内的议题。最新的在前。",
)
def list_topics(
    request: HttpRequest, filters: Query[TopicFilters], page: Query[PageIn]
) -> dict[str, Any]:
    user: Any = request.user
    topics = _topics(user)
    if filters.status:
        topics = topics.filter(status=filters.status)
    rows = topics[page.offset : page.offset + page.limit]
    return {"items": [topic_out(user, t) for t in rows], "count": _capped(topics)}


@router.post(
    "/topics",
    response={201: TopicOut, **errors(401, 403, 422)},
    summary="提出议题",
    description="居民为本人所在社区提出议题（社区取自居民档案）。",
)
def propose_topic(request: HttpRequest, body: TopicIn) -> Status:
    user: Any = request.user
    topic = actions.do_propose_topic(
        title=body.title, description=body.description, actor=user, request=request
    )
    return Status(201, topic_out(user, topic))


@router.get("/topics/{topic_id}", response={200: TopicOut, **errors(401, 404)}, summary="议题")
def get_topic(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    return topic_out(request.user, _access_topic(request.user, topic_id))


@router.post(
    "/topics/{topic_id}/support",
    response={200: TopicOut, **errors(401, 403, 404, 422)},
    summary="附议",
)
def support_topic(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    user: Any = request.user
    topic = actions.do_support_topic(_access_topic(user, topic_id), actor=user, request=request)
    return topic_out(user, topic)


@router.post(
    "/topics/{topic_id}/comments",
    response={201: TopicOut, **errors(401, 403, 404, 422)},
    summary="发表意见或方案建议",
)
def comment_topic(request: HttpRequest, topic_id: int, body: CommentIn) -> Status:
    user: Any = request.user
    topic = _access_topic(user, topic_id)
    actions.do_comment_topic(topic, body=body.body, kind=body.kind, actor=user, request=request)
    topic.refresh_from_db()
    return Status(201, topic_out(user, topic))


class ConsultationFilters(Schema):
    phase: PhaseKey | None = None
    form: ConsultationForm | None = None


@router.get(
    "/consultations",
    response={200: ConsultationPage, **errors(401, 403, 422)},
    summary="协商列表（工作人员）",
    description="辖区内牵头的协商，以及本辖区社区参与的街道牵头协商。",
)
def list_consultations(
    request: HttpRequest, filters: Query[ConsultationFilters], page: Query[PageIn]
) -> dict[str, Any]:
    user: Any = request.user
    if not _is_staff(user):
        raise PermissionDenied(_("只有工作人员可以查看协商列表"))
    rows = queries.consultations_for(user)
    if filters.phase:
        rows = rows.filter(phase=filters.phase)
    if filters.form:
        rows = rows.filter(form=filters.form)
    found = rows[page.offset : page.offset + page.limit]
    return {"items": [consultation_out(c) for c in found], "count": _capped(rows)}


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut, **errors(401, 404)},
    summary="协商：阶段、会议决定、落实事项和进程",
)
def get_consultation(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    return consultation_out(_access_consultation(request.user, consultation_id))


@router.post(
    "/consultations/{consultation_id}/advance",
    response={200: ConsultationOut, **errors(401, 403, 404, 422)},
    summary="进入下一阶段",
)
def advance(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    user: Any = request.user
    consultation = queries.access_consultation(user, consultation_id)
    return consultation_out(actions.do_advance_phase(consultation, actor=user, request=request))


@router.post(
    "/consultations/{consultation_id}/rating",
    response={200: ConsultationOut, **errors(401, 403, 404, 422)},
    summary="评价落实情况",
)
def rate(request: HttpRequest, consultation_id: int, body: RatingIn) -> dict[str, Any]:
    user: Any = request.user
    consultation = _access_consultation(user, consultation_id)
    actions.do_rate_outcome(
        consultation, rating=body.rating, comment=body.comment, actor=user, request=request
    )
    return consultation_out(consultation)
