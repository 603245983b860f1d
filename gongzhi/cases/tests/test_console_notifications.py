"""我的消息: staff read their in-app case messages, mark them read, and see the unread
count in the console header (the engine's notifications, sent after commit)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases.models import Notification
from gongzhi.cases.tests.conftest import submit

pytestmark = pytest.mark.django_db
MESSAGES = reverse("cases:notifications")


def text(response: Any) -> str:
    return str(response.content.decode())


def new_case_message(world: Personas, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return submit(world.resident)


class TestMessages:
    def test_unit_staff_are_told_of_a_new_case(
        self, world: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        case = new_case_message(world, django_capture_on_commit_callbacks)
        client = client_for(world.staff_a)
        page = text(client.get(MESSAGES))
        assert f"新办件待受理：{case.number}" in page and "1 条未读" in page
        assert reverse("cases:detail", args=[case.pk]) in page
        # The header shows the unread count on every console page.
        home = text(client.get(reverse("console:home")))
        assert "header-messages" in home and "1 条未读" in home

    def test_marking_read(self, world: Personas, django_capture_on_commit_callbacks: Any) -> None:
        new_case_message(world, django_capture_on_commit_callbacks)
        client = client_for(world.staff_a)
        note = Notification.objects.get(user=world.staff_a)
        response = client.post(reverse("cases:notifications_read"), {"ids": [note.pk]}, follow=True)
        assert "已将 1 条消息标为已读" in text(response)
        assert Notification.objects.get(pk=note.pk).read_at is not None
        assert "header-messages" not in text(client.get(reverse("console:home")))

    def test_mark_all_read_touches_only_ones_own(
        self, world: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        new_case_message(world, django_capture_on_commit_callbacks)
        client_for(world.street_staff).post(reverse("cases:notifications_read"), {"all": "1"})
        assert Notification.objects.get(user=world.staff_a).read_at is None

    def test_someone_elses_message_cannot_be_marked(
        self, world: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        new_case_message(world, django_capture_on_commit_callbacks)
        note = Notification.objects.get(user=world.staff_a)
        client_for(world.staff_b).post(reverse("cases:notifications_read"), {"ids": [note.pk]})
        assert Notification.objects.get(pk=note.pk).read_at is None

    def test_an_empty_inbox(self, world: Personas) -> None:
        assert "暂无消息" in text(client_for(world.grid_worker).get(MESSAGES))
