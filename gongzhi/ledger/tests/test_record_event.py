"""record_event: gapless sequence, canonical content that rehashes after a database round trip."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.test import RequestFactory

from gongzhi.ledger.chain import GENESIS_HASH, event_hash, hashed_fields, record_event
from gongzhi.ledger.models import Event, EventType, LedgerHead, Outcome
from gongzhi.ledger.tests.conftest import append_events
from gongzhi.ledger.verify import verify_chain

pytestmark = pytest.mark.django_db


def reread(event: Event) -> Event:
    return Event.objects.get(seq=event.seq)


def request_from(address: str) -> Any:
    return RequestFactory().get("/", REMOTE_ADDR=address)


class TestRecordEvent:
    def test_it_numbers_events_without_gaps_and_links_each_to_the_one_before(self) -> None:
        events = append_events(5)
        assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 5))
        assert events[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(events):
            assert after.prev_hash == before.hash
        head = LedgerHead.objects.get(pk=1)
        assert (head.last_seq, head.last_hash) == (events[-1].seq, events[-1].hash)

    def test_it_rehashes_identically_after_the_database_round_trip(self) -> None:
        tricky: dict[Any, Any] = {
            "z": 1,
            "a": {"y": [3, 2, 1], "b": "蒙古族"},
            "whole_float": 1e20,
            "one": 1.0,
            "half": 0.5,
            "small": 1e-7,
            7: "int key",
            "nan": float("nan"),
            "nul": "a\x00b",
            "tuple": (1, 2),
        }
        event = record_event(
            EventType.SETTING_CHANGED, summary=tricky, request=request_from("10.1.2.3")
        )
        stored = reread(event)
        assert event_hash(hashed_fields(stored)) == stored.hash == event.hash
        assert stored.summary["whole_float"] == 10**20
        assert stored.summary["one"] == 1
        assert stored.summary["7"] == "int key"
        assert stored.summary["nul"] == "ab"
        assert stored.summary["nan"] == "nan"

    @pytest.mark.parametrize(
        ("address", "stored"),
        [
            ("::ffff:1.2.3.4", "1.2.3.4"),
            ("2001:DB8:0:0::1", "2001:db8::1"),
            ("fe80::1%eth0", "fe80::1"),
            ("not an address", None),
            ("", None),
        ],
    )
    def test_it_stores_client_addresses_in_the_form_every_database_prints(
        self, address: str, stored: str | None
    ) -> None:
        event = record_event(EventType.LOGIN, request=request_from(address))
        again = reread(event)
        assert again.client_address == stored
        assert event_hash(hashed_fields(again)) == again.hash

    def test_it_cuts_overlong_text_to_the_column_so_every_database_stores_the_same(self) -> None:
        event = record_event(
            EventType.LOGIN_FAILED,
            object_type="accounts.user",
            object_id="x" * 200,
            outcome=Outcome.FAILED,
            summary={"username": "u" * 500},
        )
        again = reread(event)
        assert again.object_id == "x" * 64
        assert event_hash(hashed_fields(again)) == again.hash

    def test_it_rolls_back_with_the_enclosing_action(self) -> None:
        before = LedgerHead.objects.get(pk=1).last_seq if LedgerHead.objects.exists() else 0
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event(EventType.SETTING_CHANGED, summary={"name": "x"})
            raise RuntimeError("the action failed after recording")
        assert not Event.objects.filter(seq__gt=before).exists()
        event = record_event(EventType.SETTING_CHANGED, summary={"name": "y"})
        assert event.seq == before + 1
        assert verify_chain().ok

    def test_it_takes_the_region_from_the_object_then_the_actor(self, personas) -> None:
        by_actor = record_event(EventType.LOGIN, actor=personas.staff_b)
        on_object = record_event(
            EventType.USER_UPDATED, actor=personas.security_admin, obj=personas.staff_a
        )
        assert by_actor.region_code == personas.staff_b.region_code
        assert by_actor.actor_username == "staff_b"
        assert on_object.region_code == personas.staff_a.region_code
        assert on_object.object_type == "accounts.user"
        assert on_object.actor_roles == "security_admin"

    def test_it_starts_a_new_chain_when_the_head_row_is_gone_from_an_empty_ledger(
        self, tamper
    ) -> None:
        if Event.objects.exists():
            pytest.skip("the database already holds events")
        tamper("DELETE FROM ledger_ledgerhead")
        event = record_event(EventType.SETTING_CHANGED)
        assert (event.seq, event.prev_hash) == (1, GENESIS_HASH)
