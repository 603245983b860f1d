"""The TOTP second factor (GB/T 22239-2019 8.1.4.1 d), required of the 三员 and of the
roles listed in GONGZHI_OTP_REQUIRED_ROLES."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts.auth import (
    OtpInvalid,
    OtpNotEnrolled,
    OtpRequired,
    authenticate_for_api,
    otp_required,
)
from gongzhi.accounts.testing import code_for_key, current_code, login
from gongzhi.accounts.tests.helpers import PASSWORD, api_request, events, post_login
from gongzhi.accounts.views import ENROL_KEY
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


def next_step():
    """Move past the current 30-second step: a code is accepted only once."""
    return time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


class TestWhoMustUseIt:
    def test_the_three_administrators_must(self, personas):
        assert otp_required(personas.system_admin)
        assert otp_required(personas.security_admin)
        assert otp_required(personas.audit_admin)
        assert not otp_required(personas.staff_a)
        assert not otp_required(personas.resident)

    def test_other_roles_must_when_listed(self, personas, settings):
        settings.GONGZHI_OTP_REQUIRED_ROLES = ["community_staff"]
        assert otp_required(personas.staff_a)
        assert not otp_required(personas.grid_worker)


class TestEnrolment:
    def test_an_administrator_without_a_device_is_sent_to_enrol(self, client, personas):
        response = post_login(client, "audit_admin", PASSWORD)
        assert response["Location"] == reverse("accounts:otp_enrol")
        assert events(EventType.LOGIN) == []

    def test_every_other_page_is_closed_until_enrolled(self, client, personas):
        post_login(client, "audit_admin", PASSWORD)
        for path in ("/console/", "/console/accounts/", reverse("accounts:password_change")):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("accounts:otp_enrol"))

    def test_the_page_shows_a_local_qr_code_and_the_secret(self, client, personas):
        post_login(client, "audit_admin", PASSWORD)
        html = client.get(reverse("accounts:otp_enrol")).content.decode()
        assert 'src="data:image/svg+xml;base64,' in html
        key = client.session[ENROL_KEY]
        secret = base64.b32encode(bytes.fromhex(key)).decode()
        assert secret[:4] + " " + secret[4:8] in html
        assert "style=" not in html and "<script>" not in html

    def test_a_wrong_code_is_refused_and_recorded(self, client, personas):
        post_login(client, "audit_admin", PASSWORD)
        client.get(reverse("accounts:otp_enrol"))
        response = client.post(reverse("accounts:otp_enrol"), {"code": "000000"})
        assert "动态口令不正确" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=personas.audit_admin).exists()
        [event] = events(EventType.OTP_FAILED)
        assert event.actor_username == "audit_admin"
        assert event.summary["stage"] == "enrol"

    def test_the_right_code_binds_the_device_and_completes_the_login(self, client, personas):
        post_login(client, "audit_admin", PASSWORD, next="/console/audit/")
        client.get(reverse("accounts:otp_enrol"))
        code = code_for_key(client.session[ENROL_KEY])
        response = client.post(reverse("accounts:otp_enrol"), {"code": code})
        assert response["Location"] == "/console/audit/"
        device = TOTPDevice.objects.get(user=personas.audit_admin)
        assert device.confirmed
        assert client.get("/console/").status_code == 200
        assert [e.actor_username for e in events(EventType.OTP_ENROLLED)] == ["audit_admin"]
        [login_event] = events(EventType.LOGIN)
        assert login_event.summary["factors"] == ["password", "totp"]

    def test_an_account_with_a_device_cannot_bind_another(self, client, personas):
        enrolled(personas.audit_admin)
        post_login(client, "audit_admin", PASSWORD)
        response = client.get(reverse("accounts:otp_enrol"))
        assert response["Location"] == reverse("accounts:otp_verify")


class TestVerification:
    def test_an_enrolled_administrator_is_asked_for_a_code(self, client, personas):
        enrolled(personas.security_admin)
        response = post_login(client, "security_admin", PASSWORD)
        assert response["Location"] == reverse("accounts:otp_verify")
        assert client.get("/console/")["Location"].startswith(reverse("accounts:otp_verify"))

    def test_a_wrong_code_is_refused_and_recorded(self, client, personas):
        enrolled(personas.security_admin)
        post_login(client, "security_admin", PASSWORD)
        response = client.post(reverse("accounts:otp_verify"), {"code": "123456"})
        assert "动态口令" in response.content.decode()
        assert client.get("/console/").status_code == 302
        [event] = events(EventType.OTP_FAILED)
        assert event.summary == {"reason": "wrong_code", "channel": "web"}

    def test_the_right_code_opens_the_console(self, client, personas):
        device = enrolled(personas.security_admin)
        post_login(client, "security_admin", PASSWORD)
        response = client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
        assert response["Location"] == "/console/"
        assert client.get("/console/").status_code == 200

    def test_a_code_is_accepted_only_once(self, client, personas):
        device = enrolled(personas.security_admin)
        post_login(client, "security_admin", PASSWORD)
        code = current_code(device)
        client.post(reverse("accounts:otp_verify"), {"code": code})
        client.post(reverse("accounts:logout"))
        post_login(client, "security_admin", PASSWORD)
        response = client.post(reverse("accounts:otp_verify"), {"code": code})
        assert "已使用过" in response.content.decode()

    def test_failures_slow_further_attempts_down(self, client, personas):
        device = enrolled(personas.security_admin)
        post_login(client, "security_admin", PASSWORD)
        with time_machine.travel(timezone.now(), tick=False):
            client.post(reverse("accounts:otp_verify"), {"code": "111111"})
            response = client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
            assert "动态口令错误次数过多" in response.content.decode()
        with next_step():
            response = client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
        assert response.status_code == 302

    def test_the_test_helper_logs_an_administrator_in_fully(self, client, personas):
        login(client, personas.audit_admin)
        assert client.get("/console/").status_code == 200


class TestApiSecondFactor:
    def test_it_requires_a_code_from_an_administrator(self, personas):
        enrolled(personas.system_admin)
        with pytest.raises(OtpRequired) as caught:
            authenticate_for_api(api_request(), "system_admin", PASSWORD)
        assert caught.value.code == "otp_required" and caught.value.status == 401

    def test_it_refuses_a_wrong_code_and_records_it(self, personas):
        enrolled(personas.system_admin)
        with pytest.raises(OtpInvalid) as caught:
            authenticate_for_api(api_request(), "system_admin", PASSWORD, otp="000000")
        assert caught.value.code == "otp_invalid"
        [event] = events(EventType.OTP_FAILED)
        assert event.summary["channel"] == "api"

    def test_it_accepts_the_right_code(self, personas):
        device = enrolled(personas.system_admin)
        user = authenticate_for_api(
            api_request(), "system_admin", PASSWORD, otp=current_code(device)
        )
        assert user == personas.system_admin

    def test_an_administrator_without_a_device_must_enrol_on_the_web_first(self, personas):
        with pytest.raises(OtpNotEnrolled) as caught:
            authenticate_for_api(api_request(), "system_admin", PASSWORD, otp="123456")
        assert caught.value.status == 403
        assert "绑定" in caught.value.message

    def test_staff_without_the_requirement_need_no_code(self, personas):
        assert authenticate_for_api(api_request(), "staff_a", PASSWORD) == personas.staff_a
