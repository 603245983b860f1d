"""Logging in and out: one page for staff and residents, and what the ledger keeps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.tests.helpers import PASSWORD, events, post_login
from gongzhi.ledger.models import EventType, Outcome

pytestmark = pytest.mark.django_db


class TestLoginPage:
    def test_it_shows_a_chinese_login_form(self, client):
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "登录" in html and 'name="username"' in html and 'name="password"' in html
        assert '<label for="id_username"' in html

    def test_it_sends_staff_to_the_console(self, client, personas):
        response = post_login(client, "staff_a", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == "/console/"

    def test_it_sends_residents_to_the_portal(self, client, personas):
        response = post_login(client, "resident", PASSWORD)
        assert response["Location"] == "/portal/"

    def test_it_honours_a_next_inside_the_site(self, client, personas):
        response = post_login(client, "staff_a", PASSWORD, next="/console/regions/")
        assert response["Location"] == "/console/regions/"

    def test_it_ignores_a_next_pointing_elsewhere(self, client, personas):
        response = post_login(client, "staff_a", PASSWORD, next="https://evil.example/phish")
        assert response["Location"] == "/console/"

    def test_it_refuses_a_wrong_password_in_chinese(self, client, personas):
        response = post_login(client, "staff_a", "Wrong#2026")
        assert response.status_code == 200
        html = response.content.decode()
        assert "用户名或密码错误" in html
        assert "再失败4次账号将被锁定15分钟" in html
        assert "_auth_user_id" not in client.session

    def test_it_refuses_a_disabled_account_like_a_wrong_password(self, client, personas):
        personas.staff_a.is_active = False
        personas.staff_a.save()
        response = post_login(client, "staff_a", PASSWORD)
        assert "用户名或密码错误" in response.content.decode()


class TestLoginLedger:
    def test_a_login_is_recorded_with_its_factors(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        [event] = events(EventType.LOGIN)
        assert event.actor_username == "staff_a"
        assert event.summary == {"channel": "web", "factors": ["password"]}
        assert event.client_address == "127.0.0.1"

    def test_a_failed_login_records_the_username_tried_and_never_the_password(
        self, client, personas
    ):
        post_login(client, "staff_a", "Wrong#Secret1")
        post_login(client, "nobody_here", "Other#Secret2")
        first, second = events(EventType.LOGIN_FAILED)
        assert first.summary["username"] == "staff_a"
        assert first.object_id == str(personas.staff_a.pk)
        assert first.region_code == personas.staff_a.region_code
        assert first.outcome == Outcome.FAILED
        assert second.summary["username"] == "nobody_here"
        assert second.object_id == ""
        for event in (first, second):
            assert "Secret" not in str(event.summary)

    def test_logout_is_recorded_and_ends_the_session(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        response = client.post(reverse("accounts:logout"))
        assert response["Location"] == reverse("accounts:login")
        assert "_auth_user_id" not in client.session
        [event] = events(EventType.LOGOUT)
        assert event.actor_username == "staff_a"
        assert "您已安全退出" in client.get(reverse("accounts:login")).content.decode()

    def test_logout_by_get_only_asks_to_confirm(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        response = client.get(reverse("accounts:logout"))
        assert response.status_code == 200
        assert "_auth_user_id" in client.session
        assert events(EventType.LOGOUT) == []
