"""Linking a resident's portal account to their registry record (门户账号; issue 3 "residents
log in to the portal and see their own household's record"): who may link, what is refused,
the ledger, and the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.accounts.actions import do_disable_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.actions import (
    do_link_resident_account,
    do_record_departure,
    do_unlink_resident_account,
)
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def person(personas: Personas) -> Resident:
    """乌云's record in community A, with an ID number and a phone."""
    return resident_in(household_in(COMMUNITY_A), name="乌云", phone=PHONE)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


def account_url(resident: Resident) -> str:
    return reverse("residents:account", args=[resident.pk])


class TestLinking:
    def test_community_staff_link_a_resident_account_and_it_is_ledgered(
        self, personas: Personas, person: Resident
    ) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        assert Resident.objects.get(pk=person.pk).user == personas.resident
        event = Event.objects.get(type=EventType.RESIDENT_ACCOUNT_LINKED, object_id=str(person.pk))
        assert event.actor_id == personas.staff_a.pk
        assert event.summary == {"account": personas.resident.pk, "resident": person.pk}
        text = json.dumps(event.summary)
        assert person.id_number.reveal() not in text and PHONE not in text

    def test_the_portal_then_shows_the_household(
        self, personas: Personas, person: Resident
    ) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        page = client_for(personas.resident).get(reverse("portal:my_household"))
        assert person.id_number_masked in page.content.decode()

    @pytest.mark.parametrize(
        ("persona", "allowed"),
        [
            ("staff_a", True),
            ("street_staff", True),
            ("county_admin", True),
            ("staff_b", False),
            ("grid_worker", False),
            ("resident", False),
            ("system_admin", False),
        ],
    )
    def test_who_may_link(
        self, personas: Personas, person: Resident, persona: str, allowed: bool
    ) -> None:
        user = getattr(personas, persona)
        assert user.has_perm("residents.link_account", person) is allowed
        if not allowed:
            with pytest.raises(PermissionDenied):
                do_link_resident_account(person, personas.resident, actor=user)
            assert Resident.objects.get(pk=person.pk).user is None

    def test_a_staff_account_is_refused(self, personas: Personas, person: Resident) -> None:
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, personas.grid_worker, actor=personas.staff_a)
        assert errors_of(exc) == ["账号“grid_worker”不是居民账号"]

    def test_a_disabled_account_is_refused(self, personas: Personas, person: Resident) -> None:
        do_disable_user(personas.resident, actor=None)
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        assert errors_of(exc) == ["账号“resident”已停用"]

    def test_an_account_outside_the_jurisdiction_is_as_if_unknown(
        self, personas: Personas, person: Resident
    ) -> None:
        elsewhere = make_user("resident_b", "resident", COMMUNITY_B)
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, elsewhere, actor=personas.staff_a)
        assert errors_of(exc) == ["在您的辖区内没有用户名为“resident_b”的账号"]

    def test_an_account_linked_to_another_record_is_refused(
        self, personas: Personas, person: Resident
    ) -> None:
        other = resident_in(household_in(COMMUNITY_A), name="其其格", id_number=new_id())
        do_link_resident_account(other, personas.resident, actor=personas.staff_a)
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        assert errors_of(exc) == ["账号“resident”已关联其他居民记录"]

    def test_a_record_with_an_account_is_refused(
        self, personas: Personas, person: Resident
    ) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        second = make_user("resident_2", "resident", COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, second, actor=personas.staff_a)
        assert errors_of(exc) == ["该记录已关联其他账号，请先解除关联"]
        with pytest.raises(ValidationError) as again:
            do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        assert errors_of(again) == ["该记录已关联账号“resident”"]

    def test_a_history_record_is_refused(self, personas: Personas, person: Resident) -> None:
        do_record_departure(person, kind="moved_away", on="2025-01-01", actor=None)
        with pytest.raises(ValidationError) as exc:
            do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        assert errors_of(exc) == ["该记录的登记状态为“已迁出”，不能关联账号"]


