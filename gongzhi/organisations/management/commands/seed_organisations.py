"""``manage.py seed_organisations``: the directory's departments, offices, committees and
community party organisations, derived from the loaded division tree. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.organisations.seed import seed_organisations
from gongzhi.regions.models import Region


class Command(BaseCommand):
    help = (
        "生成组织机构目录：职能部门、街道/苏木乡镇、居（村、嘎查）委员会、社区党组织（可重复运行）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--show-skipped", action="store_true", help="列出未设组织的区划及原因")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.exists():
            raise CommandError("尚未导入行政区划：请先运行 manage.py load_regions")
        result = seed_organisations()
        if options["show_skipped"]:
            for code, name, reason in result.skipped:
                self.stdout.write(f"  跳过 {code} {name}：{reason}")
        self.stdout.write(str(result))
