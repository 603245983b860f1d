"""One person, one vote under concurrent voting on PostgreSQL (issue 5 Tests): threads, each
with its own connection, vote for the same people at the same moment; exactly one vote of
each person commits, every ballot has its turnout row, and a close racing the votes never
lets a vote in after it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conftest import Personas
from gongzhi.polls import actions
from gongzhi.polls.models import Ballot, Turnout
from gongzhi.polls.tests.conftest import make_poll, option_ids, voter

PEOPLE = 6
ATTEMPTS_EACH = 3

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "needs PostgreSQL's concurrency: SQLite's test database lives in memory with a "
        "shared cache, where a second writer fails instead of waiting"
    ),
)


def run_together(jobs: list[Any]) -> tuple[list[Any], list[BaseException]]:
    start = threading.Barrier(len(jobs))
    done: list[Any] = []
    errors: list[BaseException] = []

    def work(job: Any) -> None:
        try:
            start.wait()
            done.append(job())
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return done, errors


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestConcurrentVotes:
    def test_simultaneous_double_votes_count_once(self, personas: Personas) -> None:
        poll = make_poll(personas.staff_a)
        yes = option_ids(poll)[0]
        people = [voter(f"c{n}") for n in range(PEOPLE)]
        jobs = [
            (lambda p=person: actions.do_cast_vote(poll, choices=[yes], actor=p))
            for person in people
            for _ in range(ATTEMPTS_EACH)
        ]
        done, errors = run_together(jobs)
        assert len(done) == PEOPLE
        assert len(errors) == PEOPLE * (ATTEMPTS_EACH - 1)
        assert all(isinstance(e, ValidationError) for e in errors), errors
        assert Turnout.objects.filter(poll=poll).count() == PEOPLE
        assert Ballot.objects.filter(poll=poll).count() == PEOPLE

    def test_online_and_paper_at_once_count_once(self, personas: Personas) -> None:
        poll = make_poll(personas.staff_a)
        booth = actions.do_add_booth(poll, name="第一投票站", actor=personas.staff_a)
        person = voter("both")
        jobs = [
            lambda: actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=person),
            lambda: actions.do_mark_paper_voter(booth, person.record, actor=personas.staff_a),
        ]
        done, errors = run_together(jobs)
        assert len(done) == 1 and len(errors) == 1
        assert isinstance(errors[0], ValidationError)
        assert Turnout.objects.filter(poll=poll).count() == 1
        online = Turnout.objects.filter(poll=poll, channel="online").count()
        assert Ballot.objects.filter(poll=poll).count() == online

    def test_a_close_racing_votes_leaves_no_ballot_without_its_voter(
        self, personas: Personas
    ) -> None:
        poll = make_poll(personas.staff_a)
        people = [voter(f"r{n}") for n in range(PEOPLE)]
        jobs: list[Any] = [
            (lambda p=person: actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=p))
            for person in people
        ]
        jobs.append(lambda: actions.do_close_poll(poll, actor=personas.staff_a))
        _done, errors = run_together(jobs)
        assert all(isinstance(e, ValidationError) for e in errors), errors
        poll.refresh_from_db()
        voters = Turnout.objects.filter(poll=poll).count()
        assert Ballot.objects.filter(poll=poll).count() == voters
        assert sum(o.online_votes or 0 for o in poll.options.all()) == voters
