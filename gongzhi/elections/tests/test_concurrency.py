"""Concurrent writes on PostgreSQL (issue 6 Tests): clerks entering the same box's tally
sheet at the same moment, and proxies filed at once to one holder near the cap. Each thread
has its own connection; the actions' row locks must order them."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.elections import actions
from gongzhi.elections.models import Election, Proxy, TallySheet
from gongzhi.elections.tests.conftest import (
    ELECTION_DAY,
    SCHEDULED_ON,
    at,
    committee_of,
    published,
    schedule,
    slate,
)

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


def prepared(world: Personas) -> tuple[Election, dict[str, list[Any]]]:
    with at(SCHEDULED_ON):
        election = schedule(world.street_staff, committee_of(COMMUNITY_A))
        made = slate(election, world.staff_a, published(election, world.staff_a))
        actions.do_save_station(election, name="流动票箱", kind="mobile", actor=world.staff_a)
    election.refresh_from_db()
    return election, made


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestConcurrentEntry:
    def test_three_clerks_entering_one_box_at_once_fill_places_1_and_2_only(
        self, personas: Personas
    ) -> None:
        election, made = prepared(personas)
        clerks = [make_user(f"clerk{n}", "community_staff", COMMUNITY_A) for n in range(3)]
        station = election.stations.get()
        votes = {made["director"][0].pk: 8}

        def enter(clerk: Any) -> TallySheet:
            return actions.do_enter_sheet(
                station,
                ballots_issued=12,
                ballots_cast=10,
                ballots_invalid=0,
                votes=votes,
                actor=clerk,
            )

        with at(ELECTION_DAY):
            done, errors = run_together([lambda c=c: enter(c) for c in clerks])
        assert len(done) == 2 and len(errors) == 1
        assert isinstance(errors[0], ValidationError), errors
        assert sorted(
            TallySheet.objects.filter(station=station).values_list("entry", flat=True)
        ) == [1, 2]

    def test_proxies_filed_at_once_to_one_holder_stop_at_the_cap(self, personas: Personas) -> None:
        with at(SCHEDULED_ON):
            election = schedule(personas.street_staff, committee_of(COMMUNITY_A))
            voters = published(election, personas.staff_a)
            holder = voters[0]
            jobs = [
                (
                    lambda g=g: actions.do_record_proxy(
                        election,
                        grantor=g,
                        holder=holder,
                        relationship="子女",
                        actor=personas.staff_a,
                    )
                )
                for g in voters[1:6]
            ]
            done, errors = run_together(jobs)
        assert len(done) == 3
        assert all(isinstance(e, ValidationError) for e in errors), errors
        assert Proxy.objects.filter(holder=holder, is_active=True).count() == 3
