"""Secret ballots stay secret (issue 5 Integrity): after the close nothing joins the turnout
list (who voted) to the ballots (what was chosen) — neither the schema nor the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models

from conftest import Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.polls import actions
from gongzhi.polls.models import Ballot, Poll, Turnout
from gongzhi.polls.tests.conftest import make_poll, option_ids, voter

pytestmark = pytest.mark.django_db
VOTERS = 12


def test_the_ballot_table_has_no_voter_no_time_and_a_random_key() -> None:
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "poll", "choices"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in fields.values())
    related = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation}
    assert related == {Poll}


def test_the_turnout_table_has_no_link_to_ballots_or_options() -> None:
    related = {f.related_model for f in Turnout._meta.get_fields() if f.is_relation}
    assert Ballot not in related
    assert {m._meta.model_name for m in related if m} == {"poll", "resident", "booth", "user"}


def test_a_secret_vote_leaves_the_choice_nowhere_beside_the_voter(
    world: Personas, poll: Poll, alice: Any
) -> None:
    chosen = option_ids(poll)[1]
    actions.do_cast_vote(poll, choices=[chosen], actor=alice)
    row = Turnout.objects.get(poll=poll, resident=alice.record)
    assert row.open_choices == []
    event = Event.objects.filter(type=EventType.POLL_VOTE_CAST).order_by("-seq").first()
    assert event is not None and event.summary == {"channel": "online"}
    assert str(chosen) not in str(event.summary)


def test_closing_shakes_the_ballot_box(world: Personas, poll: Poll) -> None:
    options = option_ids(poll)
    voters = [voter(f"v{n}") for n in range(VOTERS)]
    for n, person in enumerate(voters):
        actions.do_cast_vote(poll, choices=[options[n % 3]], actor=person)
    keys_before = set(Ballot.objects.filter(poll=poll).values_list("id", flat=True))
    actions.do_close_poll(poll, actor=world.staff_a)

    ballots = Ballot.objects.filter(poll=poll)
    assert ballots.count() == Turnout.objects.filter(poll=poll).count() == VOTERS
    # Fresh random keys: no key of the voting period survives to be matched with a log.
    assert keys_before.isdisjoint(set(ballots.values_list("id", flat=True)))
    # The tally survives the shaking.
    poll.refresh_from_db()
    assert [o.online_votes for o in poll.options.order_by("position")] == [4, 4, 4]
    # No column of the ballots matches a column of the turnout list.
    ballot_columns = {f.column for f in Ballot._meta.concrete_fields}
    turnout_columns = {f.column for f in Turnout._meta.concrete_fields}
    assert ballot_columns & turnout_columns == {"id", "poll_id"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_after_close_no_ballot_shares_a_transaction_with_a_voter(world: Personas) -> None:
    poll = make_poll(world.staff_a)
    for n in range(3):
        actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=voter(f"x{n}"))
    actions.do_close_poll(poll, actor=world.staff_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM polls_ballot b JOIN polls_turnout t ON b.xmin = t.xmin "
            "WHERE b.poll_id = %s",
            [poll.pk],
        )
        assert cursor.fetchone()[0] == 0


def test_an_open_ballot_records_the_choice_with_the_voter(world: Personas, alice: Any) -> None:
    poll = make_poll(world.staff_a, is_secret=False)
    chosen = option_ids(poll)[2]
    actions.do_cast_vote(poll, choices=[chosen], actor=alice)
    assert Turnout.objects.get(poll=poll).open_choices == [chosen]
    event = Event.objects.filter(type=EventType.POLL_VOTE_CAST).order_by("-seq").first()
    assert event is not None and event.summary["choices"] == [chosen]
