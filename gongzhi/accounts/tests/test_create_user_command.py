"""``manage.py create_user`` for operators: the happy path and each error, in Chinese."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.accounts.models import User
from gongzhi.accounts.tests.helpers import events
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


class TestHappyPath:
    def test_it_creates_an_account_with_a_short_region_code(self, regions):
        out = run(
            "li_ming",
            "--role",
            "township_staff",
            "--region",
            "152201001",
            "--password",
            "Good#Pass2026",
            "--name",
            "李明",
        )
        user = User.objects.get(username="li_ming")
        assert (user.region_code, user.full_name, user.roles) == (
            "152201001",
            "李明",
            {"township_staff"},
        )
        assert user.check_password("Good#Pass2026")
        assert "已创建账号 li_ming" in out and "爱国街道" in out
        [event] = events(EventType.USER_CREATED)
        assert event.actor_username == ""

    def test_it_accepts_the_12_digit_code_and_repeated_roles(self, regions):
        run(
            "bateer",
            "--role",
            "grid_worker",
            "--role",
            "community_staff",
            "--region",
            "152201001001",
            "--password",
            "Good#Pass2026",
        )
        user = User.objects.get(username="bateer")
        assert user.region_code == "152201001001"
        assert user.roles == {"grid_worker", "community_staff"}

    def test_it_creates_the_administrators(self, regions):
        run(
            "sec",
            "--role",
            "security_admin",
            "--region",
            "152200000000",
            "--password",
            "Good#Pass2026",
        )
        assert User.objects.get(username="sec").roles == {"security_admin"}


class TestErrors:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["x1", "--role", "mayor", "--region", "1522", "--password", "Good#Pass2026"],
                "未知角色：mayor",
            ),
            (
                ["x2", "--role", "resident", "--region", "999999", "--password", "Good#Pass2026"],
                "未找到辖区“999999”",
            ),
            (
                ["x3", "--role", "resident", "--region", "乌兰浩特", "--password", "Good#Pass2026"],
                "辖区须为数字代码",
            ),
            (["x4", "--role", "resident", "--region", "1522", "--password", "short"], "密码太短"),
            (
                [
                    "x5",
                    "--role",
                    "system_admin",
                    "--role",
                    "audit_admin",
                    "--region",
                    "1522",
                    "--password",
                    "Good#Pass2026",
                ],
                "须由不同账号担任",
            ),
        ],
    )
    def test_it_refuses_with_a_chinese_message(self, regions, args, message):
        with pytest.raises(CommandError) as caught:
            run(*args)
        assert message in str(caught.value)
        assert not User.objects.filter(username=args[0]).exists()

    def test_a_taken_username_is_refused(self, regions):
        run("dup", "--role", "resident", "--region", "1522", "--password", "Good#Pass2026")
        with pytest.raises(CommandError) as caught:
            run("dup", "--role", "resident", "--region", "1522", "--password", "Good#Pass2026")
        assert "用户名“dup”已存在" in str(caught.value)

    def test_without_a_password_and_without_a_terminal_it_stops(self, regions, monkeypatch):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        with pytest.raises(CommandError) as caught:
            run("nopw", "--role", "resident", "--region", "1522")
        assert "未提供密码" in str(caught.value)

    def test_it_prompts_twice_on_a_terminal(self, regions, monkeypatch):
        class Tty(io.StringIO):
            def isatty(self) -> bool:
                return True

        answers = iter(["Good#Pass2026", "Good#Pass2027"])
        monkeypatch.setattr("sys.stdin", Tty(""))
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
        with pytest.raises(CommandError) as caught:
            run("typo", "--role", "resident", "--region", "1522")
        assert "两次输入的密码不一致" in str(caught.value)
        answers = iter(["Good#Pass2026", "Good#Pass2026"])
        run("typo", "--role", "resident", "--region", "1522")
        assert User.objects.get(username="typo").check_password("Good#Pass2026")

    def test_the_process_exits_non_zero_on_failure(self, regions):
        import subprocess
        import sys

        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "create_user",
                "x",
                "--role",
                "mayor",
                "--region",
                "1522",
                "--password",
                "Good#Pass2026",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert "未知角色" in result.stderr
