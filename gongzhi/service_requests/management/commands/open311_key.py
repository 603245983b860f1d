"""``manage.py open311_key NAME [--region CODE]`` — issue an Open311 API key.

The key is printed as the last line of the output (DESIGN: interfaces that stay stable),
so a script can take it with ``tail -n 1``. Only its hash is stored: it cannot be shown
again. ``--revoke PREFIX`` revokes the active key whose prefix is given instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.service_requests.actions import do_issue_open311_key, do_revoke_open311_key
from gongzhi.service_requests.models import Open311ApiKey


class Command(BaseCommand):
    help = "签发 Open311 接口密钥（最后一行输出密钥）；--revoke PREFIX 吊销密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="使用该密钥的系统或单位")
        parser.add_argument("--region", default="", help="限定辖区编码（默认不限）")
        parser.add_argument("--revoke", default="", metavar="PREFIX", help="吊销该前缀的密钥")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            keys = list(Open311ApiKey.objects.active().filter(prefix=options["revoke"]))
            if len(keys) != 1:
                raise CommandError(f"没有找到唯一的有效密钥，前缀：{options['revoke']}")
            do_revoke_open311_key(keys[0], actor=None)
            self.stdout.write(f"已吊销：{keys[0]}")
            return
        try:
            key, raw = do_issue_open311_key(
                options["name"], region_code=options["region"], actor=None
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        scope = key.region_code or "全部"
        self.stdout.write(f"已签发 Open311 接口密钥：{key.name}（前缀 {key.prefix}，辖区 {scope}）")
        self.stdout.write("密钥只显示这一次，请妥善保存：")
        self.stdout.write(raw)
