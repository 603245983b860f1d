"""``manage.py reset_password USERNAME [--password P]`` — the operator's password reset.

The three administrators (三员) cannot reset each other's passwords in the web (no
administrator may take over another), so a forgotten administrator password is reset
here. The new password must be changed at the next login, API tokens are revoked and the
reset is written to the audit ledger (without the password).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.accounts.actions import do_reset_password
from gongzhi.accounts.models import User


class Command(BaseCommand):
    help = "重置账号密码（含三员账号）：下次登录须修改密码，已签发的 API 令牌作废"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--password", help="新密码；不提供时生成一个随机密码并显示一次")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在")
        try:
            password = do_reset_password(user, actor=None, password=options["password"])
        except ValidationError as error:
            reasons = "；".join(
                message for messages in error.message_dict.values() for message in messages
            )
            raise CommandError(f"未能重置“{username}”的密码：{reasons}") from None
        self.stdout.write(f"已重置 {username} 的密码，下次登录须修改。")
        if options["password"] is None:
            self.stdout.write(f"新密码（只显示这一次）：{password}")
