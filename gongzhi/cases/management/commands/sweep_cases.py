"""``manage.py sweep_cases`` — mark due-soon and overdue cases and escalate per category.

Run it from a timer (every 5 minutes is plenty: deadlines are in working hours). The
last line is the result as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.cases.sweep import do_sweep_cases
from gongzhi.cases.tasks import sweep_cases_task


class Command(BaseCommand):
    help = "办件期限巡检：标记即将超期和已超期的办件，并按事项设置自动上报"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行，而不是在本进程中执行"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = sweep_cases_task.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id)}))
            return
        swept = do_sweep_cases()
        self.stdout.write(str(swept))
        self.stdout.write(json.dumps(swept.as_dict(), ensure_ascii=False))
