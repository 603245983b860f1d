"""Nothing in the platform can change history: the ORM refuses, and PostgreSQL refuses raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gongzhi.ledger.models import AppendOnlyError, Event, EventType, LedgerHead
from gongzhi.ledger.verify import verify_chain

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only triggers are PostgreSQL's (see migration 0004 for SQLite)",
)


class TestOrmRefusals:
    def test_it_refuses_to_save_a_changed_event(self, chain: list[Event]) -> None:
        event = Event.objects.get(seq=chain[3].seq)
        event.summary = {"name": "rewritten"}
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.save(update_fields=["summary"])
        assert Event.objects.get(seq=chain[3].seq).summary == chain[3].summary

    def test_it_refuses_to_delete_an_event(self, chain: list[Event]) -> None:
        with pytest.raises(AppendOnlyError):
            Event.objects.get(seq=chain[3].seq).delete()
        assert Event.objects.filter(seq=chain[3].seq).exists()

    @pytest.mark.parametrize(
        "write",
        [
            lambda events: events.update(outcome="failed"),
            lambda events: events.delete(),
            lambda events: events.bulk_update(list(events), ["outcome"]),
            lambda events: events.update_or_create(seq=1, defaults={"outcome": "failed"}),
        ],
        ids=["update", "delete", "bulk_update", "update_or_create"],
    )
    def test_it_refuses_bulk_writes_through_the_queryset(self, chain: list[Event], write) -> None:
        with pytest.raises(AppendOnlyError):
            write(Event.objects.all())
        assert verify_chain().ok

    def test_it_refuses_events_written_around_the_chain(self, chain: list[Event]) -> None:
        forged = Event(
            seq=chain[-1].seq + 1,
            at=timezone.now(),
            type=EventType.LOGIN,
            prev_hash=chain[-1].hash,
            hash="f" * 64,
        )
        with pytest.raises(AppendOnlyError):
            forged.save()
        with pytest.raises(AppendOnlyError):
            Event.objects.create(
                seq=chain[-1].seq + 1, at=timezone.now(), type=EventType.LOGIN, hash="e" * 64
            )
        with pytest.raises(AppendOnlyError):
            Event.objects.bulk_create([forged])
        assert not Event.objects.filter(seq__gt=chain[-1].seq).exists()

    def test_it_refuses_to_overwrite_an_event_by_saving_a_new_one_with_its_seq(
        self, chain: list[Event]
    ) -> None:
        impostor = Event(seq=chain[2].seq, at=timezone.now(), type=EventType.LOGIN, hash="d" * 64)
        impostor._appended_by_chain = True  # type: ignore[attr-defined]  # even posing as the chain
        with pytest.raises(DatabaseError), transaction.atomic():
            impostor.save()
        assert Event.objects.get(seq=chain[2].seq).hash == chain[2].hash


@on_postgres
class TestDatabaseTriggers:
    def test_it_rejects_a_raw_update_from_any_client(self, chain: list[Event]) -> None:
        with (
            pytest.raises(DatabaseError, match="只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE ledger_event SET outcome = 'failed' WHERE seq = %s", [chain[1].seq]
            )
        assert Event.objects.get(seq=chain[1].seq).outcome == "success"

    def test_it_rejects_a_raw_delete_from_any_client(self, chain: list[Event]) -> None:
        with (
            pytest.raises(DatabaseError, match="只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM ledger_event WHERE seq = %s", [chain[1].seq])
        assert Event.objects.filter(seq=chain[1].seq).exists()

    def test_it_lets_the_head_only_move_forward_one_event_at_a_time(
        self, chain: list[Event]
    ) -> None:
        with (
            pytest.raises(DatabaseError, match="逐条向前"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE ledger_ledgerhead SET last_seq = last_seq - 3")
        with (
            pytest.raises(DatabaseError, match="不能删除"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM ledger_ledgerhead")
        assert LedgerHead.objects.get(pk=1).last_seq == chain[-1].seq
