"""``manage.py create_user USERNAME --role ROLE [--role ROLE] --region CODE [--password P]``

For operators and tests. This is also how the three administrator accounts (三员) are
created: the web lets a system administrator create business accounts only.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.accounts.actions import do_create_user
from gongzhi.accounts.models import Role
from gongzhi.accounts.queries import resolve_region


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(
            message for messages in error.message_dict.values() for message in messages
        )
    return "；".join(error.messages)


class Command(BaseCommand):
    help = "创建账号：绑定一个辖区，授予一个或多个角色（三员账号只能用此命令创建）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            metavar="ROLE",
            help="角色代码，可重复：" + ", ".join(Role.values),
        )
        parser.add_argument(
            "--region",
            required=True,
            metavar="CODE",
            help="所属辖区：12位统计用区划代码（152201001001）或辖区编码（152201001）",
        )
        parser.add_argument("--password", help="初始密码；不提供时在终端中输入两次")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        roles = options["role"]
        unknown = sorted(set(roles) - set(Role.values))
        if unknown:
            raise CommandError(
                f"未知角色：{', '.join(unknown)}。可用角色代码：{', '.join(Role.values)}"
            )
        region_value = options["region"].strip()
        if not region_value.isdigit():
            raise CommandError(f"辖区须为数字代码（12位统计用区划代码或辖区编码）：{region_value}")
        try:
            region = resolve_region(None, region_value)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        password = options["password"]
        if password is None:
            password = self._prompt_password()
        try:
            user = do_create_user(
                username,
                roles=roles,
                region=region,
                password=password,
                full_name=options["name"],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(f"未能创建账号“{username}”：{_messages(error)}") from None
        labels = "、".join(str(Role(role).label) for role in sorted(roles))
        self.stdout.write(
            f"已创建账号 {user.username}（{labels}；{region.name} {region.region_code}）"
        )

    def _prompt_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("未提供密码：请用 --password 指定，或在终端中运行以便输入密码")
        first = getpass.getpass("密码：")
        second = getpass.getpass("再次输入密码：")
        if first != second:
            raise CommandError("两次输入的密码不一致")
        return first
