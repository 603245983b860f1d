"""Password rules and expiry (GB/T 22239-2019 8.1.4.1 a: 复杂度要求并定期更换)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.actions import do_reset_password
from gongzhi.accounts.models import User
from gongzhi.accounts.tests.helpers import PASSWORD, events, post_login
from gongzhi.accounts.validators import generate_password
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


class TestRules:
    @pytest.mark.parametrize(
        ("password", "message"),
        [
            ("Ab#12cd", "密码太短，至少需要8个字符"),
            ("abcdefgh2026", "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
            ("ABCD!@#$%^", "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
            ("Zhangsan#2026", "密码不能包含用户名"),
            ("nasgnahZ#2026", "密码不能包含用户名"),
            ("Password1!", "这个密码太常见了。"),
        ],
    )
    def test_each_rule_refuses_with_its_chinese_message(self, password, message):
        with pytest.raises(ValidationError) as caught:
            validate_password(password, User(username="zhangsan"))
        assert message in caught.value.messages

    @pytest.mark.parametrize("password", ["Good#Pass2026", "xing-an-League-7", "兴安盟Aa2026"])
    def test_a_good_password_is_accepted(self, password):
        validate_password(password, User(username="zhangsan"))

    def test_generated_passwords_pass_every_rule(self):
        for _ in range(50):
            validate_password(generate_password(), User(username="someone"))


class TestPasswordChangePage:
    def test_it_changes_the_password_and_records_it(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        before = personas.staff_a.password_changed_at
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password": "New#Pass2027",
                "new_password2": "New#Pass2027",
            },
        )
        assert response.status_code == 302
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.check_password("New#Pass2027")
        assert personas.staff_a.password_changed_at > before
        assert client.get("/console/").status_code == 200  # the session survives its own change
        [event] = events(EventType.PASSWORD_CHANGED)
        assert event.actor_username == "staff_a"

    def test_it_names_the_field_and_the_broken_rule(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password": "short1A", "new_password2": "short1A"},
        )
        html = response.content.decode()
        assert "新密码：密码太短，至少需要8个字符" in html
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.check_password(PASSWORD)

    def test_it_asks_for_the_old_password(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "Wrong#2026",
                "new_password": "New#Pass2027",
                "new_password2": "New#Pass2027",
            },
        )
        assert "原密码：原密码不正确" in response.content.decode()

    def test_it_refuses_the_same_password_again(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password": PASSWORD, "new_password2": PASSWORD},
        )
        assert "新密码不能与原密码相同" in response.content.decode()


class TestExpiry:
    def test_an_expired_password_sends_every_page_to_the_change_page(self, client, personas):
        User.objects.filter(pk=personas.staff_a.pk).update(
            password_changed_at=timezone.now() - timedelta(days=91)
        )
        post_login(client, "staff_a", PASSWORD)
        response = client.get("/console/regions/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:password_change"))
        assert (
            "您的密码已超过有效期"
            in client.get(reverse("accounts:password_change")).content.decode()
        )

    def test_a_password_within_its_age_is_left_alone(self, client, personas):
        User.objects.filter(pk=personas.staff_a.pk).update(
            password_changed_at=timezone.now() - timedelta(days=89)
        )
        post_login(client, "staff_a", PASSWORD)
        assert client.get("/console/").status_code == 200

    @override_settings(GONGZHI_PASSWORD_MAX_AGE_DAYS=30)
    def test_the_maximum_age_is_configurable(self, client, personas):
        User.objects.filter(pk=personas.staff_a.pk).update(
            password_changed_at=timezone.now() - timedelta(days=31)
        )
        post_login(client, "staff_a", PASSWORD)
        assert client.get("/console/").status_code == 302

    def test_after_an_administrator_reset_the_password_must_be_changed(self, client, personas):
        temporary = do_reset_password(personas.staff_a, actor=personas.system_admin)
        post_login(client, "staff_a", temporary)
        assert client.get("/console/")["Location"].startswith(reverse("accounts:password_change"))
        page = client.get(reverse("accounts:password_change")).content.decode()
        assert "管理员已重置您的密码" in page
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": temporary,
                "new_password": "Mine#Own2027",
                "new_password2": "Mine#Own2027",
            },
        )
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.must_change_password is False
        assert client.get("/console/").status_code == 200
