"""Every refused permission is a ledger event (handler403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.testing import login
from gongzhi.accounts.tests.helpers import events
from gongzhi.ledger.models import EventType, Outcome

pytestmark = pytest.mark.django_db


def test_a_permission_denied_in_a_view_writes_an_event_and_a_chinese_page(client, personas):
    login(client, personas.staff_a)
    response = client.post(reverse("accounts:reset_password", args=[personas.staff_b.pk]))
    assert response.status_code == 403
    assert "没有访问权限" in response.content.decode()
    [event] = events(EventType.PERMISSION_DENIED)
    assert event.actor_username == "staff_a"
    assert event.outcome == Outcome.DENIED
    assert event.summary["path"] == reverse("accounts:reset_password", args=[personas.staff_b.pk])
    assert event.summary["method"] == "POST"
    assert event.summary["reason"]


def test_the_reason_from_the_action_is_shown(client, personas):
    login(client, personas.system_admin)
    response = client.post(reverse("accounts:disable_user", args=[personas.system_admin.pk]))
    assert response.status_code == 403
    assert "不能对自己的账号执行此操作" in response.content.decode()
