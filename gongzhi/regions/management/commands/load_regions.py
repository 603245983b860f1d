"""``manage.py load_regions [PATH] [--year YYYY]`` — load or update the division tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.regions.loader import DEFAULT_PATH, RegionFileError, load_regions
from gongzhi.regions.models import Region

FIELD_LABELS = {field.name: str(field.verbose_name) for field in Region._meta.fields}


class Command(BaseCommand):
    help = "导入或更新行政区划（统计用区划代码 CSV）；有被拒绝的行时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="区划 CSV 文件路径")
        parser.add_argument("--year", type=int, default=None, help="数据年份，例如 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_regions(Path(options["path"]), source_year=options["year"])
        except RegionFileError as exc:
            raise CommandError(str(exc)) from exc
        for change in report.changes:
            if change.kind == "added" and options["verbosity"] < 2:
                continue
            label = {"added": "新增", "changed": "变更", "deactivated": "停用"}[change.kind]
            # The parent's id is internal; its code shows in parent_code.
            details = "；".join(
                f"{FIELD_LABELS.get(name, name)}：{old} → {new}"
                for name, (old, new) in change.fields.items()
                if name != "parent"
            )
            self.stdout.write(
                f"{label} {change.code} {change.name}" + (f"（{details}）" if details else "")
            )
        self.stdout.write(report.summary_line())
        if report.rejected:
            for rejection in report.rejected:
                self.stderr.write(str(rejection))
            raise CommandError(f"拒绝 {len(report.rejected)} 行")
