"""The operator resets a forgotten password, including an administrator's, from the CLI."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import Personas
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db


def test_it_resets_an_administrators_password_and_forces_a_change(personas: Personas) -> None:
    out = StringIO()
    call_command("reset_password", "audit_admin", stdout=out)

    new_password = out.getvalue().strip().splitlines()[-1].split("：", 1)[1]
    personas.audit_admin.refresh_from_db()
    assert personas.audit_admin.check_password(new_password)
    assert personas.audit_admin.must_change_password
    event = Event.objects.filter(type=EventType.PASSWORD_RESET).latest("seq")
    assert event.object_id == str(personas.audit_admin.pk)
    assert new_password not in str(event.summary)


def test_a_given_password_must_pass_the_rules(personas: Personas) -> None:
    with pytest.raises(CommandError, match="未能重置"):
        call_command("reset_password", "staff_a", "--password", "short")
    personas.staff_a.refresh_from_db()
    assert not personas.staff_a.must_change_password


def test_an_unknown_account_is_named(personas: Personas) -> None:
    with pytest.raises(CommandError, match="账号“nobody”不存在"):
        call_command("reset_password", "nobody")
