"""Concurrent writers cannot fork the chain: appends queue on the head row's lock."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import Event, EventType, LedgerHead
from gongzhi.ledger.verify import verify_chain

WRITERS = 4
APPENDS_EACH = 50


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "needs PostgreSQL's row lock: SQLite's test database lives in memory with a shared "
        "cache, where a second writer fails with 'table is locked' instead of waiting"
    ),
)
@pytest.mark.django_db(transaction=True)
class TestConcurrentAppends:
    def test_four_writers_on_their_own_connections_leave_one_gapless_verified_chain(self) -> None:
        start = threading.Barrier(WRITERS)
        errors: list[BaseException] = []
        written: dict[int, list[int]] = {}

        def writer(number: int) -> None:
            try:
                start.wait()
                seqs = []
                for index in range(APPENDS_EACH):
                    event = record_event(
                        EventType.SETTING_CHANGED,
                        object_type="test.writer",
                        object_id=str(number),
                        summary={"writer": number, "index": index},
                    )
                    seqs.append(event.seq)
                written[number] = seqs
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
        total = WRITERS * APPENDS_EACH
        all_seqs = sorted(seq for seqs in written.values() for seq in seqs)
        assert all_seqs == list(range(all_seqs[0], all_seqs[0] + total))
        # Each writer saw its own appends in increasing order; the writers interleaved.
        for seqs in written.values():
            assert seqs == sorted(seqs)
        assert Event.objects.count() >= total
        assert Event.objects.values("prev_hash").distinct().count() == Event.objects.count()
        result = verify_chain()
        assert result.ok, result.message
        assert LedgerHead.objects.get(pk=1).last_seq == all_seqs[-1]
