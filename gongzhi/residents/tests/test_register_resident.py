"""Registering households and residents: validation, derivation, uniqueness, encryption."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.models import Household, Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


class TestValidation:
    def test_it_refuses_a_bad_checksum_on_the_id_field_in_chinese(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            resident_in(household, id_number="110105194912310021", actor=personas.staff_a)
        assert list(field_errors(exc)) == ["id_number"]
        assert "校验码错误（应为X）" in field_errors(exc)["id_number"][0]

    def test_it_refuses_a_declared_sex_the_id_contradicts(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            resident_in(household, id_number="11010519491231002X", sex="男", actor=personas.staff_a)
        assert "性别与证件号码不符" in field_errors(exc)["sex"][0]

    def test_it_refuses_a_declared_birth_date_the_id_contradicts(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            resident_in(
                household,
                id_number="11010519491231002X",
                birth_date=date(1950, 1, 1),
                actor=personas.staff_a,
            )
        assert "出生日期与证件号码不符" in field_errors(exc)["birth_date"][0]

    def test_it_refuses_an_unknown_ethnicity_on_the_ethnicity_field(
        self, personas: Personas
    ) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            resident_in(household, ethnicity="火星族", actor=personas.staff_a)
        assert "民族“火星族”不在 GB 3304 代码表中" in field_errors(exc)["ethnicity"][0]

    def test_it_reports_every_bad_field_at_once(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(ValidationError) as exc:
            resident_in(
                household, name=" ", ethnicity="", relationship="外星人", actor=personas.staff_a
            )
        assert set(field_errors(exc)) == {"name", "ethnicity", "relationship"}

    @pytest.mark.parametrize("ethnicity", ["蒙古族", "02", "蒙古"])
    def test_it_accepts_the_ethnicity_as_code_or_name(
        self, personas: Personas, ethnicity: str
    ) -> None:
        resident = resident_in(
            household_in(COMMUNITY_A), ethnicity=ethnicity, actor=personas.staff_a
        )
        assert resident.ethnicity == "02"

    def test_it_derives_sex_and_birth_date_from_the_id(self, personas: Personas) -> None:
        resident = resident_in(
            household_in(COMMUNITY_A), id_number="11010519491231002x", actor=personas.staff_a
        )
        assert (resident.sex, resident.birth_date) == ("2", date(1949, 12, 31))
        assert resident.id_number_masked == "110105********002X"

    def test_it_fills_search_keys_and_place(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        resident = resident_in(household, name="乌云其其格", phone="138 1234 5678")
        assert (resident.name_pinyin, resident.name_initials) == ("wuyunqiqige", "wyqqg")
        assert resident.region_code == household.region_code == COMMUNITY_A
        assert resident.phone_masked == "138****5678"
        household.refresh_from_db()
        assert household.householder == resident


class TestUniqueness:
    def test_it_refuses_an_id_already_registered_and_names_the_record_in_scope(
        self, personas: Personas
    ) -> None:
        number = new_id()
        first = resident_in(household_in(COMMUNITY_A), name="李四", id_number=number)
        with pytest.raises(ValidationError) as exc:
            resident_in(
                household_in(COMMUNITY_A),
                id_number=number.lower(),
                actor=personas.staff_a,
            )
        assert exc.value.error_dict["id_number"][0].code == "duplicate"
        assert f"李四，记录编号 {first.pk}" in field_errors(exc)["id_number"][0]

    def test_it_does_not_reveal_where_a_duplicate_outside_scope_lives(
        self, personas: Personas
    ) -> None:
        number = new_id()
        resident_in(household_in(COMMUNITY_B), name="王五", id_number=number)
        with pytest.raises(ValidationError) as exc:
            resident_in(household_in(COMMUNITY_A), id_number=number, actor=personas.staff_a)
        message = field_errors(exc)["id_number"][0]
        assert message == "此人已在其他辖区登记，请联系其所在社区办理迁入"
        assert Resident.objects.count() == 1

    def test_a_household_has_one_householder(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        resident_in(household, name="张三")
        with pytest.raises(ValidationError) as exc:
            resident_in(household, name="张四", relationship="02")
        assert "该户已有户主“张三”" in field_errors(exc)["relationship"][0]


class TestProtection:
    def test_the_database_holds_no_plaintext_id_or_phone(self, personas: Personas) -> None:
        number = new_id()
        resident = resident_in(household_in(COMMUNITY_A), id_number=number, phone="13812345678")
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM residents_resident WHERE id = %s", [resident.pk])
            row = " ".join(str(value) for value in cursor.fetchone())
        assert number not in row and number[-6:] not in row
        assert "13812345678" not in row and "12345678" not in row
        assert resident.id_number.reveal() == number

    def test_the_ledger_records_the_registration_without_personal_data(
        self, personas: Personas
    ) -> None:
        number = new_id()
        resident = resident_in(
            household_in(COMMUNITY_A), id_number=number, phone="13812345678", actor=personas.staff_a
        )
        event = Event.objects.get(type=EventType.RESIDENT_REGISTERED, object_id=str(resident.pk))
        assert event.actor == personas.staff_a
        assert number not in str(event.summary) and "13812345678" not in str(event.summary)


class TestPermissions:
    def test_a_grid_worker_registers_in_their_community(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A, actor=personas.grid_worker)
        assert resident_in(household, actor=personas.grid_worker).pk

    def test_staff_cannot_register_into_another_community(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        with pytest.raises(PermissionDenied):
            resident_in(household, actor=personas.staff_b)
        with pytest.raises(PermissionDenied):
            household_in(COMMUNITY_A, actor=personas.staff_b)

    @pytest.mark.parametrize("persona", ["resident", "system_admin", "audit_admin"])
    def test_residents_and_administrators_cannot_register(
        self, personas: Personas, persona: str
    ) -> None:
        with pytest.raises(PermissionDenied):
            household_in(COMMUNITY_A, actor=getattr(personas, persona))
        assert not Household.objects.exists()

    def test_household_numbers_are_unique(self, personas: Personas) -> None:
        household_in(COMMUNITY_A, number="H001")
        with pytest.raises(ValidationError) as exc:
            household_in(COMMUNITY_A, number="H001")
        assert "户号“H001”已被使用" in field_errors(exc)["number"][0]
