"""POST/DELETE /api/v1/auth/token and the bearer scheme every other endpoint uses."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from conftest import PASSWORD
from gongzhi.accounts.actions import do_enrol_totp_device, hash_token
from gongzhi.accounts.models import ApiToken
from gongzhi.api.tests.conftest import ApiClient
from gongzhi.ledger.models import Event, EventType

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/me"
OTP_KEY = "3132333435363738393031323334353637383930"


def request_token(username: str, password: str, **extra: str) -> Any:
    return ApiClient().post(TOKEN_URL, {"username": username, "password": password, **extra})


def assert_error(response: Any, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "fields"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    return body


def otp_code(key: str, steps_ahead: int = 1) -> str:
    """The code the authenticator shows ``steps_ahead`` 30-second steps from now."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.mark.django_db
class TestIssuingTokens:
    def test_it_issues_an_expiring_token_for_the_right_password(self, personas):
        response = request_token("staff_a", PASSWORD)

        assert response.status_code == 200
        body = response.json()
        expires_at = datetime.fromisoformat(body["expires_at"])
        now = timezone.now()
        assert now + timedelta(hours=11) < expires_at <= now + timedelta(hours=12)
        stored = ApiToken.objects.get(user=personas.staff_a)
        assert stored.token_hash == hash_token(body["token"])
        assert body["token"] not in stored.token_hash
        assert Event.objects.filter(type=EventType.TOKEN_ISSUED, actor=personas.staff_a).exists()

    def test_the_token_opens_the_api_as_its_account(self, personas):
        token = request_token("staff_a", PASSWORD).json()["token"]

        response = ApiClient(token).get(ME_URL)

        assert response.status_code == 200
        me = response.json()
        assert me["username"] == "staff_a"
        assert me["name"] == "张丽"
        assert me["roles"] == [{"code": "community_staff", "label": "社区工作者"}]
        assert me["region"]["code"] == "152201001001"
        assert me["region"]["level_label"] == "嘎查村社区"
        assert me["scope"] == "152201001001"

    def test_a_resident_has_no_scope(self, personas, api_as):
        me = api_as(personas.resident).get(ME_URL).json()

        assert me["roles"] == [{"code": "resident", "label": "居民"}]
        assert me["scope"] is None

    def test_it_refuses_a_wrong_password_as_invalid_credentials(self, personas):
        response = request_token("staff_a", "wrong-password")

        assert_error(response, 401, "invalid_credentials")
        assert response["WWW-Authenticate"] == "Bearer"
        assert not ApiToken.objects.exists()

    def test_it_refuses_an_unknown_username_the_same_way(self, personas):
        assert_error(request_token("nobody", PASSWORD), 401, "invalid_credentials")

    def test_it_names_missing_fields_in_chinese(self, personas):
        response = ApiClient().post(TOKEN_URL, {"username": "staff_a"})

        body = assert_error(response, 422, "validation_error")
        assert body["fields"] == {"password": "此项为必填项"}
        assert "password" in body["message"]


@pytest.mark.django_db
class TestUsingTokens:
    def test_it_refuses_a_request_without_a_token(self, personas):
        response = ApiClient().get(ME_URL)

        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Bearer"

    def test_it_refuses_another_scheme(self, personas):
        response = Client().get(ME_URL, headers={"Authorization": "Basic c3RhZmZfYTpwdw=="})

        assert_error(response, 401, "not_authenticated")

    def test_it_refuses_an_unknown_token(self, personas):
        assert_error(ApiClient("not-a-token").get(ME_URL), 401, "token_invalid")

    def test_it_refuses_an_expired_token(self, personas, api_as):
        client = api_as(personas.staff_a)
        ApiToken.objects.filter(user=personas.staff_a).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )

        assert_error(client.get(ME_URL), 401, "token_invalid")

    def test_it_refuses_the_token_of_a_disabled_account(self, personas, api_as):
        client = api_as(personas.staff_a)
        type(personas.staff_a).objects.filter(pk=personas.staff_a.pk).update(is_active=False)

        assert_error(client.get(ME_URL), 401, "token_invalid")


