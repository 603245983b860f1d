"""One person, one vote across channels (issue 5 Integrity; CONSUL's paper booths): the
turnout list's unique constraint refuses a second vote online, on paper, or across both."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.polls import actions
from gongzhi.polls.enums import Channel
from gongzhi.polls.models import Ballot, Poll, Turnout
from gongzhi.polls.tests.conftest import option_ids

pytestmark = pytest.mark.django_db


def test_a_resident_votes_once_online(poll: Poll, alice: Any) -> None:
    yes = option_ids(poll)[0]
    turnout = actions.do_cast_vote(poll, choices=[yes], actor=alice)
    assert turnout.channel == Channel.ONLINE and turnout.resident == alice.record
    with pytest.raises(ValidationError) as refused:
        actions.do_cast_vote(poll, choices=[yes], actor=alice)
    assert refused.value.message_dict["poll"] == ["您已经投过票了，每人只能投一次"]
    assert Turnout.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_a_paper_voter_cannot_then_vote_online(world: Personas, poll: Poll, alice: Any) -> None:
    booth = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    actions.do_mark_paper_voter(booth, alice.record, actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    assert refused.value.message_dict["poll"] == [
        "您已在投票站“第一投票站”领取纸质选票，不能再网上投票"
    ]
    assert not Ballot.objects.filter(poll=poll).exists()


def test_an_online_voter_cannot_then_get_a_paper_ballot(
    world: Personas, poll: Poll, alice: Any
) -> None:
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    booth = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_mark_paper_voter(booth, alice.record, actor=world.staff_a)
    assert refused.value.message_dict["resident"] == ["该居民已在网上投票，不能再领取纸质选票"]


def test_a_paper_voter_is_marked_at_one_booth_only(world: Personas, poll: Poll, alice: Any) -> None:
    first = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    second = actions.do_add_booth(poll, name="第二投票站", actor=world.staff_a)
    actions.do_mark_paper_voter(first, alice.record, actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_mark_paper_voter(second, alice.record, actor=world.staff_a)
    assert refused.value.message_dict["resident"] == ["该居民已在投票站“第一投票站”领取纸质选票"]


def test_the_database_itself_refuses_a_second_turnout_row(poll: Poll, alice: Any) -> None:
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Turnout.objects.create(poll=poll, resident=alice.record, channel=Channel.ONLINE)


def test_a_single_choice_poll_takes_exactly_one_option(poll: Poll, alice: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.do_cast_vote(poll, choices=option_ids(poll)[:2], actor=alice)
    assert refused.value.message_dict["choices"] == ["本次投票只能选一项"]
    with pytest.raises(ValidationError) as empty:
        actions.do_cast_vote(poll, choices=[], actor=alice)
    assert empty.value.message_dict["choices"] == ["请选择一个选项"]
    assert not Turnout.objects.filter(poll=poll).exists()


def test_every_vote_is_one_ledger_event(poll: Poll, alice: Any, bob: Any) -> None:
    before = Event.objects.filter(type=EventType.POLL_VOTE_CAST).count()
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    actions.do_cast_vote(poll, choices=option_ids(poll)[1:2], actor=bob)
    assert Event.objects.filter(type=EventType.POLL_VOTE_CAST).count() == before + 2
