"""Writes of the opinion map: who may create, moderate and vote (R3.1d, R2.3e), one vote
per participant and statement, moderation, jurisdiction, and the ledger."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from conftest import COMMUNITY_A, TOWNSHIP, Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.opinions import actions, queries
from gongzhi.opinions.enums import ConversationStatus, StatementStatus
from gongzhi.opinions.models import Conversation, OpinionMap, Statement, Vote

pytestmark = pytest.mark.django_db


def first_statement(conversation: Conversation) -> Statement:
    return Statement.objects.filter(conversation=conversation).order_by("id").first()  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("staff_a", True),
        ("street_staff", True),
        ("county_admin", True),
        ("staff_b", False),
        ("resident", False),
        ("grid_worker", False),
        ("system_admin", False),
    ],
)
def test_who_may_create_a_conversation_for_community_a(
    world: Personas, persona: str, allowed: bool
) -> None:
    actor = getattr(world, persona)
    if allowed:
        conversation = actions.do_create_conversation(
            region=COMMUNITY_A, title="议题", statements=["观点一"], actor=actor
        )
        assert conversation.region_code == COMMUNITY_A
        assert Event.objects.filter(type=EventType.OPINION_CONVERSATION_CREATED).count() == 1
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            actions.do_create_conversation(region=COMMUNITY_A, title="议题", actor=actor)
        assert not Conversation.objects.exists()


def test_a_township_may_hold_a_conversation_but_not_a_county(world: Personas) -> None:
    conversation = actions.do_create_conversation(
        region=TOWNSHIP, title="街道议题", actor=world.street_staff
    )
    assert conversation.region_code == TOWNSHIP
    with pytest.raises(ValidationError) as error:
        actions.do_create_conversation(region="152201", title="旗县议题", actor=world.county_admin)
    assert "region" in error.value.message_dict


def test_seed_statements_are_live_and_validated(world: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_create_conversation(
            region=COMMUNITY_A,
            title="",
            statements=["同一句话", "同一句话。", "长" * 141],
            actor=world.staff_a,
        )
    messages = error.value.message_dict
    assert "title" in messages
    assert any("重复" in m for m in messages["statements"])
    assert any("140" in m for m in messages["statements"])


def test_staff_of_another_community_get_404(conversation: Conversation, world: Personas) -> None:
    with pytest.raises(Http404):
        queries.access_conversation(world.staff_b, conversation.pk)
    with pytest.raises(Http404):
        queries.access_statement(world.staff_b, first_statement(conversation).pk)
    assert queries.access_conversation(world.county_admin, conversation.pk) == conversation


def test_a_resident_votes_and_changes_the_vote(conversation: Conversation, world: Personas) -> None:
    statement = first_statement(conversation)
    actions.do_vote(statement, "agree", actor=world.resident)
    actions.do_vote(statement, "disagree", actor=world.resident)
    vote = Vote.objects.get(statement=statement, voter=world.resident)
    assert vote.value == -1
    events = Event.objects.filter(type=EventType.OPINION_VOTED).order_by("seq")
    assert [e.summary["changed"] for e in events] == [False, True]
    # The ledger names the statement, never how the resident voted.
    assert all("value" not in e.summary for e in events)
    # The same vote again writes nothing.
    actions.do_vote(statement, "disagree", actor=world.resident)
    assert events.count() == 2


def test_one_vote_per_participant_and_statement_is_a_database_constraint(
    conversation: Conversation, world: Personas
) -> None:
    statement = first_statement(conversation)
    actions.do_vote(statement, 1, actor=world.resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            conversation=conversation, statement=statement, voter=world.resident, value=0
        )


def test_only_residents_of_the_place_may_vote(
    conversation: Conversation, world: Personas, resident_b: Any
) -> None:
    statement = first_statement(conversation)
    for outsider in (resident_b, world.staff_a):
        with pytest.raises(PermissionDenied):
            actions.do_vote(statement, "agree", actor=outsider)
    assert not Vote.objects.exists()
    # Residents of the conversation's place are those of its queries too.
    with pytest.raises(Http404):
        queries.access_resident_conversation(resident_b, conversation.pk)


def test_a_resident_of_a_community_takes_part_in_its_township(
    world: Personas, neighbour: Any
) -> None:
    township = actions.do_create_conversation(
        region=TOWNSHIP, title="街道议题", statements=["观点"], actor=world.street_staff
    )
    actions.do_vote(first_statement(township), "pass", actor=neighbour)
    assert Vote.objects.filter(voter=neighbour).count() == 1


def test_a_bad_value_and_a_closed_conversation_are_refused(
    conversation: Conversation, world: Personas
) -> None:
    statement = first_statement(conversation)
    with pytest.raises(ValidationError) as error:
        actions.do_vote(statement, "maybe", actor=world.resident)
    assert "value" in error.value.message_dict
    actions.do_close_conversation(conversation, actor=world.staff_a)
    with pytest.raises(ValidationError):
        actions.do_vote(statement, "agree", actor=world.resident)
    with pytest.raises(ValidationError):
        actions.do_close_conversation(conversation, actor=world.staff_a)
    actions.do_reopen_conversation(conversation, actor=world.staff_a)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN


def test_resident_statements_wait_for_moderation_when_the_setting_says_so(
    conversation: Conversation, world: Personas
) -> None:
    statement = actions.do_add_statement(conversation, text="应当多建停车位", actor=world.resident)
    assert statement.status == StatementStatus.PENDING
    with pytest.raises(ValidationError):
        actions.do_vote(statement, "agree", actor=world.resident)
    with pytest.raises(ValidationError) as error:
        actions.do_moderate_statement(statement, accept=False, reason="", actor=world.staff_a)
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.do_moderate_statement(statement, accept=True, actor=world.staff_b)
    actions.do_moderate_statement(statement, accept=True, actor=world.staff_a)
    actions.do_vote(statement, "agree", actor=world.resident)
    rejected = actions.do_moderate_statement(
        statement, accept=False, reason="与已有观点重复", actor=world.staff_a
    )
    assert rejected.reject_reason == "与已有观点重复"
    assert Event.objects.filter(type=EventType.OPINION_STATEMENT_MODERATED).count() == 2


def test_statements_go_live_at_once_without_moderation_and_respect_the_settings(
    conversation: Conversation, world: Personas
) -> None:
    actions.do_edit_conversation(
        conversation, title=conversation.title, moderate_first=False, actor=world.staff_a
    )
    live = actions.do_add_statement(conversation, text="物业应当公开账目", actor=world.resident)
    assert live.status == StatementStatus.ACCEPTED and not live.is_seed
    with pytest.raises(ValidationError) as error:
        actions.do_add_statement(conversation, text="物业应当公开账目！", actor=world.resident)
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_add_statement(conversation, text="长" * 141, actor=world.resident)
    actions.do_edit_conversation(
        conversation, title=conversation.title, allow_statements=False, actor=world.staff_a
    )
    with pytest.raises(ValidationError):
        actions.do_add_statement(conversation, text="另一条观点", actor=world.resident)


def test_a_statement_can_be_edited_only_before_anyone_votes(
    conversation: Conversation, world: Personas
) -> None:
    statement = first_statement(conversation)
    actions.do_edit_statement(statement, text="小区应当增设电动车充电桩", actor=world.staff_a)
    actions.do_vote(statement, "agree", actor=world.resident)
    with pytest.raises(ValidationError):
        actions.do_edit_statement(statement, text="改过的", actor=world.staff_a)


def test_computing_the_map_stores_a_snapshot_and_explains_too_few(
    conversation: Conversation, world: Personas
) -> None:
    actions.do_vote(first_statement(conversation), "agree", actor=world.resident)
    with pytest.raises(PermissionDenied):
        actions.do_compute_opinion_map(conversation, actor=world.staff_b)
    snapshot = actions.do_compute_opinion_map(conversation, actor=world.staff_a)
    assert snapshot.problem == "too_few_participants"
    assert snapshot.data["totals"]
    assert Event.objects.filter(type=EventType.OPINION_MAP_COMPUTED).count() == 1


def test_a_stale_map_is_recomputed_by_the_worker(
    conversation: Conversation, world: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    statement = first_statement(conversation)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_vote(statement, "agree", actor=world.resident)
    # No map yet and a vote: the immediate test backend computed it as the system.
    snapshot = OpinionMap.objects.get(conversation=conversation)
    assert snapshot.votes == 1
    event = Event.objects.filter(type=EventType.OPINION_MAP_COMPUTED).get()
    assert event.actor_id is None
