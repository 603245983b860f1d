"""Tag configuration (标签管理, issue 3 "tags … and others configurable"; care categories of
R3.5b): who may configure, validation in Chinese, the league-only sensitivity flag,
deactivation instead of deletion, the ledger, and the scoped per-tag counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, LEAGUE, OTHER_COUNTY, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents import queries
from gongzhi.residents.actions import (
    do_activate_tag,
    do_deactivate_tag,
    do_record_departure,
    do_save_tag,
)
from gongzhi.residents.models import Resident, Tag
from gongzhi.residents.queries_tags import tag_usage
from gongzhi.residents.tests.helpers import household_in, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def league_staff(personas: Personas) -> Any:
    """旗县市/盟工作人员 bound to the league itself."""
    return make_user("league_staff", "county_staff", LEAGUE, full_name="盟民政")


def tag(code: str) -> Tag:
    return Tag.objects.get(code=code)


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def new_tag(actor: Any, **values: Any) -> Tag:
    data: dict[str, Any] = {
        "code": "key_family",
        "name": "重点关注家庭",
        "category": "other",
        "is_sensitive": False,
    }
    data.update(values)
    return do_save_tag(None, actor=actor, **data)


class TestWhoMayConfigure:
    @pytest.mark.parametrize(
        ("persona", "allowed"),
        [
            ("county_admin", True),
            ("street_staff", False),
            ("staff_a", False),
            ("grid_worker", False),
            ("resident", False),
            ("system_admin", False),
            ("security_admin", False),
            ("audit_admin", False),
        ],
    )
    def test_only_county_and_league_staff_manage_tags(
        self, personas: Personas, persona: str, allowed: bool
    ) -> None:
        user = getattr(personas, persona)
        assert user.has_perm("residents.manage_tags") is allowed
        if not allowed:
            with pytest.raises(PermissionDenied):
                new_tag(user)

    def test_only_league_level_staff_change_sensitivity(
        self, personas: Personas, league_staff: Any
    ) -> None:
        assert league_staff.has_perm("residents.change_tag_sensitivity")
        assert not personas.county_admin.has_perm("residents.change_tag_sensitivity")
        assert not personas.staff_a.has_perm("residents.change_tag_sensitivity")

    def test_the_page_answers_by_role(self, personas: Personas) -> None:
        url = reverse("residents:tag_list")
        assert client_for(personas.county_admin).get(url).status_code == 200
        assert client_for(personas.staff_a).get(url).status_code == 403
        assert client_for(personas.grid_worker).get(url).status_code == 403

    def test_the_residents_list_links_the_page_only_for_those_allowed(
        self, personas: Personas
    ) -> None:
        link = reverse("residents:tag_list")
        county_page = client_for(personas.county_admin).get(reverse("residents:list"))
        staff_page = client_for(personas.staff_a).get(reverse("residents:list"))
        assert link in county_page.content.decode()
        assert link not in staff_page.content.decode()


class TestSaving:
    def test_a_county_user_creates_a_tag_and_it_is_ledgered(self, personas: Personas) -> None:
        created = new_tag(personas.county_admin, code=" Key_Family ", name=" 重点  关注家庭 ")
        assert (created.code, created.name, created.is_active) == (
            "key_family",
            "重点 关注家庭",
            True,
        )
        event = Event.objects.get(type=EventType.TAG_SAVED, object_id=str(created.pk))
        assert event.actor_id == personas.county_admin.pk
        assert event.summary["created"] is True and event.summary["code"] == "key_family"

    def test_a_county_user_may_mark_a_new_tag_sensitive(self, personas: Personas) -> None:
        assert new_tag(personas.county_admin, is_sensitive=True).is_sensitive

    def test_empty_fields_are_refused_naming_the_field(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            new_tag(personas.county_admin, code="", name=" ", category="nonsense")
        assert field_errors(exc) == {
            "code": ["代码不能为空"],
            "name": ["名称不能为空"],
            "category": ["类别“nonsense”无效"],
        }

    def test_a_code_that_is_not_a_slug_is_refused(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            new_tag(personas.county_admin, code="重点 家庭")
        assert field_errors(exc) == {"code": ["代码只能包含小写英文字母、数字、下划线和连字符"]}

    def test_code_and_name_are_unique(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            new_tag(personas.county_admin, code="veteran", name="残疾人")
        assert field_errors(exc) == {
            "code": ["代码“veteran”已被标签“退役军人”使用"],
            "name": ["名称“残疾人”已被其他标签使用"],
        }

    def test_the_code_is_fixed_once_the_tag_exists(self, personas: Personas) -> None:
        veteran = tag("veteran")
        with pytest.raises(ValidationError) as exc:
            do_save_tag(
                veteran,
                code="ex_soldier",
                name=veteran.name,
                category=veteran.category,
                is_sensitive=False,
                actor=personas.county_admin,
            )
        assert field_errors(exc) == {"code": ["代码创建后不能修改"]}

    def test_a_county_user_renames_a_tag(self, personas: Personas) -> None:
        veteran = tag("veteran")
        saved = do_save_tag(
            veteran,
            code="veteran",
            name="退役军人及其家属",
            category="care",
            is_sensitive=False,
            actor=personas.county_admin,
        )
        assert saved.name == "退役军人及其家属" and saved.category == "care"
        event = Event.objects.filter(type=EventType.TAG_SAVED).latest("seq")
        assert event.summary["changed"] == ["category", "name"]


class TestSensitivity:
    """R3.5b: the seeded sensitive tags keep their protection against county users."""

    def test_a_county_user_cannot_clear_the_flag_of_a_seeded_tag(self, personas: Personas) -> None:
        mental = tag("mental_disorder")
        with pytest.raises(PermissionDenied):
            do_save_tag(
                mental,
                code=mental.code,
                name=mental.name,
                category=mental.category,
                is_sensitive=False,
                actor=personas.county_admin,
            )
        assert tag("mental_disorder").is_sensitive

    def test_the_edit_page_keeps_the_flag_whatever_a_county_user_posts(
        self, personas: Personas
    ) -> None:
        mental = tag("mental_disorder")
        response = client_for(personas.county_admin).post(
            reverse("residents:tag_edit", args=[mental.pk]),
            {"code": "hacked", "name": "精神障碍患者（登记）", "category": "care"},
        )
        assert response.status_code == 302
        mental.refresh_from_db()
        assert (mental.code, mental.name, mental.is_sensitive) == (
            "mental_disorder",
            "精神障碍患者（登记）",
            True,
        )

    def test_league_staff_change_the_flag(self, league_staff: Any) -> None:
        veteran = tag("veteran")
        do_save_tag(
            veteran,
            code="veteran",
            name=veteran.name,
            category=veteran.category,
            is_sensitive=True,
            actor=league_staff,
        )
        assert tag("veteran").is_sensitive
        event = Event.objects.filter(type=EventType.TAG_SAVED).latest("seq")
        assert event.summary["changed"] == ["is_sensitive"]

    def test_sensitive_tags_stay_hidden_from_grid_workers(self, personas: Personas) -> None:
        created = new_tag(personas.county_admin, is_sensitive=True)
        assert created not in queries.visible_tags(personas.grid_worker)


class TestDeactivation:
    def test_a_tag_in_use_is_deactivated_and_stays_on_the_record(self, personas: Personas) -> None:
        alone = tag("elder_living_alone")
        person = resident_in(household_in(COMMUNITY_A), tags=[alone])
        do_deactivate_tag(alone, actor=personas.county_admin)
        assert not tag("elder_living_alone").is_active
        assert list(person.tags.all()) == [alone]
        event = Event.objects.get(type=EventType.TAG_DEACTIVATED, object_id=str(alone.pk))
        assert event.summary == {"code": "elder_living_alone", "carried_by": 1}

    def test_deactivating_twice_is_refused_and_activation_brings_it_back(
        self, personas: Personas
    ) -> None:
        veteran = tag("veteran")
        do_deactivate_tag(veteran, actor=personas.county_admin)
        with pytest.raises(ValidationError) as exc:
            do_deactivate_tag(veteran, actor=personas.county_admin)
        assert field_errors(exc) == {"is_active": ["标签“退役军人”已停用"]}
        do_activate_tag(veteran, actor=personas.county_admin)
        assert tag("veteran").is_active
        assert Event.objects.filter(type=EventType.TAG_ACTIVATED).count() == 1

    def test_community_staff_cannot_deactivate(self, personas: Personas) -> None:
        with pytest.raises(PermissionDenied):
            do_deactivate_tag(tag("veteran"), actor=personas.staff_a)
        response = client_for(personas.staff_a).post(
            reverse("residents:tag_deactivate", args=[tag("veteran").pk])
        )
        assert response.status_code == 403
        assert tag("veteran").is_active

    def test_the_page_deactivates_with_a_post(self, personas: Personas) -> None:
        client = client_for(personas.county_admin)
        response = client.post(reverse("residents:tag_deactivate", args=[tag("veteran").pk]))
        assert response.status_code == 302
        assert not tag("veteran").is_active
        page = client.get(reverse("residents:tag_list")).content.decode()
        assert "已停用" in page

    def test_inactive_tags_are_not_offered(self, personas: Personas) -> None:
        do_deactivate_tag(tag("veteran"), actor=personas.county_admin)
        assert tag("veteran") not in queries.offered_tags(personas.staff_a)
        assert tag("veteran") in queries.visible_tags(personas.staff_a)
        home = household_in(COMMUNITY_A)
        page = client_for(personas.staff_a).get(
            reverse("residents:resident_create", args=[home.pk])
        )
        html = page.content.decode()
        assert "独居老人" in html and "退役军人" not in html

    def test_editing_a_record_keeps_its_inactive_tag(self, personas: Personas) -> None:
        veteran, alone = tag("veteran"), tag("elder_living_alone")
        person = resident_in(household_in(COMMUNITY_A), name="巴特尔", tags=[veteran])
        do_deactivate_tag(veteran, actor=personas.county_admin)
        client = client_for(personas.staff_a)
        form = client.get(reverse("residents:edit", args=[person.pk]))
        data = {
            key: value
            for key, value in form.context["form"].initial.items()
            if value is not None and key != "tags"
        }
        data.update({"tags": [alone.pk], "is_local_resident": "on"})
        response = client.post(reverse("residents:edit", args=[person.pk]), data)
        assert response.status_code == 302, response.content.decode()
        assert set(Resident.objects.get(pk=person.pk).tags.all()) == {veteran, alone}


class TestCounts:
    @pytest.fixture
    def carriers(self, personas: Personas) -> dict[str, Resident]:
        alone, disabled = tag("elder_living_alone"), tag("disabled")
        return {
            "a1": resident_in(household_in(COMMUNITY_A), tags=[alone, disabled]),
            "a2": resident_in(household_in(COMMUNITY_A), tags=[alone]),
            "b": resident_in(household_in(COMMUNITY_B), tags=[alone]),
            "other": resident_in(household_in(OTHER_COUNTY + "001001"), tags=[alone]),
            "gone": resident_in(household_in(COMMUNITY_A), tags=[alone, disabled]),
        }

    def test_counts_are_current_residents_of_the_viewers_jurisdiction(
        self, personas: Personas, league_staff: Any, carriers: dict[str, Resident]
    ) -> None:
        do_record_departure(carriers["gone"], kind="moved_away", on="2025-01-01", actor=None)
        alone, disabled, veteran = tag("elder_living_alone"), tag("disabled"), tag("veteran")
        ids = [alone.pk, disabled.pk, veteran.pk]
        assert tag_usage(league_staff, ids) == {alone.pk: 4, disabled.pk: 1}
        assert tag_usage(personas.county_admin, ids) == {alone.pk: 3, disabled.pk: 1}
        assert tag_usage(personas.staff_a, ids) == {alone.pk: 2, disabled.pk: 1}
        assert tag_usage(personas.staff_b, ids) == {alone.pk: 1}
        assert tag_usage(personas.resident, ids) == {}

    def test_the_page_shows_the_counts_with_a_fixed_number_of_queries(
        self, personas: Personas, carriers: dict[str, Resident]
    ) -> None:
        client = client_for(personas.county_admin)
        url = reverse("residents:tag_list")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url)
        rows = {row["tag"].code: row["carried_by"] for row in response.context["rows"]}
        assert rows["elder_living_alone"] == 4 and rows["disabled"] == 2 and rows["veteran"] == 0
        for n in range(5):
            new_tag(personas.county_admin, code=f"extra_{n}", name=f"附加标签{n}")
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == len(few)
