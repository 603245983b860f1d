"""``manage.py seed_case_categories`` — add the seeded categories (办件事项) that are missing.

Idempotent: existing categories (by code) are kept as the console left them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.cases.seed import seed_categories


class Command(BaseCommand):
    help = "初始化办件事项目录（已有事项保持不变）"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(seed_categories()))
