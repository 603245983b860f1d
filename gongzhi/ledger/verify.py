"""Checking the hash chain from the first event to the head (``manage.py verify_ledger``).

The walk reads events in sequence order in batches (keyset pagination on ``seq``), so
memory stays bounded however long the chain is. It stops at the first problem and names
it with the sequence number where the chain first goes wrong:

- ``deleted``   — a sequence number is missing (sequence numbers are handed out without gaps);
- ``altered``   — an event's content no longer matches its hash;
- ``reordered`` — an intact event sits at another position, or an event's link to the one
  before it is broken;
- ``truncated`` — the head records more events than the table holds;
- ``head``      — the head's hash differs from the last event's, the head row is missing,
  or rows sit beyond the head or below #1 (written around ``record_event``).

An attacker who deletes the tail *and* rewinds the head leaves a shorter chain that is
consistent in itself; keeping copies of the head's hash outside the database (archive
files, the verification log) is what reveals that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Subquery
from django.utils.translation import gettext as _

from gongzhi.ledger.chain import GENESIS_HASH, event_hash, hashed_fields
from gongzhi.ledger.models import Event, LedgerHead

DEFAULT_BATCH = 2000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int
    message: str


@dataclass(frozen=True)
class VerifyResult:
    count: int  # events checked
    last_seq: int  # the last event checked
    last_hash: str
    head_seq: int
    problem: Problem | None = None
    complete: bool = True  # False when the time limit stopped the walk first
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None and self.complete

    @property
    def message(self) -> str:
        if self.problem is not None:
            return self.problem.message
        if not self.complete:
            return _(
                "在限定时间内校验了 %(count)s 条事件（至 #%(seq)s），未发现问题；"
                "完整校验请运行 manage.py verify_ledger"
            ) % {"count": self.count, "seq": self.last_seq}
        return _("审计链完整：%(count)s 条事件，末条 #%(seq)s") % {
            "count": self.count,
            "seq": self.last_seq,
        }


def _original_position(event: Event) -> int | None:
    """Where an event whose hash fails here would verify: after the event its link names."""
    if event.prev_hash == GENESIS_HASH:
        before = 0
    else:
        found = Event.objects.filter(hash=event.prev_hash).values_list("seq", flat=True).first()
        if found is None:
            return None
        before = found
    candidate = before + 1
    if candidate != event.seq and event_hash(hashed_fields(event, seq=candidate)) == event.hash:
        return candidate
    return None


def _check(event: Event, expected: int, prev_hash: str) -> Problem | None:
    if event.seq < expected:
        return Problem(
            "head",
            event.seq,
            _("发现序号异常的事件 #%(seq)s（未经正常追加写入）") % {"seq": event.seq},
        )
    if event.seq > expected:
        return Problem(
            "deleted",
            expected,
            _("第 #%(seq)s 条事件缺失（已被删除）：序号从 #%(before)s 跳到 #%(after)s")
            % {"seq": expected, "before": expected - 1, "after": event.seq},
        )
    if event_hash(hashed_fields(event)) != event.hash:
        original = _original_position(event)
        if original is not None:
            return Problem(
                "reordered",
                event.seq,
                _("第 #%(seq)s 条事件顺序被打乱：此位置存放的是原第 #%(original)s 条事件")
                % {"seq": event.seq, "original": original},
            )
        return Problem(
            "altered",
            event.seq,
            _("第 #%(seq)s 条事件被篡改：内容与其哈希不符") % {"seq": event.seq},
        )
    if event.prev_hash != prev_hash:
        return Problem(
            "reordered",
            event.seq,
            _("第 #%(seq)s 条事件与前一条的链接断开（顺序被打乱或有事件被插入）")
            % {"seq": event.seq},
        )
    return None


def _check_end(head: LedgerHead, last_seq: int, last_hash: str) -> Problem | None:
    """Compare the end of a walk that found every event intact with the head."""
    if last_seq < head.last_seq:
        return Problem(
            "truncated",
            last_seq + 1,
            _(
                "审计链尾部被截断：链头记到 #%(head)s，事件表只到 #%(last)s，"
                "自 #%(seq)s 起的事件缺失"
            )
            % {"head": head.last_seq, "last": last_seq, "seq": last_seq + 1},
        )
    if last_hash != head.last_hash:
        return Problem(
            "head",
            last_seq,
            _("链头哈希与末条事件 #%(seq)s 不符（末条事件或链头被改动）") % {"seq": last_seq},
        )
    # One statement, so an append committing meanwhile moves head and row together.
    current_head = LedgerHead.objects.filter(pk=1).values("last_seq")[:1]
    beyond = (
        Event.objects.filter(seq__gt=Subquery(current_head))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if beyond is not None:
        return Problem(
            "head",
            beyond,
            _("第 #%(seq)s 条事件位于链头之后（未经正常追加写入）") % {"seq": beyond},
        )
    return None


def verify_chain(
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    time_limit: float | None = None,
) -> VerifyResult:
    """Walk the chain up to the head as it stands when the walk starts.

    Events appended while the walk runs are left for the next run. ``time_limit`` (seconds)
    stops the walk between batches and returns ``complete=False``.
    """
    started = time.monotonic()
    head = LedgerHead.objects.filter(pk=1).first()
    if head is None:
        last = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
        if last is None:
            return VerifyResult(0, 0, GENESIS_HASH, 0)
        return VerifyResult(
            0,
            0,
            GENESIS_HASH,
            0,
            Problem("head", last, _("审计链头记录缺失（事件表末条为 #%(seq)s）") % {"seq": last}),
            elapsed=time.monotonic() - started,
        )

    expected, prev_hash, count = 1, GENESIS_HASH, 0
    cursor: int | None = None
    while True:
        batch = Event.objects.filter(seq__lte=head.last_seq).order_by("seq")
        if cursor is not None:
            batch = batch.filter(seq__gt=cursor)
        events = list(batch[:batch_size])
        for event in events:
            problem = _check(event, expected, prev_hash)
            if problem is not None:
                return VerifyResult(
                    count,
                    expected - 1,
                    prev_hash,
                    head.last_seq,
                    problem,
                    elapsed=time.monotonic() - started,
                )
            count += 1
            expected = event.seq + 1
            prev_hash = event.hash
        if events:
            cursor = events[-1].seq
            if progress is not None:
                progress(count, head.last_seq)
        if len(events) < batch_size:
            break
        if time_limit is not None and time.monotonic() - started > time_limit:
            return VerifyResult(
                count,
                expected - 1,
                prev_hash,
                head.last_seq,
                complete=False,
                elapsed=time.monotonic() - started,
            )

    last_seq = expected - 1
    elapsed = time.monotonic() - started
    problem = _check_end(head, last_seq, prev_hash)
    return VerifyResult(count, last_seq, prev_hash, head.last_seq, problem, elapsed=elapsed)
