"""The registry pages: permission matrix, masking, unmasking, forms and query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.models import Household, Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def resident(personas: Personas) -> Resident:
    return resident_in(household_in(COMMUNITY_A), name="乌云", id_number=NUMBER, phone=PHONE)


class TestPermissionMatrix:
    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("grid_worker", 200),
            ("staff_a", 200),
            ("street_staff", 200),
            ("county_admin", 200),
            ("staff_b", 404),
            ("resident", 403),
            ("system_admin", 403),
            ("audit_admin", 403),
        ],
    )
    def test_the_detail_page_answers_by_role_and_jurisdiction(
        self, personas: Personas, resident: Resident, persona: str, expected: int
    ) -> None:
        response = client_for(getattr(personas, persona)).get(
            reverse("residents:detail", args=[resident.pk])
        )
        # Without the registry the record does not exist for them either.
        assert response.status_code == (404 if expected == 403 else expected)

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [("grid_worker", 200), ("staff_b", 200), ("resident", 403), ("security_admin", 403)],
    )
    def test_the_list_page_answers_by_role(
        self, personas: Personas, persona: str, expected: int
    ) -> None:
        response = client_for(getattr(personas, persona)).get(reverse("residents:list"))
        assert response.status_code == expected

    def test_the_menu_shows_the_registry_to_staff(self, personas: Personas) -> None:
        page = client_for(personas.grid_worker).get(reverse("residents:list")).content.decode()
        assert 'aria-current="page">实有人口<' in page

    @pytest.mark.parametrize("name", ["edit", "move", "departure", "merge"])
    def test_change_pages_are_refused_outside_and_allowed_inside(
        self, personas: Personas, resident: Resident, name: str
    ) -> None:
        url = reverse(f"residents:{name}", args=[resident.pk])
        assert client_for(personas.staff_a).get(url).status_code == 200
        assert client_for(personas.staff_b).get(url).status_code == 404


class TestMasking:
    def test_pages_show_masked_numbers_only(self, personas: Personas, resident: Resident) -> None:
        client = client_for(personas.staff_a)
        for url in (
            reverse("residents:detail", args=[resident.pk]),
            reverse("residents:list"),
            reverse("residents:household_detail", args=[resident.household_id]),
        ):
            page = client.get(url).content.decode()
            assert "110105********002X" in page and "138****5678" in page
            assert NUMBER not in page and PHONE not in page

    def test_the_unmask_button_is_only_for_those_allowed(
        self, personas: Personas, resident: Resident
    ) -> None:
        url = reverse("residents:detail", args=[resident.pk])
        assert "显示完整号码" in client_for(personas.staff_a).get(url).content.decode()
        assert "显示完整号码" not in client_for(personas.grid_worker).get(url).content.decode()

    def test_unmasking_shows_the_number_once_and_is_ledgered(
        self, personas: Personas, resident: Resident
    ) -> None:
        client = client_for(personas.staff_a)
        url = reverse("residents:unmask", args=[resident.pk])
        response = client.post(url, {"field": "id_number"})
        assert NUMBER in response.content.decode() and PHONE not in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        event = Event.objects.get(type=EventType.PII_UNMASKED)
        assert (event.object_id, event.summary["field"]) == (str(resident.pk), "id_number")
        later = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
        assert NUMBER not in later

    def test_grid_workers_are_refused_unmasking(
        self, personas: Personas, resident: Resident
    ) -> None:
        response = client_for(personas.grid_worker).post(
            reverse("residents:unmask", args=[resident.pk]), {"field": "phone"}
        )
        assert response.status_code == 403
        assert not Event.objects.filter(type=EventType.PII_UNMASKED).exists()
        assert (
            client_for(personas.staff_a)
            .get(reverse("residents:unmask", args=[resident.pk]))
            .status_code
            == 405
        )


class TestMinorPages:
    def test_a_child_under_14_is_404_for_a_grid_worker(self, personas: Personas) -> None:
        birth = timezone.localdate() - timedelta(days=365 * 5)
        child = resident_in(household_in(COMMUNITY_A), id_number=new_id(birth), name="小明")
        url = reverse("residents:detail", args=[child.pk])
        assert client_for(personas.grid_worker).get(url).status_code == 404
        page = client_for(personas.staff_a).get(url).content.decode()
        assert "未满14周岁" in page


class TestForms:
    def test_registering_through_the_pages(self, personas: Personas) -> None:
        client = client_for(personas.grid_worker)
        response = client.post(
            reverse("residents:household_create"),
            {"community": _community_pk(COMMUNITY_A), "room": "301", "address": "兴安南大路 18 号"},
        )
        household = Household.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("residents:household_detail", args=[household.pk])
        response = client.post(
            reverse("residents:resident_create", args=[household.pk]),
            _resident_form(id_number=NUMBER, ethnicity="02", relationship="02"),
        )
        resident = Resident.objects.get()
        assert response["Location"] == reverse("residents:detail", args=[resident.pk])
        page = client.get(reverse("residents:household_detail", args=[household.pk]))
        assert "户主" in page.content.decode() and "乌云" in page.content.decode()

    def test_errors_show_beside_the_field_in_chinese(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        response = client_for(personas.staff_a).post(
            reverse("residents:resident_create", args=[household.pk]),
            _resident_form(id_number="110105194912310021", sex="1"),
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "校验码错误" in form.errors["id_number"][0]
        assert "证件号码校验码错误（应为X）" in response.content.decode()
        assert not Resident.objects.exists()

    def test_staff_of_another_community_cannot_open_the_form(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        url = reverse("residents:resident_create", args=[household.pk])
        assert client_for(personas.staff_b).get(url).status_code == 404
        assert client_for(personas.staff_a).get(url).status_code == 200

    def test_moving_through_the_page(self, personas: Personas, resident: Resident) -> None:
        target = household_in(COMMUNITY_B, number="HB-1")
        client = client_for(personas.staff_a)
        url = reverse("residents:move", args=[resident.pk])
        response = client.post(url, {"household": "HB-1", "relationship": "02"})
        assert "在您的辖区内没有这个户号" in response.content.decode()
        response = client_for(personas.county_admin).post(
            url, {"household": target.number, "relationship": "02"}
        )
        assert response.status_code == 302
        resident.refresh_from_db()
        assert resident.region_code == COMMUNITY_B

    def test_recording_a_departure_and_merging_through_the_pages(
        self, personas: Personas, resident: Resident
    ) -> None:
        other = resident_in(household_in(COMMUNITY_A), name="乌云二", id_number=new_id())
        client = client_for(personas.staff_a)
        response = client.post(
            reverse("residents:merge", args=[resident.pk]), {"duplicate": other.pk}
        )
        assert response.status_code == 302
        other.refresh_from_db()
        assert other.merged_into == resident
        response = client.post(
            reverse("residents:departure", args=[resident.pk]),
            {"kind": "moved_away", "on": "2025-01-02"},
        )
        assert response.status_code == 302
        assert Resident.objects.get(pk=resident.pk).status == "moved_away"


class TestQueryCount:
    def test_the_list_page_costs_the_same_queries_for_more_residents(
        self, personas: Personas
    ) -> None:
        client = client_for(personas.staff_a)
        url = reverse("residents:list")

        def count() -> int:
            client.get(url)  # warm the session and caches
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        household = household_in(COMMUNITY_A)
        resident_in(household, name="甲")
        few = count()
        for index in range(8):
            resident_in(household, name=f"乙{index}", relationship="子", id_number=new_id())
        assert count() == few
        assert few <= 16


def _community_pk(code: str) -> int:
    from gongzhi.regions.models import Region

    return Region.objects.get(region_code=code).pk


def _resident_form(**values: Any) -> dict[str, Any]:
    form = {
        "name": "乌云",
        "doc_type": "citizen_id",
        "id_number": "",
        "sex": "",
        "birth_date": "",
        "ethnicity": "02",
        "relationship": "02",
        "phone": "",
        "education": "",
        "marital_status": "",
        "political_status": "",
        "registered_region_code": "",
        "residence_situation": "consistent",
        "moved_in_on": "",
        "is_local_resident": "on",
    }
    form.update(values)
    return form


class TestListFilters:
    def test_the_list_shows_current_residents_unless_asked_for_all(
        self, personas: Personas, resident: Resident
    ) -> None:
        from datetime import date

        from gongzhi.residents.actions import do_record_departure

        gone = resident_in(household_in(COMMUNITY_A), name="巴图", id_number=new_id())
        do_record_departure(gone, kind="deceased", on=date(2025, 1, 1), actor=None)
        client = client_for(personas.staff_a)
        default = client.get(reverse("residents:list")).content.decode()
        everyone = client.get(reverse("residents:list"), {"status": ""}).content.decode()
        assert "乌云" in default and "巴图" not in default
        assert "乌云" in everyone and "巴图" in everyone

    def test_live_search_returns_only_the_results(
        self, personas: Personas, resident: Resident
    ) -> None:
        response = client_for(personas.staff_a).get(
            reverse("residents:list"), {"q": "wy"}, headers={"HX-Request": "true"}
        )
        page = response.content.decode()
        assert page.lstrip().startswith('<div id="resident-results"') and "乌云" in page


class TestEditPage:
    def test_editing_with_a_new_id_rederives_sex_and_birth_date(
        self, personas: Personas, resident: Resident
    ) -> None:
        client = client_for(personas.staff_a)
        url = reverse("residents:edit", args=[resident.pk])
        form = client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields if name != "tags"}
        data["is_local_resident"] = "on"
        data["id_number"] = "110105194912310011"  # a man born the same day
        data["birth_date"] = resident.birth_date.isoformat()  # type: ignore[union-attr]
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        resident.refresh_from_db()
        assert (resident.sex, resident.id_number_masked) == ("1", "110105********0011")


class TestDepartmentStaff:
    def test_department_staff_read_but_do_not_register(self, personas: Personas) -> None:
        from django.core.exceptions import PermissionDenied

        from conftest import COUNTY, make_user

        clerk = make_user("clerk", "department_staff", COUNTY, full_name="民政局")
        resident = resident_in(household_in(COMMUNITY_A))
        client = client_for(clerk)
        assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200
        assert client.get(reverse("residents:household_create")).status_code == 403
        with pytest.raises(PermissionDenied):
            household_in(COMMUNITY_A, actor=clerk)
