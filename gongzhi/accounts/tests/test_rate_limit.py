"""Rate limiting of authentication per client address (django-ratelimit on the cache)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from gongzhi.accounts.auth import RateLimited, authenticate_for_api
from gongzhi.accounts.tests.helpers import PASSWORD, api_request, events, post_login
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_per_minute(settings):
    """Three a minute, with the clock stopped so that no test straddles two windows."""
    settings.GONGZHI_AUTH_RATE_PER_MINUTE = 3
    with time_machine.travel(timezone.now(), tick=False):
        yield


class TestRateLimit:
    def test_the_login_page_refuses_an_address_past_the_limit(self, client, personas):
        for username in ("staff_a", "staff_b", "grid_worker"):
            post_login(client, username, PASSWORD)
            client.post("/accounts/logout/")
        response = post_login(client, "resident", PASSWORD)
        assert response.status_code == 429
        assert "登录请求过于频繁" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_token_endpoint_is_limited_too_and_shares_the_count(self, client, personas):
        for _ in range(2):
            post_login(client, "staff_a", PASSWORD)
        authenticate_for_api(api_request("127.0.0.1"), "staff_a", PASSWORD)
        with pytest.raises(RateLimited) as caught:
            authenticate_for_api(api_request("127.0.0.1"), "staff_a", PASSWORD)
        assert caught.value.status == 429
        assert caught.value.code == "rate_limited"
        assert caught.value.retry_after is not None and caught.value.retry_after >= 1

    def test_other_addresses_are_not_affected(self, personas):
        for _ in range(3):
            authenticate_for_api(api_request("10.0.0.1"), "staff_a", PASSWORD)
        with pytest.raises(RateLimited):
            authenticate_for_api(api_request("10.0.0.1"), "staff_a", PASSWORD)
        assert (
            authenticate_for_api(api_request("10.0.0.2"), "staff_a", PASSWORD) == personas.staff_a
        )

    def test_only_the_first_refusal_of_a_minute_is_recorded(self, personas):
        for _ in range(3):
            authenticate_for_api(api_request(), "staff_a", PASSWORD)
        for _ in range(4):
            with pytest.raises(RateLimited):
                authenticate_for_api(api_request(), "staff_a", PASSWORD)
        [event] = [
            e for e in events(EventType.LOGIN_FAILED) if e.summary["reason"] == "rate_limited"
        ]
        assert event.client_address == "10.0.0.1"

    @override_settings(GONGZHI_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_is_the_client(self, personas):
        def via_proxy(client_address: str):
            request = api_request("10.9.9.9")
            request.META["HTTP_X_FORWARDED_FOR"] = f"203.0.113.77, {client_address}"
            return request

        for _ in range(3):
            authenticate_for_api(via_proxy("198.51.100.1"), "staff_a", PASSWORD)
        with pytest.raises(RateLimited):
            authenticate_for_api(via_proxy("198.51.100.1"), "staff_a", PASSWORD)
        # A forged left-most entry changes nothing; another real client is not limited.
        assert authenticate_for_api(via_proxy("198.51.100.2"), "staff_a", PASSWORD)
