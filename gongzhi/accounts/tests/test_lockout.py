"""Lockout after repeated failures (GB/T 22239-2019 8.1.4.1 b), for the web login and the
API token endpoint alike, with one counter shared between them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from gongzhi.accounts.auth import (
    AccountLocked,
    InvalidCredentials,
    authenticate_for_api,
    lockout_state,
)
from gongzhi.accounts.tests.helpers import PASSWORD, api_request, events, post_login
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


def fail_on_web(client, username: str, times: int) -> None:
    for _ in range(times):
        post_login(client, username, "Wrong#2026")


def fail_on_api(username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            authenticate_for_api(api_request(), username, "Wrong#2026")


class TestWebLockout:
    def test_five_failures_lock_the_account_and_the_page_says_for_how_long(self, client, personas):
        fail_on_web(client, "staff_a", 4)
        response = post_login(client, "staff_a", "Wrong#2026")
        assert response.status_code == 429
        html = response.content.decode()
        assert "账号已锁定" in html
        assert "连续登录失败5次，账号已锁定，请15分钟后再试" in html

    def test_the_right_password_is_refused_while_locked(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        response = post_login(client, "staff_a", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_page_counts_the_remaining_time_down(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=30), tick=False):
            html = post_login(client, "staff_a", PASSWORD).content.decode()
        assert "请5分钟后再试" in html

    def test_the_account_unlocks_after_the_cool_off(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1), tick=False):
            response = post_login(client, "staff_a", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == "/console/"

    def test_attempts_during_the_lock_do_not_extend_it(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
            fail_on_web(client, "staff_a", 3)
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1), tick=False):
            assert post_login(client, "staff_a", PASSWORD).status_code == 302

    def test_a_success_before_the_limit_resets_the_count(self, client, personas):
        fail_on_web(client, "staff_a", 4)
        assert post_login(client, "staff_a", PASSWORD).status_code == 302
        client.post("/accounts/logout/")
        fail_on_web(client, "staff_a", 4)
        assert not lockout_state("staff_a").locked

    def test_the_lock_is_per_account_not_per_address(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        assert post_login(client, "staff_b", PASSWORD).status_code == 302

    @override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=30))
    def test_limit_and_duration_are_configurable(self, client, personas):
        fail_on_web(client, "staff_a", 3)
        state = lockout_state("staff_a")
        assert state.locked and state.limit == 3
        assert state.remaining_minutes == 30

    def test_the_lockout_is_recorded_once(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        post_login(client, "staff_a", PASSWORD)
        [lockout] = events(EventType.LOCKOUT)
        assert lockout.summary["username"] == "staff_a"
        assert lockout.summary["failures"] == 5
        reasons = [event.summary["reason"] for event in events(EventType.LOGIN_FAILED)]
        assert reasons == ["bad_credentials"] * 5 + ["locked"]


class TestApiLockout:
    def test_five_failures_lock_the_account_for_the_api(self, personas):
        fail_on_api("staff_a", 4)
        with pytest.raises(AccountLocked) as caught:
            authenticate_for_api(api_request(), "staff_a", "Wrong#2026")
        assert caught.value.code == "account_locked"
        assert caught.value.status == 429
        assert caught.value.retry_after is not None
        assert 0 < caught.value.retry_after <= 15 * 60
        assert "账号已锁定" in caught.value.message
        with pytest.raises(AccountLocked):
            authenticate_for_api(api_request(), "staff_a", PASSWORD)

    def test_the_api_unlocks_after_the_cool_off(self, personas):
        fail_on_api("staff_a", 5)
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1), tick=False):
            user = authenticate_for_api(api_request(), "staff_a", PASSWORD)
        assert user == personas.staff_a


class TestSharedCounter:
    def test_web_and_api_failures_add_up(self, client, personas):
        fail_on_web(client, "staff_a", 3)
        fail_on_api("staff_a", 2)
        assert lockout_state("staff_a").locked
        assert post_login(client, "staff_a", PASSWORD).status_code == 429

    def test_a_lock_from_the_web_holds_for_the_api(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        with pytest.raises(AccountLocked):
            authenticate_for_api(api_request("192.0.2.50"), "staff_a", PASSWORD)

    def test_a_lock_from_the_api_holds_for_the_web(self, client, personas):
        fail_on_api("staff_a", 5)
        assert post_login(client, "staff_a", PASSWORD).status_code == 429


class TestLockoutCallable:
    """django-axes calls AXES_LOCKOUT_CALLABLE for a locked request nobody answered yet."""

    def test_it_answers_a_page_in_chinese_with_the_time_left(self, client, personas, rf):
        fail_on_web(client, "staff_a", 5)
        from gongzhi.accounts.views import lockout_response

        request = rf.post("/elsewhere/login/", {"username": "staff_a"})
        response = lockout_response(request, None, {"username": "staff_a"})
        assert response.status_code == 429
        assert "请15分钟后再试" in response.content.decode()

    def test_it_answers_json_under_the_api(self, client, personas, rf):
        fail_on_web(client, "staff_a", 5)
        from gongzhi.accounts.views import lockout_response

        response = lockout_response(rf.post("/api/v1/other"), None, {"username": "staff_a"})
        assert response.status_code == 429
        assert json.loads(response.content)["code"] == "account_locked"

    def test_a_response_the_login_view_already_gave_stands(self, client, personas):
        fail_on_web(client, "staff_a", 5)
        response = post_login(client, "staff_a", PASSWORD)
        assert "连续登录失败5次" in response.content.decode()
