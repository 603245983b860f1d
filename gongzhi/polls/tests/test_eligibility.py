"""Who may vote (R3.1h): residents of the poll's region through the registry, adults only
when the poll says so, migrants unless it excludes them — refused in Chinese otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_A, TOWNSHIP, Personas, make_user
from gongzhi.polls import actions
from gongzhi.polls.models import Poll, Turnout
from gongzhi.polls.tests.conftest import make_poll, option_ids

pytestmark = pytest.mark.django_db


def refusal(poll: Poll, user: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=user)
    return refused.value.message_dict["poll"][0]


def test_an_account_without_a_registry_record_is_refused(poll: Poll) -> None:
    stranger = make_user("stranger", "resident", COMMUNITY_A)
    assert "还没有关联居民档案" in refusal(poll, stranger)


def test_a_resident_of_another_community_is_refused(poll: Poll, outsider: Any) -> None:
    assert refusal(poll, outsider) == "本次投票只面向万佳社区居委会的居民，您不在投票范围内。"


def test_a_minor_is_refused_when_the_poll_is_for_adults(poll: Poll, minor: Any) -> None:
    assert refusal(poll, minor) == "本次投票仅限年满18周岁的居民参加。"


def test_a_minor_votes_when_the_poll_is_open_to_all_ages(world: Personas, minor: Any) -> None:
    poll = make_poll(world.staff_a, adults_only=False)
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=minor)
    assert Turnout.objects.filter(poll=poll).count() == 1


def test_migrants_take_part_where_they_live(world: Personas, migrant: Any) -> None:
    poll = make_poll(world.staff_a)
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=migrant)
    excluding = make_poll(world.staff_a, include_migrants=False)
    assert refusal(excluding, migrant) == "本次投票仅限本地常住居民参加，流动人口不在投票范围内。"


def test_a_township_poll_reaches_its_communities(world: Personas, alice: Any) -> None:
    poll = make_poll(world.street_staff, region=TOWNSHIP)
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)


def test_staff_cannot_vote(poll: Poll, world: Personas) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=world.staff_a)


def test_nobody_votes_before_the_opening_or_in_a_draft(world: Personas, alice: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    draft = make_poll(world.staff_a, open_it=False)
    assert refusal(draft, alice) == "投票尚未发布"
    later = make_poll(world.staff_a, opens_at=timezone.now() + timedelta(days=1))
    assert refusal(later, alice) == "投票还没有开始"


def test_a_closed_poll_takes_no_more_votes(world: Personas, poll: Poll, alice: Any) -> None:
    actions.do_close_poll(poll, actor=world.staff_a)
    assert refusal(poll, alice) == "投票已经截止"


def test_a_paper_voter_must_be_entitled_too(
    world: Personas, poll: Poll, outsider: Any, minor: Any
) -> None:
    booth = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_mark_paper_voter(booth, outsider.record, actor=world.staff_a)
    assert refused.value.message_dict["resident"] == [
        "本次投票只面向万佳社区居委会的居民，该居民不在投票范围内。"
    ]
    with pytest.raises(ValidationError):
        actions.do_mark_paper_voter(booth, minor.record, actor=world.staff_a)
