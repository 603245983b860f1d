"""Create the demo data set on top of the real division tree.

Idempotent: places, organisations, accounts and residents that already exist are kept.
Up to ``SMALL_DEMO_RESIDENTS`` residents are registered one by one through the registry's
actions in the demo communities (``make run``). A larger number — up to the league's
1.42 million and beyond, for benchmarks — is a synthetic population over every community
of the division tree (``residents.synthetic``), written to a CSV under ``var/demo/`` and
loaded by the residents import (validation, encryption, indexes, ledger) — the bulk path.
The same seed gives the same people, so a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.demo import DEMO_NOTE, DEMO_PASSWORD, create_demo_accounts
from gongzhi.cases.demo import create_demo_cases
from gongzhi.consultations.demo import create_demo_consultations
from gongzhi.core.progress import print_progress
from gongzhi.disclosures.demo import SUPERVISOR_ACCOUNT, create_demo_disclosures
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.opinions.demo import create_demo_opinions
from gongzhi.organisations.demo import create_demo_members
from gongzhi.organisations.seed import seed_organisations
from gongzhi.polls.demo import create_demo_polls
from gongzhi.regions.demo import create_demo_places
from gongzhi.regions.models import Level, Region
from gongzhi.residents.demo import create_demo_residents
from gongzhi.residents.importing import do_import_residents
from gongzhi.residents.portal import link_demo_resident_account
from gongzhi.residents.synthetic import write_population_csv

SMALL_DEMO_RESIDENTS = 5_000
MAX_DEMO_RESIDENTS = 3_000_000


class Command(BaseCommand):
    help = "生成演示数据：网格、小区、楼栋、组织机构、居民、演示账号（行政区划须已导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents",
            type=int,
            default=60,
            help=(
                f"演示居民人数（默认 60；不超过 {SMALL_DEMO_RESIDENTS} 人时在演示社区中逐个登记，"
                "更多时在全盟各社区生成合成人口并批量导入）"
            ),
        )
        parser.add_argument("--seed", type=int, default=0, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["residents"] <= MAX_DEMO_RESIDENTS:
            raise CommandError(f"--residents 须在 0 到 {MAX_DEMO_RESIDENTS} 之间")
        if not Region.objects.exists():
            raise CommandError("尚未导入行政区划：请先运行 manage.py load_regions")
        with transaction.atomic():
            # Accounts first: the demo grids take the demo grid worker as their head.
            accounts = create_demo_accounts()
            places = create_demo_places(seed=options["seed"])
            organisations = seed_organisations()
            members = create_demo_members()
            small = options["residents"] <= SMALL_DEMO_RESIDENTS
            residents = create_demo_residents(
                n=options["residents"] if small else 60, seed=options["seed"]
            )
            # The demo resident account sees a household in the portal.
            link_demo_resident_account()
            # Participation and casework, by the demo residents and staff through the actions.
            participation = [
                str(create_demo_consultations()),
                str(create_demo_polls()),
                str(create_demo_opinions(seed=options["seed"])),
                str(create_demo_disclosures()),
                str(create_demo_cases()),
            ]
            new_places = "新建网格 {grids}、小区 {compounds}、楼栋 {buildings}".format(**places)
            record_event(
                EventType.DEMO_DATA_CREATED,
                summary={
                    "places": places,
                    "organisations": str(organisations),
                    "members": str(members),
                    "residents": residents.residents,
                    "participation": participation,
                },
            )
        self.stdout.write(
            f"演示数据就绪：{new_places}；{organisations}；{members}；"
            f"新登记居民 {residents.residents} 人（{residents.households} 户）"
        )
        for line in participation:
            self.stdout.write(f"  {line}")
        if not small:
            self.load_population(options["residents"], options["seed"])
        if not options["quiet_accounts"]:
            self.stdout.write("演示账号（仅供本机演示，生产环境请勿创建）：")
            for username, password, role, region in accounts:
                self.stdout.write(f"  {username:<18} {password:<14} {role}（{region}）")
            self.stdout.write(
                f"  {SUPERVISOR_ACCOUNT:<18} {DEMO_PASSWORD:<14} "
                "居民·居务监督委员会主任（万佳社区）"
            )
            self.stdout.write(DEMO_NOTE)

    def load_population(self, n: int, seed: int) -> None:
        """A synthetic population of ``n`` over the whole league, through the import."""
        communities = list(
            Region.objects.filter(level=Level.COMMUNITY)
            .order_by("region_code")
            .values_list("region_code", flat=True)
        )
        directory = Path(settings.VAR_DIR) / "demo"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"population-{n}-{seed}.csv"
        if not path.exists():
            self.stderr.write(f"正在生成 {n:,} 名合成居民：{path}")
            partial = path.with_suffix(".partial")
            write_population_csv(partial, n, seed, communities, today=timezone.localdate())
            partial.replace(path)
        self.stderr.write("正在批量导入……")
        summary = do_import_residents(
            path,
            actor=None,
            on_progress=lambda done, total: print_progress(
                self.stderr, done, total, label="导入居民"
            ),
        )
        self.stdout.write(
            f"合成人口：{summary.rows} 行，新增 {summary.created}，未变 {summary.unchanged}，"
            f"修改 {summary.updated}，拒绝 {summary.rejected}"
            + (f"（错误文件 {summary.error_file}）" if summary.rejected else "")
        )
