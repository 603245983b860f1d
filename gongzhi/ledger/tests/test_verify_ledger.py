"""verify_ledger names the first altered, deleted, reordered or truncated event."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.ledger.models import Event
from gongzhi.ledger.tests.conftest import append_events
from gongzhi.ledger.verify import verify_chain

pytestmark = pytest.mark.django_db

Tamper = Callable[..., None]


def swap_rows(tamper: Tamper, first: int, second: int) -> None:
    """Exchange two events' positions (their seq) through a temporary number."""
    tamper("UPDATE ledger_event SET seq = -1 WHERE seq = %s", [first])
    tamper("UPDATE ledger_event SET seq = %s WHERE seq = %s", [first, second])
    tamper("UPDATE ledger_event SET seq = %s WHERE seq = -1", [second])


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestIntactChain:
    def test_it_reports_an_intact_chain_with_its_length_and_last_seq(
        self, chain: list[Event]
    ) -> None:
        result = verify_chain()
        assert result.ok
        assert result.count == len(chain)
        assert result.message == f"审计链完整：{len(chain)} 条事件，末条 #{chain[-1].seq}"

    def test_the_command_exits_zero_and_prints_the_summary(self, chain: list[Event]) -> None:
        out, _err = run_command("--quiet")
        assert out.strip() == f"审计链完整：{len(chain)} 条事件，末条 #{chain[-1].seq}"

    def test_it_walks_across_batch_boundaries_and_shows_progress_on_stderr(
        self, chain: list[Event]
    ) -> None:
        out, err = run_command("--batch-size", "3")
        assert "审计链完整" in out
        assert f"已校验 {len(chain)}/{chain[-1].seq} 条" in err

    def test_it_accepts_an_empty_ledger(self, db: None) -> None:
        if Event.objects.exists():
            pytest.skip("the database already holds events")
        assert verify_chain().ok

    def test_it_ignores_events_appended_after_the_walk_began(self, chain: list[Event]) -> None:
        appended: list[Event] = []

        def append_during_walk(done: int, total: int) -> None:
            if not appended:
                appended.extend(append_events(2))

        result = verify_chain(batch_size=4, progress=append_during_walk)
        assert result.ok
        assert result.last_seq == chain[-1].seq
        assert verify_chain().last_seq == appended[-1].seq


class TestTampering:
    def test_it_names_an_altered_event(self, chain: list[Event], tamper: Tamper) -> None:
        target = chain[4].seq
        tamper("UPDATE ledger_event SET actor_username = 'mallory' WHERE seq = %s", [target])
        result = verify_chain()
        assert result.problem is not None
        assert (result.problem.kind, result.problem.seq) == ("altered", target)
        assert result.problem.message == f"第 #{target} 条事件被篡改：内容与其哈希不符"

    def test_it_names_an_altered_summary(self, chain: list[Event], tamper: Tamper) -> None:
        target = chain[6].seq
        tamper("UPDATE ledger_event SET summary = %s WHERE seq = %s", ['{"name": "other"}', target])
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("altered", target)

    def test_it_names_a_deleted_event_in_the_middle(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        target = chain[5].seq
        tamper("DELETE FROM ledger_event WHERE seq = %s", [target])
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("deleted", target)
        assert f"第 #{target} 条事件缺失" in problem.message

    def test_it_names_a_deleted_first_event(self, chain: list[Event], tamper: Tamper) -> None:
        tamper("DELETE FROM ledger_event WHERE seq = %s", [chain[0].seq])
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("deleted", chain[0].seq)

    def test_it_names_two_swapped_events_as_reordered(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        first, second = chain[3].seq, chain[7].seq
        swap_rows(tamper, first, second)
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("reordered", first)
        assert (
            problem.message == f"第 #{first} 条事件顺序被打乱：此位置存放的是原第 #{second} 条事件"
        )

    def test_it_names_a_rehashed_event_as_a_broken_link(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        # An attacker who recomputes the moved event's hash still cannot fix the link.
        from gongzhi.ledger.chain import event_hash, hashed_fields

        first, second = chain[2].seq, chain[3].seq
        swap_rows(tamper, first, second)
        moved = Event.objects.get(seq=first)
        tamper(
            "UPDATE ledger_event SET hash = %s WHERE seq = %s",
            [event_hash(hashed_fields(moved)), first],
        )
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("reordered", first)
        assert "链接断开" in problem.message

    def test_it_names_a_truncated_tail(self, chain: list[Event], tamper: Tamper) -> None:
        tamper("DELETE FROM ledger_event WHERE seq > %s", [chain[6].seq])
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("truncated", chain[7].seq)
        assert f"链头记到 #{chain[-1].seq}" in problem.message

    def test_it_names_a_last_event_rewritten_with_a_fresh_hash(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        from gongzhi.ledger.chain import event_hash, hashed_fields

        last = chain[-1].seq
        tamper("UPDATE ledger_event SET outcome = 'denied' WHERE seq = %s", [last])
        rewritten = Event.objects.get(seq=last)
        tamper(
            "UPDATE ledger_event SET hash = %s WHERE seq = %s",
            [event_hash(hashed_fields(rewritten)), last],
        )
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("head", last)

    def test_it_names_an_event_slipped_in_beyond_the_head(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        beyond = chain[-1].seq + 1
        tamper(
            "INSERT INTO ledger_event (seq, at, actor_username, actor_roles, region_code, type, "
            "object_type, object_id, outcome, summary, prev_hash, hash) "
            "VALUES (%s, CURRENT_TIMESTAMP, '', '', '', 1001, '', '', 'success', '{}', %s, %s)",
            [beyond, chain[-1].hash, "a" * 64],
        )
        problem = verify_chain().problem
        assert problem is not None and (problem.kind, problem.seq) == ("head", beyond)

    def test_the_command_exits_non_zero_naming_the_first_problem(
        self, chain: list[Event], tamper: Tamper
    ) -> None:
        first, later = chain[2].seq, chain[8].seq
        tamper("UPDATE ledger_event SET object_id = 'x' WHERE seq IN (%s, %s)", [first, later])
        with pytest.raises(CommandError) as raised:
            run_command("--quiet")
        assert raised.value.returncode == 1
        assert str(raised.value) == f"第 #{first} 条事件被篡改：内容与其哈希不符"


class TestTimeLimit:
    def test_it_stops_between_batches_and_says_the_check_is_incomplete(
        self, chain: list[Event]
    ) -> None:
        result = verify_chain(batch_size=2, time_limit=0)
        assert not result.complete and not result.ok and result.problem is None
        assert result.count == 2
        assert "manage.py verify_ledger" in result.message
