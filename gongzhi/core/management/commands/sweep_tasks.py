"""``manage.py sweep_tasks [--idle-minutes N]`` — fail work abandoned by a killed worker.

Run it from a timer beside the worker (docs/operations.md, "Task worker").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.progress import fail_abandoned


class Command(BaseCommand):
    help = "将长时间没有进展的“进行中”后台任务标记为失败（后台进程被强行终止时）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--idle-minutes", type=int, default=30, help="多久没有进展视为中断")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["idle_minutes"]
        if minutes < 1:
            raise CommandError("--idle-minutes 须至少为 1")
        count = fail_abandoned(idle=timedelta(minutes=minutes))
        self.stdout.write(f"已将 {count} 个中断的任务标记为失败")
