"""``manage.py archive_ledger --before DATE --out FILE`` — copy old events to JSON Lines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongzhi.ledger.actions import archive_cutoff, do_archive_events
from gongzhi.ledger.checks import retention_days


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--before 须为 YYYY-MM-DD 格式的日期，收到 {text!r}") from None


class Command(BaseCommand):
    help = (
        "把早于指定日期、且已超过保留期（GONGZHI_LEDGER_RETENTION_DAYS，至少 183 天）的审计事件"
        "连同哈希链导出为 JSON Lines 文件，供离线归档。本命令不删除任何事件：删除会使哈希链断裂，"
        "且网络安全法第二十一条要求日志至少留存六个月；归档文件每行含事件的全部受哈希保护的字段和"
        "本条哈希，可独立复核。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", required=True, help="导出此日期（本地时间零点）之前的事件，YYYY-MM-DD"
        )
        parser.add_argument("--out", required=True, help="输出文件路径（.jsonl），不得已存在")

    def handle(self, *args: Any, **options: Any) -> None:
        before = _date(options["before"])
        out = Path(options["out"])
        cutoff = timezone.localtime(archive_cutoff(before))
        if cutoff.date() < before:
            self.stderr.write(
                f"保留期为 {retention_days()} 天，期内事件须在线保存："
                f"仅导出 {cutoff:%Y-%m-%d %H:%M} 之前的事件"
            )
        try:
            summary = do_archive_events(before, out)
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"已导出 {summary['count']} 条事件到 {out}（未删除任何事件）")
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