@pytest.mark.django_db
class TestRevokingTokens:
    def test_revoking_ends_the_presented_token(self, personas, api_as):
        client = api_as(personas.staff_a)

        response = client.delete(TOKEN_URL)

        assert response.status_code == 204
        assert_error(client.get(ME_URL), 401, "token_invalid")
        assert ApiToken.objects.get(user=personas.staff_a).revoked_at is not None
        assert Event.objects.filter(type=EventType.TOKEN_REVOKED, actor=personas.staff_a).exists()

    def test_revoking_one_token_leaves_the_others_working(self, personas, api_as):
        first, second = api_as(personas.staff_a), api_as(personas.staff_a)

        first.delete(TOKEN_URL)

        assert second.get(ME_URL).status_code == 200

    def test_revoking_needs_a_token(self, personas):
        assert_error(ApiClient().delete(TOKEN_URL), 401, "not_authenticated")


@pytest.mark.django_db
class TestLockoutAndRateLimit:
    def test_five_failed_requests_lock_the_account_even_for_the_right_password(self, personas):
        for _ in range(5):
            request_token("staff_a", "wrong-password")

        response = request_token("staff_a", PASSWORD)

        body = assert_error(response, 429, "account_locked")
        assert "15分钟" in body["message"]
        assert 0 < int(response["Retry-After"]) <= 15 * 60
        assert Event.objects.filter(type=EventType.LOCKOUT).count() == 1

    def test_the_lock_is_shared_with_the_web_login(self, personas):
        from gongzhi.accounts.auth import lockout_state

        for _ in range(5):
            request_token("staff_a", "wrong-password")

        assert lockout_state("staff_a").locked
        web = Client()
        web.post("/accounts/login/", {"username": "staff_a", "password": PASSWORD})
        assert "_auth_user_id" not in web.session

    def test_failures_on_the_web_count_towards_the_api_lock(self, personas):
        web = Client()
        for _ in range(5):
            web.post("/accounts/login/", {"username": "staff_a", "password": "wrong-password"})

        assert_error(request_token("staff_a", PASSWORD), 429, "account_locked")

    def test_too_many_requests_from_one_client_are_rate_limited(self, personas, settings):
        settings.GONGZHI_AUTH_RATE_PER_MINUTE = 2
        request_token("staff_a", PASSWORD)
        request_token("staff_b", PASSWORD)

        response = request_token("county_admin", PASSWORD)

        assert_error(response, 429, "rate_limited")
        assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
class TestSecondFactor:
    @pytest.fixture
    def enrolled_admin(self, personas):
        do_enrol_totp_device(
            personas.system_admin, OTP_KEY, otp_code(OTP_KEY, 0), actor=personas.system_admin
        )
        return personas.system_admin

    def test_an_administrator_without_an_authenticator_must_enrol_on_the_web(self, personas):
        assert_error(request_token("system_admin", PASSWORD), 403, "otp_not_enrolled")

    def test_an_administrator_must_send_the_code(self, enrolled_admin):
        assert_error(request_token("system_admin", PASSWORD), 401, "otp_required")

    def test_a_wrong_code_is_refused(self, enrolled_admin):
        wrong = f"{(int(otp_code(OTP_KEY)) + 1) % 1_000_000:06d}"

        assert_error(request_token("system_admin", PASSWORD, otp=wrong), 401, "otp_invalid")

    def test_the_right_code_gets_a_token(self, enrolled_admin):
        response = request_token("system_admin", PASSWORD, otp=otp_code(OTP_KEY, 1))

        assert response.status_code == 200, response.content
        assert ApiClient(response.json()["token"]).get(ME_URL).json()["username"] == "system_admin"
