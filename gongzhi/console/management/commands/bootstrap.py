"""First-run and every-run setup behind ``make run``: migrate, regions, demo data.

Each step checks what exists and skips work already done, so a second run is quick.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from gongzhi.cases.seed import seed_categories
from gongzhi.core.bulkload import restore_deferred_indexes
from gongzhi.regions.models import Region


class Command(BaseCommand):
    help = "初始化本机演示环境：迁移数据库、导入行政区划、生成演示数据和演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="只迁移和导入区划，不生成演示数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移")
        rebuilt = restore_deferred_indexes()  # left by a bulk import that was killed
        if rebuilt:
            self.stdout.write(f"已重建上次批量导入中断时未恢复的索引 {rebuilt} 个")
        if Region.objects.exists():
            self.stdout.write(f"行政区划已存在（{Region.objects.count()} 条），跳过导入")
        else:
            call_command("load_regions", stdout=self.stdout)
        # The case categories are base data, not demo data: seeded on every run, idempotently.
        self.stdout.write(str(seed_categories()))
        if not options["no_demo"]:
            call_command("demo_data", stdout=self.stdout)
