"""Case numbers under concurrency (issue 4: case creation ≥ 300 cases/s under 8 clients).

A number is the day (``YYYYMMDD``) and a six-digit serial, unique, increasing within the
day. On PostgreSQL the serial comes from a sequence, so a submission that has taken its
number holds no lock that the next submission must wait for; a rolled-back submission
leaves a gap (accepted). SQLite keeps the day's counter row (it serialises writers).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections, transaction

from conftest import Personas
from gongzhi.cases.actions import _next_number
from gongzhi.cases.models import Case, CaseNumberCounter
from gongzhi.cases.tests.conftest import MONDAY, submit

WRITERS = 4
CASES_EACH = 8

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "needs PostgreSQL's concurrency: SQLite's test database lives in memory with a "
        "shared cache, where a second writer fails instead of waiting"
    ),
)


@pytest.mark.django_db
def test_numbers_follow_each_other_within_a_day(world: Personas) -> None:
    first, second = submit(world.resident), submit(world.resident)
    assert re.fullmatch(r"20260302\d{6}", first.number)
    assert int(second.number) == int(first.number) + 1


@pytest.mark.django_db
def test_a_rolled_back_submission_leaves_the_next_number_larger(world: Personas) -> None:
    first = submit(world.resident)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(world.resident)
        raise RuntimeError("rolled back")
    after = submit(world.resident)
    # PostgreSQL: the rolled-back serial is a gap; SQLite: the counter rolled back too.
    assert int(after.number) > int(first.number)
    assert not Case.objects.exclude(pk__in=[first.pk, after.pk]).exists()


@pytest.mark.django_db
def test_a_day_the_counter_began_goes_on_from_its_last_serial(world: Personas) -> None:
    # Numbered by the counter row before migration cases/0003, then by the sequence.
    CaseNumberCounter.objects.create(day=MONDAY.date(), last=41)
    assert submit(world.resident).number == "20260302000042"
    assert submit(world.resident).number == "20260302000043"


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestConcurrentNumbering:
    def test_a_number_taken_in_an_open_transaction_does_not_hold_up_the_next(self) -> None:
        # The day's first number inserts the day's row: whoever comes next waits for that
        # one commit. Every later number is one statement that holds nothing.
        with transaction.atomic():
            _next_number(MONDAY)
        taken, release = threading.Event(), threading.Event()
        numbers: list[str] = []
        errors: list[BaseException] = []

        def holder() -> None:
            try:
                with transaction.atomic():
                    numbers.append(_next_number(MONDAY))
                    taken.set()
                    release.wait(timeout=30)
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=holder)
        thread.start()
        try:
            assert taken.wait(timeout=30)
            with transaction.atomic(), connection.cursor() as cursor:
                # A lock wait would fail this statement instead of hanging the test.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
                mine = _next_number(MONDAY)
        finally:
            release.set()
            thread.join(timeout=30)
        assert not errors, errors
        assert int(mine) == int(numbers[0]) + 1

    def test_concurrent_submissions_get_unique_numbers_of_their_day(self, world: Personas) -> None:
        start = threading.Barrier(WRITERS)
        errors: list[BaseException] = []
        written: dict[int, list[str]] = {}

        def writer(index: int) -> None:
            try:
                start.wait()
                written[index] = [submit(world.resident).number for _ in range(CASES_EACH)]
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert not errors, errors
        numbers = [number for mine in written.values() for number in mine]
        assert len(set(numbers)) == WRITERS * CASES_EACH
        assert all(re.fullmatch(r"20260302\d{6}", number) for number in numbers)
        for mine in written.values():
            assert mine == sorted(mine)
        # The serials start at 1; racing first submissions of the day may skip a few.
        serials = sorted(int(number[8:]) for number in numbers)
        assert serials[0] >= 1 and serials[-1] <= WRITERS * CASES_EACH + WRITERS