class TestUnlinking:
    def test_staff_unlink_and_it_is_ledgered(self, personas: Personas, person: Resident) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        do_unlink_resident_account(person, actor=personas.staff_a)
        assert Resident.objects.get(pk=person.pk).user is None
        event = Event.objects.get(
            type=EventType.RESIDENT_ACCOUNT_UNLINKED, object_id=str(person.pk)
        )
        assert event.summary == {"account": personas.resident.pk, "resident": person.pk}

    def test_a_record_without_an_account_is_refused(
        self, personas: Personas, person: Resident
    ) -> None:
        with pytest.raises(ValidationError) as exc:
            do_unlink_resident_account(person, actor=personas.staff_a)
        assert errors_of(exc) == ["该记录未关联门户账号"]

    def test_staff_of_another_community_cannot_unlink(
        self, personas: Personas, person: Resident
    ) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        with pytest.raises(PermissionDenied):
            do_unlink_resident_account(person, actor=personas.staff_b)
        assert Resident.objects.get(pk=person.pk).user == personas.resident


class TestPages:
    def test_the_detail_page_offers_the_link_to_those_allowed(
        self, personas: Personas, person: Resident
    ) -> None:
        detail = reverse("residents:detail", args=[person.pk])
        assert account_url(person) in client_for(personas.staff_a).get(detail).content.decode()
        grid_page = client_for(personas.grid_worker).get(detail).content.decode()
        assert account_url(person) not in grid_page

    def test_out_of_jurisdiction_is_404_and_a_grid_worker_403(
        self, personas: Personas, person: Resident
    ) -> None:
        url = account_url(person)
        assert client_for(personas.staff_b).get(url).status_code == 404
        post = client_for(personas.staff_b).post(url, {"username": "resident"})
        assert post.status_code == 404
        unlink = reverse("residents:account_unlink", args=[person.pk])
        assert client_for(personas.staff_b).post(unlink).status_code == 404
        assert client_for(personas.grid_worker).get(url).status_code == 403
        assert Resident.objects.get(pk=person.pk).user is None

    def test_linking_by_username_through_the_page(
        self, personas: Personas, person: Resident
    ) -> None:
        client = client_for(personas.staff_a)
        response = client.post(account_url(person), {"username": " resident "})
        assert response.status_code == 302
        assert Resident.objects.get(pk=person.pk).user == personas.resident
        page = client.get(reverse("residents:detail", args=[person.pk])).content.decode()
        assert "<code>resident</code>" in page

    @pytest.mark.parametrize(
        ("username", "message"),
        [
            ("", "用户名不能为空"),
            ("nobody", "在您的辖区内没有用户名为“nobody”的账号"),
            ("staff_b", "在您的辖区内没有用户名为“staff_b”的账号"),
            ("grid_worker", "账号“grid_worker”不是居民账号"),
        ],
    )
    def test_errors_show_beside_the_field_in_chinese(
        self, personas: Personas, person: Resident, username: str, message: str
    ) -> None:
        response = client_for(personas.staff_a).post(account_url(person), {"username": username})
        assert response.status_code == 200
        assert response.context["form"].errors == {"username": [message]}
        assert message in response.content.decode()

    def test_unlinking_through_the_page(self, personas: Personas, person: Resident) -> None:
        do_link_resident_account(person, personas.resident, actor=personas.staff_a)
        client = client_for(personas.staff_a)
        assert "解除关联" in client.get(account_url(person)).content.decode()
        response = client.post(reverse("residents:account_unlink", args=[person.pk]))
        assert response.status_code == 302
        assert Resident.objects.get(pk=person.pk).user is None


def test_the_demo_loader_links_through_the_action(regions: Any) -> None:
    """``link_demo_resident_account`` (actor None) writes the same ledger event."""
    from gongzhi.accounts.demo import create_demo_accounts
    from gongzhi.residents.portal import link_demo_resident_account

    create_demo_accounts()
    home = household_in(COMMUNITY_A)
    first = resident_in(home, name="户主甲")
    resident_in(home, name="配偶乙", relationship="配偶")
    linked = link_demo_resident_account()
    assert linked is not None and linked.pk == first.pk
    event = Event.objects.get(type=EventType.RESIDENT_ACCOUNT_LINKED)
    assert event.actor_id is None and event.object_id == str(first.pk)


def test_the_page_of_a_history_record_says_why_it_cannot_link(personas: Personas) -> None:
    person = resident_in(household_in(COMMUNITY_A), name="乌云")
    do_record_departure(person, kind="deceased", on="2025-01-01", actor=None)
    page = client_for(personas.staff_a).get(account_url(person)).content.decode()
    assert "该记录的登记状态为“已死亡”，不能关联门户账号。" in page
    assert 'name="username"' not in page
