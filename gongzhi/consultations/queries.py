"""Reads of consultations, always inside the reader's jurisdiction (DESIGN rule 2).

Staff read by the code prefix of their jurisdiction: the topics of its communities, the
consultations it owns, and the consultations led by a street above in which one of its
communities takes part (R3.1a). Residents read from their own registry record, never
from an id in the request: the topics and consultations of their community (and those
their community takes part in), plus their own topics whatever became of them. Anything
else is 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongzhi.consultations.enums import ItemStatus, TopicStatus
from gongzhi.consultations.models import (
    Comment,
    Consultation,
    ConsultationCommunity,
    ImplementationItem,
    Meeting,
    MeetingRegistration,
    OutcomeRating,
    Topic,
    TopicSupport,
)
from gongzhi.consultations.rules import resident_community_code
from gongzhi.core.scoping import scope_of, within

PAGE_SIZE = 20
SHOWN = 50


def _participating(scope_or_code: str, *, exact: bool = False) -> QuerySet[ConsultationCommunity]:
    rows = ConsultationCommunity.objects.all()
    if exact:
        return rows.filter(region_code=scope_or_code)
    return rows.filter(within(scope_or_code))


# --- Staff ------------------------------------------------------------------------------------


def topics_for(user: Any) -> QuerySet[Topic]:
    scope = scope_of(user)
    joined = _participating(scope).values("consultation__topic_id")
    return (
        Topic.objects.filter(within(scope) | Q(pk__in=joined))
        .select_related("community")
        .order_by("-id")
    )


def access_topic(user: Any, pk: Any) -> Topic:
    try:
        return topics_for(user).get(pk=pk)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def consultations_for(user: Any) -> QuerySet[Consultation]:
    scope = scope_of(user)
    joined = _participating(scope).values("consultation_id")
    return (
        Consultation.objects.filter(within(scope) | Q(pk__in=joined))
        .select_related("owner", "topic")
        .order_by("-id")
    )


def access_consultation(user: Any, pk: Any) -> Consultation:
    try:
        return consultations_for(user).get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_meeting(user: Any, pk: Any) -> Meeting:
    try:
        return Meeting.objects.select_related("consultation__owner").get(
            pk=pk, consultation__in=consultations_for(user)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_item(user: Any, pk: Any) -> ImplementationItem:
    try:
        return ImplementationItem.objects.select_related("consultation", "meeting").get(
            pk=pk, consultation__in=consultations_for(user)
        )
    except (ImplementationItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def overdue_items(user: Any, today: date | None = None) -> QuerySet[ImplementationItem]:
    """Items past their deadline and not done, in the staff member's jurisdiction."""
    today = today or timezone.localdate()
    return (
        ImplementationItem.objects.for_user(user)
        .filter(deadline__lt=today)
        .exclude(status=ItemStatus.DONE)
        .select_related("consultation")
        .order_by("deadline", "id")
    )


# --- Residents --------------------------------------------------------------------------------


def resident_topics(user: Any) -> QuerySet[Topic]:
    """The topics of the resident's community and of consultations it takes part in;
    declined topics only for their proposer."""
    code = resident_community_code(user)
    if not code:
        return Topic.objects.none()
    joined = _participating(code, exact=True).values("consultation__topic_id")
    visible = (Q(region_code=code) | Q(pk__in=joined)) & ~Q(status=TopicStatus.DECLINED)
    return (
        Topic.objects.filter(visible | Q(proposer=user)).select_related("community").order_by("-id")
    )


def resident_access_topic(user: Any, pk: Any) -> Topic:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return resident_topics(user).get(pk=pk)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def resident_access_meeting(user: Any, pk: Any) -> Meeting:
    try:
        meeting = Meeting.objects.select_related("consultation__topic").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    resident_access_topic(user, meeting.consultation.topic_id)
    return meeting


def consultation_of(topic: Topic) -> Consultation | None:
    if topic.status != TopicStatus.ACCEPTED:
        return None
    return Consultation.objects.select_related("owner").filter(topic=topic).first()


def meetings_of(consultation: Consultation) -> QuerySet[Meeting]:
    return consultation.meetings.annotate(registered=Count("registrations")).order_by(
        "starts_at", "id"
    )


def items_of(consultation: Consultation) -> list[ImplementationItem]:
    """Items with their updates, each marked overdue or not (``overdue``)."""
    today = timezone.localdate()
    items = list(consultation.items.prefetch_related("updates").order_by("deadline", "id"))
    for item in items:
        item.overdue = item.is_overdue(today)  # type: ignore[attr-defined]
    return items


@dataclass
class RatingSummary:
    count: int
    average: float | None


def rating_summary(consultation: Consultation) -> RatingSummary:
    row = consultation.ratings.aggregate(n=Count("id"), avg=Avg("rating"))
    return RatingSummary(count=row["n"], average=row["avg"])


# --- Participation record (R3.1f) ------------------------------------------------------------


@dataclass
class Participation:
    """What a resident has done in consultations (R3.1f)."""

    proposed: list[Topic] = field(default_factory=list)
    supported: list[TopicSupport] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    registrations: list[MeetingRegistration] = field(default_factory=list)
    ratings: list[OutcomeRating] = field(default_factory=list)

    @property
    def attended(self) -> list[MeetingRegistration]:
        return [r for r in self.registrations if r.attended]


def participation(user: Any) -> Participation:
    return Participation(
        proposed=list(Topic.objects.filter(proposer=user).order_by("-id")[:SHOWN]),
        supported=list(
            TopicSupport.objects.filter(user=user).select_related("topic").order_by("-id")[:SHOWN]
        ),
        comments=list(
            Comment.objects.filter(author=user).select_related("topic").order_by("-id")[:SHOWN]
        ),
        registrations=list(
            MeetingRegistration.objects.filter(user=user)
            .select_related("meeting__consultation")
            .order_by("-id")[:SHOWN]
        ),
        ratings=list(
            OutcomeRating.objects.filter(user=user)
            .select_related("consultation")
            .order_by("-id")[:SHOWN]
        ),
    )


@dataclass(frozen=True)
class ParticipationCount:
    proposed: int
    supported: int
    commented: int
    registered: int
    attended: int
    rated: int

    @property
    def total(self) -> int:
        return self.proposed + self.supported + self.commented + self.registered + self.rated


def participation_count(user_id: int | None) -> ParticipationCount | None:
    """Counts of a resident's participation, for staff (R3.1f); None without an account."""
    if user_id is None:
        return None
    registrations = MeetingRegistration.objects.filter(user_id=user_id).aggregate(
        n=Count("id"), attended=Count("id", filter=Q(attended=True))
    )
    return ParticipationCount(
        proposed=Topic.objects.filter(proposer_id=user_id, raised_by_staff=False).count(),
        supported=TopicSupport.objects.filter(user_id=user_id).count(),
        commented=Comment.objects.filter(author_id=user_id, by_staff=False).count(),
        registered=registrations["n"],
        attended=registrations["attended"],
        rated=OutcomeRating.objects.filter(user_id=user_id).count(),
    )
