"""Idle timeout (GB/T 22239-2019 8.1.4.1 b: 登录连接超时自动退出)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from gongzhi.accounts.tests.helpers import PASSWORD, events, post_login
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


def later(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


class TestIdleTimeout:
    def test_a_session_idle_for_more_than_30_minutes_is_logged_out(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        with later(31):
            response = client.get("/console/")
            assert response.status_code == 302
            assert response["Location"] == "/accounts/login/?next=%2Fconsole%2F"
            assert "_auth_user_id" not in client.session
            page = client.get(response["Location"]).content.decode()
        assert "您已超过30分钟未操作" in page

    def test_the_timeout_is_recorded(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        with later(45):
            client.get("/console/")
        [event] = events(EventType.SESSION_TIMEOUT)
        assert event.actor_username == "staff_a"
        assert event.summary == {"idle_minutes": 45, "limit_minutes": 30}

    def test_activity_keeps_the_session_alive(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        with later(29):
            assert client.get("/console/").status_code == 200
        with later(29 + 29):
            assert client.get("/console/").status_code == 200
        assert events(EventType.SESSION_TIMEOUT) == []

    @override_settings(GONGZHI_IDLE_TIMEOUT_MINUTES=5)
    def test_the_timeout_is_configurable(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        with later(4):
            assert client.get("/console/").status_code == 200
        with later(4 + 6):
            assert client.get("/console/").status_code == 302

    def test_an_htmx_request_is_told_to_reload_the_whole_page(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        with later(31):
            response = client.get("/console/", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith("/accounts/login/")

    def test_the_stored_session_outlives_the_idle_limit_only_to_record_it(self, settings):
        assert settings.SESSION_SAVE_EVERY_REQUEST is True
        assert settings.SESSION_COOKIE_AGE >= settings.GONGZHI_IDLE_TIMEOUT_MINUTES * 60
