"""The account actions themselves, as every caller (page, API, command) meets them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import COUNTY, OTHER_COUNTY, make_user
from gongzhi.accounts import actions
from gongzhi.accounts.auth import lockout_state
from gongzhi.accounts.models import User
from gongzhi.accounts.tests.helpers import PASSWORD, events, post_login
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import Region

pytestmark = pytest.mark.django_db


class TestDisable:
    def test_a_disabled_account_cannot_log_in_and_loses_its_session(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        actions.do_disable_user(personas.staff_a, actor=personas.system_admin)
        assert client.get("/console/").status_code == 302  # the session no longer authenticates
        assert post_login(client, "staff_a", PASSWORD).status_code == 200
        [event] = events(EventType.USER_DISABLED)
        assert event.actor_username == "system_admin"

    def test_disabling_revokes_the_api_tokens(self, personas):
        _token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        actions.do_disable_user(personas.staff_a, actor=personas.system_admin)
        actions.do_enable_user(personas.staff_a, actor=personas.system_admin)
        assert actions.authenticate_api_token(raw) is None

    def test_only_the_system_administrator_disables(self, personas):
        for actor in (personas.security_admin, personas.audit_admin, personas.county_admin):
            with pytest.raises(PermissionDenied):
                actions.do_disable_user(personas.staff_a, actor=actor)

    def test_administrator_accounts_are_left_to_the_operator(self, personas):
        with pytest.raises(PermissionDenied):
            actions.do_disable_user(personas.audit_admin, actor=personas.system_admin)
        with pytest.raises(PermissionDenied):
            actions.do_reset_password(personas.security_admin, actor=personas.system_admin)

    def test_an_administrator_cannot_disable_themselves(self, personas):
        with pytest.raises(PermissionDenied):
            actions.do_disable_user(personas.system_admin, actor=personas.system_admin)

    def test_disabling_twice_is_refused(self, personas):
        actions.do_disable_user(personas.staff_a, actor=personas.system_admin)
        with pytest.raises(ValidationError):
            actions.do_disable_user(personas.staff_a, actor=personas.system_admin)


class TestJurisdictionChange:
    def test_it_moves_region_and_region_code_together(self, personas):
        target = Region.objects.get(region_code="152201002001")
        actions.do_change_jurisdiction(personas.staff_a, target, actor=personas.security_admin)
        stored = User.objects.get(pk=personas.staff_a.pk)
        assert (stored.region_id, stored.region_code) == (target.pk, "152201002001")
        [event] = events(EventType.JURISDICTION_CHANGED)
        assert event.summary == {"from": "152201001001", "to": "152201002001"}

    def test_the_new_region_must_be_inside_the_actors_jurisdiction(self, personas):
        county_security = make_user("county_security", "security_admin", COUNTY)
        elsewhere = Region.objects.get(region_code=OTHER_COUNTY)
        with pytest.raises(PermissionDenied):
            actions.do_change_jurisdiction(personas.staff_a, elsewhere, actor=county_security)

    def test_only_the_security_administrator_changes_it(self, personas):
        target = Region.objects.get(region_code="152201002001")
        with pytest.raises(PermissionDenied):
            actions.do_change_jurisdiction(personas.staff_a, target, actor=personas.system_admin)


class TestResetAndLockout:
    def test_a_reset_ends_other_sessions_and_tokens(self, client, personas):
        post_login(client, "staff_a", PASSWORD)
        _token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        actions.do_reset_password(personas.staff_a, actor=personas.system_admin)
        assert client.get("/console/").status_code == 302
        assert actions.authenticate_api_token(raw) is None

    def test_clearing_a_lockout_lets_the_account_log_in_at_once(self, client, personas):
        for _ in range(5):
            post_login(client, "staff_a", "Wrong#2026")
        assert lockout_state("staff_a").locked
        assert actions.do_clear_lockout(personas.staff_a, actor=personas.security_admin) >= 1
        assert post_login(client, "staff_a", PASSWORD).status_code == 302

    def test_clearing_without_failures_is_refused(self, personas):
        with pytest.raises(ValidationError):
            actions.do_clear_lockout(personas.staff_a, actor=personas.security_admin)

    def test_only_the_security_administrator_clears_a_lockout(self, client, personas):
        for _ in range(5):
            post_login(client, "staff_a", "Wrong#2026")
        with pytest.raises(PermissionDenied):
            actions.do_clear_lockout(personas.staff_a, actor=personas.system_admin)
        assert lockout_state("staff_a").locked


class TestOtpReset:
    def test_the_security_administrator_resets_a_lost_authenticator(self, personas):
        TOTPDevice.objects.create(user=personas.audit_admin, name="phone", confirmed=True)
        assert actions.do_reset_otp(personas.audit_admin, actor=personas.security_admin) == 1
        assert not TOTPDevice.objects.filter(user=personas.audit_admin).exists()
        [event] = events(EventType.USER_UPDATED)
        assert event.summary["otp"] == "reset"

    def test_nobody_resets_their_own(self, personas):
        TOTPDevice.objects.create(user=personas.security_admin, name="phone", confirmed=True)
        with pytest.raises(PermissionDenied):
            actions.do_reset_otp(personas.security_admin, actor=personas.security_admin)
