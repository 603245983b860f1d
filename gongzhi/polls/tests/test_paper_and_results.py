"""Paper booths, the online/paper breakdown, results hidden until the close, and the
turnout rule from the policy store (DESIGN rule 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.polls import actions, queries
from gongzhi.polls.enums import PollStatus
from gongzhi.polls.models import Poll
from gongzhi.polls.tests.conftest import make_poll, option_ids, voter

pytestmark = pytest.mark.django_db


def enter(booth: Any, poll: Poll, actor: Any, votes: list[int], **numbers: int) -> Any:
    ids = option_ids(poll)
    return actions.do_enter_booth_results(
        booth,
        ballots_issued=numbers.get("issued", 2),
        ballots_cast=numbers.get("cast", 2),
        invalid_ballots=numbers.get("invalid", 0),
        counts=dict(zip(ids, votes, strict=True)),
        actor=actor,
    )


def test_results_combine_online_and_paper(world: Personas, poll: Poll) -> None:
    staff = world.staff_a
    ids = option_ids(poll)
    for n in range(3):
        actions.do_cast_vote(poll, choices=[ids[0]], actor=voter(f"online{n}"))
    booth = actions.do_add_booth(poll, name="老年活动中心", actor=staff)
    for n in range(2):
        actions.do_mark_paper_voter(booth, voter(f"paper{n}").record, actor=staff)
    actions.do_close_poll(poll, actor=staff)
    enter(booth, poll, staff, [1, 1, 0])
    poll = actions.do_publish_results(poll, actor=staff)

    found = queries.results(poll)
    assert [(o.online, o.paper, o.total) for o in found.options] == [
        (3, 1, 4),
        (0, 1, 1),
        (0, 0, 0),
    ]
    assert (found.online_voters, found.paper_voters, found.voters) == (3, 2, 5)
    assert [o.carried for o in found.options] == [True, False, False]  # 4 of 5: 过半数


def test_a_booth_count_must_add_up(world: Personas, poll: Poll, alice: Any, bob: Any) -> None:
    staff = world.staff_a
    booth = actions.do_add_booth(poll, name="第一投票站", actor=staff)
    actions.do_mark_paper_voter(booth, alice.record, actor=staff)
    actions.do_mark_paper_voter(booth, bob.record, actor=staff)
    actions.do_close_poll(poll, actor=staff)
    with pytest.raises(ValidationError) as refused:
        enter(booth, poll, staff, [2, 1, 0])
    assert refused.value.message_dict["ballots_cast"] == ["各选项得票之和（3）应等于有效票数（2）"]
    with pytest.raises(ValidationError) as issued:
        enter(booth, poll, staff, [1, 0, 0], issued=3, cast=1)
    assert issued.value.message_dict["ballots_issued"] == [
        "发出选票数（3）应等于本站登记领票的人数（2）"
    ]
    enter(booth, poll, staff, [1, 0, 0], cast=2, invalid=1)


def test_results_wait_for_every_booth(world: Personas, poll: Poll) -> None:
    actions.do_add_booth(poll, name="第二投票站", actor=world.staff_a)
    actions.do_close_poll(poll, actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_publish_results(poll, actor=world.staff_a)
    assert refused.value.message_dict["booths"] == ["以下投票站还没有录入计票结果：第二投票站"]


def test_results_are_hidden_until_the_close(world: Personas, poll: Poll, alice: Any) -> None:
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    assert not queries.staff_may_see_results(poll)
    assert not queries.residents_may_see_results(poll)
    poll = actions.do_close_poll(poll, actor=world.staff_a)
    assert queries.staff_may_see_results(poll)
    assert not queries.residents_may_see_results(poll)
    poll = actions.do_publish_results(poll, actor=world.staff_a)
    assert queries.residents_may_see_results(poll)


def test_live_results_show_while_open(world: Personas, alice: Any) -> None:
    poll = make_poll(world.staff_a, results_visibility="live", is_secret=False)
    actions.do_cast_vote(poll, choices=option_ids(poll)[1:2], actor=alice)
    assert queries.residents_may_see_results(poll)
    assert [o.online for o in queries.results(poll).options] == [0, 1, 0]


def test_the_turnout_rule_comes_from_the_policy_store(world: Personas, alice: Any) -> None:
    poll = make_poll(world.staff_a, requires_turnout=True)
    others = [voter(f"r{n}") for n in range(2)]  # three entitled in all
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    actions.do_close_poll(poll, actor=world.staff_a)
    poll = actions.do_publish_results(poll, actor=world.staff_a)
    found = queries.results(poll)
    assert poll.eligible_count == 1 + len(others)
    assert poll.is_valid is False and found.turnout_met is False  # 1 of 3 is not 过半数
    assert found.turnout_minimum == 2
    assert found.turnout_rule is not None and "第十条" in found.turnout_rule.source
    assert poll.status == PollStatus.PUBLISHED


def test_only_a_draft_can_be_edited(world: Personas, poll: Poll) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.do_save_poll(
            poll,
            region=poll.region_code,
            title="改",
            question="改",
            options=["甲", "乙"],
            opens_at=poll.opens_at,
            closes_at=poll.closes_at,
            actor=world.staff_a,
        )
    assert refused.value.message_dict["status"] == ["投票已经开始，不能再修改"]


def test_a_draft_names_every_bad_field(world: Personas) -> None:
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        actions.do_save_poll(
            region="152201002001",  # community B, outside staff A's jurisdiction
            title="",
            question="事项",
            options=["只有一个"],
            opens_at=now,
            closes_at=now,
            choice_kind="multiple",
            max_choices=5,
            actor=world.staff_a,
        )
    errors = refused.value.message_dict
    assert errors["title"] == ["请填写标题"]
    assert errors["options"] == ["请填写 2 至 20 个选项，每行一个"]
    assert errors["closes_at"] == ["截止时间须晚于开始时间"]
    assert errors["region"] == ["组织单位须在您的辖区内"]
    assert "max_choices" in errors


def test_a_secret_poll_cannot_show_live_results(world: Personas) -> None:
    """A moving count beside the turnout list would reveal late voters' choices."""
    with pytest.raises(ValidationError) as caught:
        make_poll(world.staff_a, results_visibility="live", is_secret=True, open_it=False)
    assert "无记名投票不能实时显示结果" in caught.value.message_dict["results_visibility"][0]
