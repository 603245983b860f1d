"""API bearer tokens: only a hash is stored; they expire, can be revoked, and die with
their account."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.accounts import actions
from gongzhi.accounts.models import ApiToken
from gongzhi.accounts.tests.helpers import api_request, events
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


class TestIssue:
    def test_only_the_sha256_is_stored(self, personas):
        token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        assert len(raw) >= 43
        assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert not ApiToken.objects.filter(token_hash=raw).exists()

    def test_it_is_recorded_with_the_client_address(self, personas):
        actions.do_issue_api_token(
            personas.staff_a, actor=personas.staff_a, request=api_request("10.1.2.3")
        )
        [event] = events(EventType.TOKEN_ISSUED)
        assert event.actor_username == "staff_a"
        assert event.client_address == "10.1.2.3"
        assert ApiToken.objects.get().client_address == "10.1.2.3"

    def test_nobody_issues_a_token_for_someone_else(self, personas):
        with pytest.raises(PermissionDenied):
            actions.do_issue_api_token(personas.staff_a, actor=personas.security_admin)


class TestAuthenticate:
    def test_a_valid_token_names_its_account(self, personas):
        _token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        assert actions.authenticate_api_token(raw) == personas.staff_a

    @pytest.mark.parametrize("raw", ["", None, "not-a-token"])
    def test_an_unknown_token_names_nobody(self, personas, raw):
        assert actions.authenticate_api_token(raw) is None

    def test_a_token_expires(self, personas, settings):
        settings.GONGZHI_API_TOKEN_TTL_HOURS = 12
        _token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        with time_machine.travel(timezone.now() + timedelta(hours=11, minutes=59), tick=False):
            assert actions.authenticate_api_token(raw) == personas.staff_a
        with time_machine.travel(timezone.now() + timedelta(hours=12, seconds=1), tick=False):
            assert actions.authenticate_api_token(raw) is None

    def test_a_revoked_token_names_nobody(self, personas):
        token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        actions.do_revoke_api_token(token, actor=personas.staff_a)
        assert actions.authenticate_api_token(raw) is None
        [event] = events(EventType.TOKEN_REVOKED)
        assert event.summary == {"token_id": token.pk}

    def test_last_use_is_written_at_most_once_a_minute(self, personas):
        token, raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            actions.authenticate_api_token(raw)
        with time_machine.travel(start + timedelta(seconds=30), tick=False):
            actions.authenticate_api_token(raw)
        token.refresh_from_db()
        assert token.last_used_at == start
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            actions.authenticate_api_token(raw)
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(seconds=61)


class TestRevoke:
    def test_the_security_administrator_may_revoke_anyone_in_the_jurisdiction(self, personas):
        token, _raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        actions.do_revoke_api_token(token, actor=personas.security_admin)
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_others_may_not(self, personas):
        token, _raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        for actor in (personas.staff_b, personas.system_admin, personas.audit_admin):
            with pytest.raises(PermissionDenied):
                actions.do_revoke_api_token(token, actor=actor)

    def test_revoking_twice_is_refused(self, personas):
        token, _raw = actions.do_issue_api_token(personas.staff_a, actor=personas.staff_a)
        actions.do_revoke_api_token(token, actor=personas.staff_a)
        with pytest.raises(ValidationError):
            actions.do_revoke_api_token(token, actor=personas.staff_a)
