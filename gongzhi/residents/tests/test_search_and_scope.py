"""Finding people: every search key inside the jurisdiction, nothing outside it; minors
and sensitive tags hidden from those without the permission."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.core.idcard import CHECK_CHARACTERS
from gongzhi.residents import queries
from gongzhi.residents.models import Resident, Tag
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas: Personas) -> dict[str, Resident]:
    zhang = resident_in(
        household_in(COMMUNITY_A),
        name="张三",
        id_number=new_id(date(1980, 5, 17)),
        phone="13812345678",
    )
    wang = resident_in(household_in(COMMUNITY_B), name="张三丰", id_number=new_id())
    return {"zhang": zhang, "wang": wang}


def tag_names(resident: Any) -> set[str]:
    """The tags the reader was given (``residents_for`` prefetches ``visible_tags``)."""
    return {tag.name for tag in resident.visible_tags}


def with_check(first_17: str) -> str:
    """A citizen ID: 17 digits and their GB 11643 check character."""
    return first_17 + CHECK_CHARACTERS[(2 * int(first_17, 13)) % 11]


def found(user: object, q: str) -> set[str]:
    return {r.name for r in queries.search_residents(user, q)}


class TestSearchKeys:
    @pytest.mark.parametrize("q", ["张三", "张", "zhangsan", "zs", "ZS", "zhang"])
    def test_staff_find_by_name_pinyin_and_initials_only_in_their_community(
        self, personas: Personas, people: dict[str, Resident], q: str
    ) -> None:
        assert found(personas.staff_a, q) == {"张三"}
        assert found(personas.staff_b, q) == {"张三丰"}
        assert found(personas.county_admin, q) == {"张三", "张三丰"}

    @pytest.mark.parametrize("length", [4, 5, 6])
    def test_staff_find_by_the_tail_of_the_id(
        self, personas: Personas, people: dict[str, Resident], length: int
    ) -> None:
        tail = people["zhang"].id_number.reveal()[-length:]
        assert "张三" in found(personas.staff_a, tail)
        assert found(personas.staff_b, tail) <= {"张三丰"}
        assert "张三" not in found(personas.staff_b, tail)

    def test_a_longer_id_tail_keeps_only_those_ending_in_all_of_it(
        self, personas: Personas
    ) -> None:
        # Only the last 4 characters are indexed; the 5th and 6th are compared after.
        first = "11010519491231002X"
        twin = next(
            number
            for day in range(1, 29)
            for number in [with_check(f"11010519491{day:03d}002"[:17])]
            if number[-4:] == first[-4:] and number[-5] != first[-5]
        )
        resident_in(household_in(COMMUNITY_A), name="王一", id_number=first)
        resident_in(household_in(COMMUNITY_A), name="王二", id_number=twin)
        assert found(personas.staff_a, first[-4:]) == {"王一", "王二"}
        assert found(personas.staff_a, first[-5:]) == {"王一"}
        assert found(personas.staff_a, first[-6:]) == {"王一"}
        assert found(personas.staff_a, twin[-6:]) == {"王二"}

    def test_an_id_tail_ending_in_x_is_found_in_either_case(self, personas: Personas) -> None:
        resident_in(household_in(COMMUNITY_A), name="李丽", id_number="11010519491231002X")
        assert found(personas.staff_a, "002x") == {"李丽"}
        assert found(personas.staff_a, "31002X") == {"李丽"}

    def test_staff_find_by_the_full_id(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        number = people["zhang"].id_number.reveal()
        assert found(personas.staff_a, number) == {"张三"}
        assert found(personas.staff_b, number) == set()

    def test_staff_find_by_the_last_four_digits_of_the_phone(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        assert found(personas.staff_a, "5678") == {"张三"}
        assert found(personas.staff_a, "13812345678") == {"张三"}
        assert found(personas.staff_b, "5678") == set()

    def test_a_search_matching_nothing_finds_nothing(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        assert found(personas.staff_a, "lisi") == set()
        assert found(personas.staff_a, "12") == set()
        assert found(personas.staff_a, "!!") == set()

    def test_those_without_the_registry_see_nobody(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        for user in (personas.resident, personas.system_admin, personas.audit_admin):
            assert found(user, "") == set()
            with pytest.raises(Http404):
                queries.access_resident(user, people["zhang"].pk)

    def test_access_outside_the_jurisdiction_is_404(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        assert queries.access_resident(personas.staff_a, people["zhang"].pk)
        with pytest.raises(Http404):
            queries.access_resident(personas.staff_b, people["zhang"].pk)


class TestNamePrefixAndLongLists:
    def test_a_name_is_found_by_its_beginning_through_the_index(
        self, personas: Personas, people: dict[str, Resident]
    ) -> None:
        assert found(personas.county_admin, "张三") == {"张三", "张三丰"}
        assert found(personas.county_admin, "张") == {"张三", "张三丰"}
        assert found(personas.county_admin, "三丰") == set()  # a prefix, not "contains"

    def test_a_huge_list_is_counted_only_up_to_the_cap(
        self, personas: Personas, people: dict[str, Resident], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from gongzhi.accounts.testing import client_for
        from gongzhi.core import pagination

        resident_in(household_in(COMMUNITY_A), name="李四", id_number=new_id())
        monkeypatch.setattr(pagination, "COUNT_CAP", 1)
        page = queries.search_residents(personas.county_admin, "")
        assert page.paginator.count == 2 and page.paginator.capped  # type: ignore[attr-defined]
        html = client_for(personas.county_admin).get("/console/residents/").content.decode()
        assert "超过 1 人，只列出前 1 人" in html


class TestMinors:
    @pytest.fixture
    def child(self, personas: Personas) -> Resident:
        household = household_in(COMMUNITY_A)
        resident_in(household, name="张大")
        birth = timezone.localdate() - timedelta(days=365 * 8)
        return resident_in(
            household, name="张小", relationship="子", id_number=new_id(birth), actor=None
        )

    def test_grid_workers_do_not_see_children_under_14(
        self, personas: Personas, child: Resident
    ) -> None:
        assert found(personas.grid_worker, "") == {"张大"}
        with pytest.raises(Http404):
            queries.access_resident(personas.grid_worker, child.pk)

    def test_community_staff_see_them(self, personas: Personas, child: Resident) -> None:
        assert found(personas.staff_a, "") == {"张大", "张小"}
        assert queries.is_minor(queries.access_resident(personas.staff_a, child.pk))

    def test_the_cutoff_is_the_fourteenth_birthday(self) -> None:
        today = date(2026, 3, 10)
        assert queries.minor_cutoff(today) == date(2012, 3, 10)
        assert queries.minor_cutoff(date(2024, 2, 29)) == date(2010, 2, 28)


class TestSensitiveTags:
    def test_sensitive_tags_are_seeded(self, db: None) -> None:
        sensitive = set(Tag.objects.filter(is_sensitive=True).values_list("name", flat=True))
        assert sensitive == {"精神障碍患者", "社区矫正对象", "刑满释放人员"}
        assert Tag.objects.filter(name__in=["留守儿童", "独居老人", "退役军人"]).count() == 3

    def test_only_staff_with_the_permission_see_or_filter_by_them(self, personas: Personas) -> None:
        tags = [Tag.objects.get(code="mental_disorder"), Tag.objects.get(code="disabled")]
        resident_in(household_in(COMMUNITY_A), name="赵六", tags=tags)
        [seen_by_staff] = queries.search_residents(personas.staff_a, "赵六")
        [seen_by_worker] = queries.search_residents(personas.grid_worker, "赵六")
        assert tag_names(seen_by_staff) == {"精神障碍患者", "残疾人"}
        assert tag_names(seen_by_worker) == {"残疾人"}
        assert len(queries.search_residents(personas.staff_a, tag="mental_disorder")) == 1
        assert len(queries.search_residents(personas.grid_worker, tag="mental_disorder")) == 0
        assert len(queries.search_residents(personas.grid_worker, tag="disabled")) == 1
