"""Retention: at least six months (Cybersecurity Law Art. 21); archiving copies, never deletes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from gongzhi.ledger.chain import event_hash
from gongzhi.ledger.checks import check_retention
from gongzhi.ledger.models import Event, EventType
from gongzhi.ledger.tests.conftest import append_events
from gongzhi.ledger.verify import verify_chain


class TestRetentionCheck:
    @override_settings(GONGZHI_LEDGER_RETENTION_DAYS=182)
    def test_it_errors_when_retention_is_under_six_months(self) -> None:
        errors = check_retention()
        assert [error.id for error in errors] == ["ledger.E001"]
        assert "183" in errors[0].msg

    @override_settings(GONGZHI_LEDGER_RETENTION_DAYS=183)
    def test_it_accepts_six_months(self) -> None:
        assert check_retention() == []

    def test_the_default_is_a_year(self) -> None:
        from django.conf import settings

        assert settings.GONGZHI_LEDGER_RETENTION_DAYS == 365
        assert check_retention() == []


def chain_with_boundary() -> tuple[list[Event], datetime]:
    """Four events, a moment, six more: returns them and the moment between."""
    first = append_events(4)
    boundary = timezone.now()
    while timezone.now() <= boundary:
        pass  # the next event must be stamped strictly later
    return first + append_events(6), boundary


def archive(before: date, out: Path, *, now: datetime | None = None) -> dict:
    """Run ``archive_ledger`` as if the clock showed ``now`` (events keep their own times)."""
    stdout, stderr = StringIO(), StringIO()
    with patch("django.utils.timezone.now", return_value=now or timezone.now()):
        call_command(
            "archive_ledger",
            "--before",
            before.isoformat(),
            "--out",
            str(out),
            stdout=stdout,
            stderr=stderr,
        )
    return json.loads(stdout.getvalue().strip().splitlines()[-1])


@pytest.mark.django_db
class TestArchiveLedger:
    def test_it_copies_old_events_with_their_hashes_and_deletes_nothing(
        self, tmp_path: Path
    ) -> None:
        chain, boundary = chain_with_boundary()
        a_year_later = boundary + timedelta(days=365)
        out = tmp_path / "ledger-2025.jsonl"
        summary = archive(a_year_later.date() + timedelta(days=1), out, now=a_year_later)
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [line["seq"] for line in lines] == [e.seq for e in chain[:4]]
        assert summary["count"] == 4 and summary["last_hash"] == chain[3].hash
        # Each line rechecks on its own: the hash covers every other field of the line.
        for line in lines:
            stored = line.pop("hash")
            assert event_hash(line) == stored
        assert lines[1]["prev_hash"] == chain[0].hash
        assert Event.objects.filter(seq__lte=chain[-1].seq).count() == len(chain)
        archived = Event.objects.order_by("-seq").first()
        assert archived is not None and archived.type == EventType.LEDGER_ARCHIVED
        assert archived.summary["count"] == 4
        assert verify_chain().ok

    def test_it_keeps_events_within_the_retention_period_out_of_the_archive(
        self, tmp_path: Path
    ) -> None:
        _chain, boundary = chain_with_boundary()
        half_a_year_later = boundary + timedelta(days=183)
        tomorrow = half_a_year_later.date() + timedelta(days=1)
        # Older than six months, younger than the default year of retention: kept out.
        assert archive(tomorrow, tmp_path / "a.jsonl", now=half_a_year_later)["count"] == 0
        with override_settings(GONGZHI_LEDGER_RETENTION_DAYS=183):
            assert archive(tomorrow, tmp_path / "b.jsonl", now=half_a_year_later)["count"] == 4
        # And never more than asked for: events from before the requested date only.
        early = archive(
            boundary.date() - timedelta(days=1), tmp_path / "c.jsonl", now=half_a_year_later
        )
        assert early["count"] == 0

    def test_it_never_overwrites_an_existing_file(self, chain: list[Event], tmp_path: Path) -> None:
        out = tmp_path / "exists.jsonl"
        out.write_text("keep me", encoding="utf-8")
        with pytest.raises(CommandError, match="已存在"):
            archive(timezone.localdate(), out)
        assert out.read_text(encoding="utf-8") == "keep me"

    def test_it_rejects_a_malformed_date(self, db: None, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command(
                "archive_ledger", "--before", "2025/01/01", "--out", str(tmp_path / "x.jsonl")
            )

    def test_its_help_says_it_deletes_nothing(self) -> None:
        from gongzhi.ledger.management.commands.archive_ledger import Command

        assert "不删除任何事件" in Command.help
