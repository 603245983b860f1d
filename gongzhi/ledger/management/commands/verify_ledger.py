"""``manage.py verify_ledger`` — check the audit chain end to end (exit 0 when intact)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.ledger.verify import DEFAULT_BATCH, verify_chain


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = (
        "校验审计链：按序号分批重算每条事件的哈希，检查前后链接、序号连续和链头一致。"
        "完整时退出码为 0，否则非零并指出第一处被篡改、删除、打乱或截断的事件序号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH, help="每批读取的事件条数"
        )
        parser.add_argument("--quiet", action="store_true", help="不在标准错误输出进度")

    def handle(self, *args: Any, **options: Any) -> None:
        show_progress = not options["quiet"]
        interactive = sys.stderr.isatty()
        last_shown = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if not show_progress or (now - last_shown[0] < 1.0 and done < total):
                return
            last_shown[0] = now
            percent = 100 * done // total if total else 100
            line = f"已校验 {done}/{total} 条（{percent}%）"
            self.stderr.write(
                ("\r" + line) if interactive else line,
                style_func=_plain,  # progress, not an error: no red
                ending="" if interactive else "\n",
            )

        result = verify_chain(batch_size=options["batch_size"], progress=progress)
        if show_progress and interactive and last_shown[0]:
            self.stderr.write("", style_func=_plain)
        if not result.ok:
            raise CommandError(result.message, returncode=1)
        self.stdout.write(result.message)
