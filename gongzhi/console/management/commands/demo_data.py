"""Create the demo data set on top of the real division tree.

Idempotent: places, organisations, accounts and residents that already exist are kept.
Demo residents are registered one by one through the registry's actions, which suits a
demo of a few hundred people; a league-sized synthetic population (1.42 million) needs the
bulk path that arrives with the residents import, so larger numbers are refused.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.accounts.demo import DEMO_NOTE, create_demo_accounts
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.demo import create_demo_members
from gongzhi.organisations.seed import seed_organisations
from gongzhi.regions.demo import create_demo_places
from gongzhi.regions.models import Region
from gongzhi.residents.demo import create_demo_residents
from gongzhi.residents.portal import link_demo_resident_account

MAX_DEMO_RESIDENTS = 5_000


class Command(BaseCommand):
    help = "生成演示数据：网格、小区、楼栋、组织机构、居民、演示账号（行政区划须已导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents", type=int, default=60, help="演示居民人数（在演示社区中生成，默认 60）"
        )
        parser.add_argument("--seed", type=int, default=0, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["residents"] <= MAX_DEMO_RESIDENTS:
            raise CommandError(
                f"--residents 须在 0 到 {MAX_DEMO_RESIDENTS} 之间："
                "更大规模的合成人口须用批量导入生成（尚未提供）"
            )
        if not Region.objects.exists():
            raise CommandError("尚未导入行政区划：请先运行 manage.py load_regions")
        with transaction.atomic():
            # Accounts first: the demo grids take the demo grid worker as their head.
            accounts = create_demo_accounts()
            places = create_demo_places(seed=options["seed"])
            organisations = seed_organisations()
            members = create_demo_members()
            residents = create_demo_residents(n=options["residents"], seed=options["seed"])
            # The demo resident account sees a household in the portal.
            link_demo_resident_account()
            new_places = "新建网格 {grids}、小区 {compounds}、楼栋 {buildings}".format(**places)
            record_event(
                EventType.DEMO_DATA_CREATED,
                summary={
                    "places": places,
                    "organisations": str(organisations),
                    "members": str(members),
                    "residents": residents.residents,
                },
            )
        self.stdout.write(
            f"演示数据就绪：{new_places}；{organisations}；{members}；"
            f"新登记居民 {residents.residents} 人（{residents.households} 户）"
        )
        if not options["quiet_accounts"]:
            self.stdout.write("演示账号（仅供本机演示，生产环境请勿创建）：")
            for username, password, role, region in accounts:
                self.stdout.write(f"  {username:<18} {password:<14} {role}（{region}）")
            self.stdout.write(DEMO_NOTE)
