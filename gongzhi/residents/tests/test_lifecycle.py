"""Moves, departures, merges, edits and unmasking: each one action, one ledger event."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents import actions, queries
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import Resident, Tag
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


def events(type: EventType, resident: Resident) -> list[Event]:
    return list(Event.objects.filter(type=type, object_id=str(resident.pk)).order_by("seq"))


class TestMove:
    def test_a_move_rewrites_the_place_so_each_side_sees_the_right_records(
        self, personas: Personas
    ) -> None:
        source = household_in(COMMUNITY_A)
        mover = resident_in(source, name="张三")
        destination = household_in(COMMUNITY_B)
        actions.do_move_resident(
            mover, household=destination, relationship="户主", actor=personas.county_admin
        )
        mover.refresh_from_db()
        source.refresh_from_db()
        destination.refresh_from_db()
        assert (mover.region_code, mover.household) == (COMMUNITY_B, destination)
        assert source.householder is None and destination.householder == mover
        assert not queries.search_residents(personas.staff_a, "张三").object_list
        assert [r.name for r in queries.search_residents(personas.staff_b, "张三")] == ["张三"]
        [event] = events(EventType.RESIDENT_MOVED, mover)
        assert event.summary["from_region_code"] == COMMUNITY_A
        assert event.summary["to_region_code"] == COMMUNITY_B

    def test_a_move_to_a_place_outside_the_jurisdiction_is_refused(
        self, personas: Personas
    ) -> None:
        mover = resident_in(household_in(COMMUNITY_A))
        with pytest.raises(PermissionDenied):
            actions.do_move_resident(
                mover,
                household=household_in(COMMUNITY_B),
                relationship="户主",
                actor=personas.staff_a,
            )
        mover.refresh_from_db()
        assert mover.region_code == COMMUNITY_A
        assert not events(EventType.RESIDENT_MOVED, mover)

    def test_a_move_inside_the_community_is_allowed_to_a_grid_worker(
        self, personas: Personas
    ) -> None:
        mover = resident_in(household_in(COMMUNITY_A), name="张三")
        resident_in(household_in(COMMUNITY_A), name="李四", id_number=new_id())
        target = household_in(COMMUNITY_A)
        actions.do_move_resident(
            mover, household=target, relationship="02", actor=personas.grid_worker
        )
        assert Resident.objects.get(pk=mover.pk).household == target


class TestDeparture:
    def test_a_death_keeps_the_record_as_history(self, personas: Personas) -> None:
        household = household_in(COMMUNITY_A)
        resident = resident_in(household)
        actions.do_record_departure(
            resident, kind="deceased", on=date(2025, 3, 1), actor=personas.staff_a
        )
        resident.refresh_from_db()
        household.refresh_from_db()
        assert (resident.status, resident.status_on) == (ResidentStatus.DECEASED, date(2025, 3, 1))
        assert household.householder is None
        assert queries.search_residents(personas.staff_a, status="deceased").paginator.count == 1
        with pytest.raises(ValidationError):
            actions.do_record_departure(
                resident, kind="moved_away", on=date(2025, 4, 1), actor=personas.staff_a
            )

    def test_a_future_date_is_refused(self, personas: Personas) -> None:
        resident = resident_in(household_in(COMMUNITY_A))
        with pytest.raises(ValidationError) as exc:
            actions.do_record_departure(
                resident, kind="moved_away", on=date(2999, 1, 1), actor=personas.staff_a
            )
        assert "日期不能晚于今天" in exc.value.message_dict["on"][0]


class TestMerge:
    def test_a_merge_marks_the_duplicate_and_fills_the_gaps(self, personas: Personas) -> None:
        keep = resident_in(household_in(COMMUNITY_A), name="张三")
        veteran = Tag.objects.get(code="veteran")
        duplicate = resident_in(
            household_in(COMMUNITY_A),
            name="张叁",
            id_number=new_id(),
            phone="13900001111",
            education="大学本科毕业",
            tags=[veteran],
        )
        actions.do_merge_residents(keep, duplicate, actor=personas.staff_a)
        keep.refresh_from_db()
        duplicate.refresh_from_db()
        assert duplicate.status == ResidentStatus.MERGED and duplicate.merged_into == keep
        assert keep.phone_masked == "139****1111" and keep.phone.reveal() == "13900001111"
        assert keep.education == duplicate.education
        assert list(keep.tags.all()) == [veteran]
        [event] = events(EventType.RESIDENTS_MERGED, keep)
        assert event.summary == {
            "duplicate": duplicate.pk,
            "filled": ["education", "phone", "tags"],
        }

    def test_a_record_cannot_merge_with_itself(self, personas: Personas) -> None:
        keep = resident_in(household_in(COMMUNITY_A))
        with pytest.raises(ValidationError):
            actions.do_merge_residents(keep, keep, actor=personas.staff_a)


class TestUpdate:
    def test_an_edit_checks_sex_against_the_stored_id_and_logs_field_names(
        self, personas: Personas
    ) -> None:
        resident = resident_in(household_in(COMMUNITY_A), id_number="11010519491231002X")
        with pytest.raises(ValidationError) as exc:
            actions.do_update_resident(resident, sex="1", actor=personas.staff_a)
        assert "sex" in exc.value.message_dict
        actions.do_update_resident(
            resident, name="李丽", phone="13700002222", actor=personas.staff_a
        )
        resident.refresh_from_db()
        assert (resident.name_initials, resident.phone_masked) == ("ll", "137****2222")
        [event] = events(EventType.RESIDENT_UPDATED, resident)
        assert event.summary == {"fields": ["name", "phone"]}

    def test_an_edit_to_an_id_already_registered_is_refused(self, personas: Personas) -> None:
        taken = new_id()
        resident_in(household_in(COMMUNITY_A), id_number=taken)
        other = resident_in(household_in(COMMUNITY_A), id_number=new_id())
        with pytest.raises(ValidationError) as exc:
            actions.do_update_resident(other, id_number=taken, actor=personas.staff_a)
        assert exc.value.error_dict["id_number"][0].code == "duplicate"


class TestUnmask:
    def test_community_staff_unmask_and_the_ledger_names_the_resident_and_field(
        self, personas: Personas
    ) -> None:
        number = new_id()
        resident = resident_in(household_in(COMMUNITY_A), id_number=number, phone="13812345678")
        assert actions.do_unmask_resident(resident, field="id_number", actor=personas.staff_a) == (
            number
        )
        assert actions.do_unmask_resident(resident, field="phone", actor=personas.staff_a) == (
            "13812345678"
        )
        logged = events(EventType.PII_UNMASKED, resident)
        assert [e.summary["field"] for e in logged] == ["id_number", "phone"]
        assert all(e.actor == personas.staff_a for e in logged)
        assert number not in str([e.summary for e in logged])

    @pytest.mark.parametrize("persona", ["grid_worker", "staff_b"])
    def test_grid_workers_and_other_communities_cannot_unmask(
        self, personas: Personas, persona: str
    ) -> None:
        resident = resident_in(household_in(COMMUNITY_A))
        with pytest.raises(PermissionDenied):
            actions.do_unmask_resident(
                resident, field="id_number", actor=getattr(personas, persona)
            )
        assert not events(EventType.PII_UNMASKED, resident)
