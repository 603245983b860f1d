"""Migrants (流动人口, R3.1h): origin, arrival date, residence permit held, intended stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.actions import do_update_migrant_details
from gongzhi.residents.enums import ResidenceSituation
from gongzhi.residents.models import IntendedStay, Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def migrant(personas: Personas) -> Resident:
    return resident_in(
        household_in(COMMUNITY_A),
        name="李娜",
        id_number=new_id(date(1990, 5, 1), address="150102"),
        residence_situation=ResidenceSituation.MIGRANT,
    )


class TestMigrantDetails:
    def test_staff_record_origin_arrival_permit_and_intended_stay(
        self, personas: Personas, migrant: Resident
    ) -> None:
        arrived = timezone.localdate() - timedelta(days=200)
        saved = do_update_migrant_details(
            migrant,
            origin_place="150102",
            arrived_on=arrived,
            has_residence_permit=True,
            intended_stay=IntendedStay.OVER_A_YEAR,
            actor=personas.grid_worker,
        )
        saved.refresh_from_db()
        assert (saved.origin_place, saved.arrived_on, saved.has_residence_permit) == (
            "150102",
            arrived,
            True,
        )
        assert saved.intended_stay == IntendedStay.OVER_A_YEAR
        event = Event.objects.get(type=EventType.MIGRANT_DETAILS_UPDATED)
        assert event.summary["fields"] == [
            "arrived_on",
            "has_residence_permit",
            "intended_stay",
            "origin_place",
        ]

    def test_it_refuses_an_arrival_date_in_the_future(
        self, personas: Personas, migrant: Resident
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            do_update_migrant_details(
                migrant,
                arrived_on=timezone.localdate() + timedelta(days=1),
                actor=personas.staff_a,
            )
        assert raised.value.message_dict["arrived_on"] == ["来本地日期不能晚于今天"]

    def test_it_refuses_migrant_details_for_someone_who_is_not_a_migrant(
        self, personas: Personas
    ) -> None:
        local = resident_in(household_in(COMMUNITY_A), name="张伟")
        with pytest.raises(ValidationError) as raised:
            do_update_migrant_details(local, origin_place="呼和浩特市", actor=personas.staff_a)
        assert "residence_situation" in raised.value.message_dict
        assert not Event.objects.filter(type=EventType.MIGRANT_DETAILS_UPDATED).exists()

    def test_it_refuses_an_unknown_intended_stay_and_a_malformed_code(
        self, personas: Personas, migrant: Resident
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            do_update_migrant_details(
                migrant, origin_place="1", intended_stay="forever", actor=personas.staff_a
            )
        assert set(raised.value.message_dict) == {"origin_place", "intended_stay"}

    def test_staff_outside_the_jurisdiction_cannot_change_it(
        self, personas: Personas, migrant: Resident
    ) -> None:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            do_update_migrant_details(migrant, origin_place="通辽市", actor=personas.staff_b)

    def test_no_residence_permit_number_is_stored(self) -> None:
        # PIPL Art. 6: taking part where one lives needs whether a permit is held, not its number.
        with pytest.raises(FieldDoesNotExist):
            Resident._meta.get_field("residence_permit_no")  # type: ignore[misc]


class TestMigrantPages:
    def test_the_resident_page_links_the_migrant_form_for_migrants_only(
        self, personas: Personas, migrant: Resident
    ) -> None:
        local = resident_in(household_in(COMMUNITY_A), name="张伟")
        client = client_for(personas.staff_a)
        link = reverse("residents:migrant_details", args=[migrant.pk])
        assert link in client.get(reverse("residents:detail", args=[migrant.pk])).content.decode()
        other = reverse("residents:migrant_details", args=[local.pk])
        local_page = client.get(reverse("residents:detail", args=[local.pk])).content.decode()
        assert other not in local_page

    def test_the_form_saves_and_returns_to_the_resident(
        self, personas: Personas, migrant: Resident
    ) -> None:
        response = client_for(personas.staff_a).post(
            reverse("residents:migrant_details", args=[migrant.pk]),
            {
                "origin_place": "吉林省白城市",
                "arrived_on": "2024-03-01",
                "has_residence_permit": "false",
                "intended_stay": IntendedStay.LONG_TERM,
            },
        )
        assert response.status_code == 302
        migrant.refresh_from_db()
        assert migrant.origin_place == "吉林省白城市"
        assert migrant.has_residence_permit is False
        page = client_for(personas.staff_a).get(reverse("residents:detail", args=[migrant.pk]))
        assert "长期居住" in page.content.decode()

    def test_the_form_is_404_outside_the_jurisdiction(
        self, personas: Personas, migrant: Resident
    ) -> None:
        url = reverse("residents:migrant_details", args=[migrant.pk])
        assert client_for(personas.staff_b).get(url).status_code == 404
