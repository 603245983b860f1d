"""Reads of the opinion map, always inside the reader's reach (DESIGN rule 2).

Staff read the conversations of their jurisdiction by code prefix; anything outside it
is 404. Residents read the conversations of the community and township of their own
registry record (``Resident.user``), never of a place taken from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gongzhi.core.scoping import access
from gongzhi.opinions.enums import ConversationStatus, StatementStatus
from gongzhi.opinions.models import Conversation, OpinionMap, Statement, Vote
from gongzhi.regions.models import CODE_LENGTH, Level, Region
from gongzhi.residents import portal as registry

PAGE_SIZE = 20
PARTICIPATION_SHOWN = 50


# --- Staff ------------------------------------------------------------------------------------


def conversations_for(user: Any) -> QuerySet[Conversation]:
    if not user.has_perm("opinions.use_console"):
        return Conversation.objects.none()
    return Conversation.objects.for_user(user).select_related("region").order_by("-id")


def access_conversation(user: Any, pk: Any) -> Conversation:
    """A conversation of the staff member's jurisdiction, or 404."""
    return access(conversations_for(user).select_related("consultation__owner"), user, pk=pk)


def conversations_of_consultation(consultation: Any) -> list[Conversation]:
    """Every opinion map linked to a consultation, newest first, for its console page
    (listed even when its place lies outside the reader's jurisdiction; not opened)."""
    return list(consultation.opinion_maps.select_related("region").order_by("-id"))


def access_statement(user: Any, pk: Any) -> Statement:
    """A statement of a conversation in the staff member's jurisdiction, or 404."""
    if not user.has_perm("opinions.use_console"):
        raise Http404
    return access(Statement.objects.select_related("conversation"), user, pk=pk)


def statements_with_counts(conversation: Conversation) -> QuerySet[Statement]:
    """Every statement with its agree / disagree / pass counts, oldest first."""
    return (
        Statement.objects.filter(conversation=conversation)
        .annotate(
            n_agree=Count("votes", filter=Q(votes__value=1)),
            n_disagree=Count("votes", filter=Q(votes__value=-1)),
            n_pass=Count("votes", filter=Q(votes__value=0)),
        )
        .select_related("author")
        .order_by("id")
    )


def participant_count(conversation: Conversation) -> int:
    return int(Vote.objects.filter(conversation=conversation).values("voter").distinct().count())


def snapshot_of(conversation: Conversation) -> OpinionMap | None:
    return OpinionMap.objects.filter(conversation=conversation).first()


# --- Residents --------------------------------------------------------------------------------


def resident_community(user: Any) -> Region | None:
    record = registry.own_record(user)
    return record.community if record is not None else None


def resident_conversations(user: Any) -> QuerySet[Conversation]:
    """Conversations of the resident's community and of its township, newest first."""
    community = resident_community(user)
    if community is None:
        return Conversation.objects.none()
    code = community.region_code
    places = [code, code[: CODE_LENGTH[Level.TOWNSHIP]]]
    return (
        Conversation.objects.filter(region_code__in=places)
        .select_related("region", "consultation")
        .prefetch_related("consultation__phases")
        .order_by("status", "-id")
    )


def open_conversations_of_consultation(user: Any, consultation: Any) -> list[Conversation]:
    """The open opinion maps of a consultation that the resident sees (of their community
    or township), for the consultation's page in the portal."""
    return list(
        resident_conversations(user).filter(
            consultation=consultation, status=ConversationStatus.OPEN
        )
    )


def access_resident_conversation(user: Any, pk: Any) -> Conversation:
    try:
        return resident_conversations(user).get(pk=pk)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_live_statement(conversation: Conversation, pk: Any) -> Statement:
    try:
        return Statement.objects.get(
            conversation=conversation, status=StatementStatus.ACCEPTED, pk=pk
        )
    except (Statement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def live_statements(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, status=StatementStatus.ACCEPTED
    ).order_by("id")


def my_votes(conversation: Conversation, user: Any) -> dict[int, int]:
    """statement id → my vote (1, -1, 0)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(
        Vote.objects.filter(conversation=conversation, voter=user).values_list(
            "statement_id", "value"
        )
    )


def next_statement(conversation: Conversation, user: Any) -> Statement | None:
    """The oldest live statement the resident has not voted on yet."""
    voted = Vote.objects.filter(conversation=conversation, voter=user).values("statement_id")
    return live_statements(conversation).exclude(pk__in=voted).first()


def my_statements(conversation: Conversation, user: Any) -> QuerySet[Statement]:
    return Statement.objects.filter(conversation=conversation, author=user).order_by("-id")


# --- Participation record (R3.1f) ------------------------------------------------------------


@dataclass
class ConversationParticipation:
    """What one resident did in one opinion map: statements added and votes cast."""

    conversation: Conversation
    statements: int
    votes: int


def participation_of(user: Any) -> list[ConversationParticipation]:
    """R3.1f: the opinion maps a resident took part in, newest first, with how many
    statements they added and how many they voted on — never how they voted."""
    if not getattr(user, "is_authenticated", False):
        return []
    votes = dict(
        Vote.objects.filter(voter=user)
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values_list("conversation_id", "n")
    )
    statements = dict(
        Statement.objects.filter(author=user, is_seed=False)
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values_list("conversation_id", "n")
    )
    ids = sorted(set(votes) | set(statements), reverse=True)[:PARTICIPATION_SHOWN]
    conversations = Conversation.objects.select_related("region", "consultation").in_bulk(ids)
    return [
        ConversationParticipation(conversations[pk], statements.get(pk, 0), votes.get(pk, 0))
        for pk in ids
        if pk in conversations
    ]


@dataclass(frozen=True)
class ParticipationCount:
    conversations: int
    statements: int
    votes: int


def participation_count(user_id: int | None) -> ParticipationCount:
    """R3.1f: a resident's opinion-map participation in numbers, for staff."""
    if user_id is None:
        return ParticipationCount(0, 0, 0)
    votes = Vote.objects.filter(voter_id=user_id).aggregate(
        n=Count("id"), conversations=Count("conversation", distinct=True)
    )
    statements = Statement.objects.filter(author_id=user_id, is_seed=False)
    in_statements = statements.exclude(
        conversation__in=Vote.objects.filter(voter_id=user_id).values("conversation")
    )
    return ParticipationCount(
        conversations=votes["conversations"]
        + in_statements.values("conversation").distinct().count(),
        statements=statements.count(),
        votes=votes["n"],
    )
