"""/api/v1/residents and /api/v1/households: scope, masking, the unmask ledger, errors."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.actions import do_issue_api_token
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.models import Household, Resident, Tag
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db

ZHANG_ID = new_id(date(1980, 5, 17))
ZHANG_PHONE = "13812345678"


class Api:
    """A JSON client carrying a bearer token issued through the real action."""

    def __init__(self, user: Any) -> None:
        _, self.token = do_issue_api_token(user, actor=user)
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(),
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(),
        )


@pytest.fixture
def people(personas: Personas) -> dict[str, Any]:
    home_a = household_in(COMMUNITY_A)
    zhang = resident_in(home_a, name="张三", id_number=ZHANG_ID, phone=ZHANG_PHONE)
    li = resident_in(home_a, name="李梅", relationship="配偶")
    home_b = household_in(COMMUNITY_B)
    wang = resident_in(home_b, name="王五", phone="13900001111")
    return {"home_a": home_a, "home_b": home_b, "zhang": zhang, "li": li, "wang": wang}


def plaintext_absent(body: bytes) -> bool:
    text = body.decode()
    return ZHANG_ID not in text and ZHANG_PHONE not in text


class TestResidentList:
    def test_it_lists_only_the_callers_jurisdiction_as_items_and_count(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        body = Api(personas.staff_a).get("/residents").json()
        assert set(body) == {"items", "count"}
        assert body["count"] == 2
        assert {item["name"] for item in body["items"]} == {"张三", "李梅"}
        body_b = Api(personas.staff_b).get("/residents").json()
        assert [item["name"] for item in body_b["items"]] == ["王五"]

    def test_a_county_worker_sees_both_communities_and_can_narrow_by_region(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        api = Api(personas.county_admin)
        assert api.get("/residents").json()["count"] == 3
        body = api.get("/residents", region=COMMUNITY_B).json()
        assert [item["name"] for item in body["items"]] == ["王五"]

    def test_a_region_filter_cannot_widen_the_jurisdiction(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        api = Api(personas.staff_a)
        assert api.get("/residents", region=COMMUNITY_B).json()["count"] == 0
        assert api.get("/residents", region="1522").json()["count"] == 2

    @pytest.mark.parametrize(
        ("q", "expected"),
        [("张三", {"张三"}), ("zhangsan", {"张三"}), ("zs", {"张三"}), ("5678", {"张三"})],
    )
    def test_it_searches_like_the_console(
        self, personas: Personas, people: dict[str, Any], q: str, expected: set[str]
    ) -> None:
        body = Api(personas.staff_a).get("/residents", q=q).json()
        assert {item["name"] for item in body["items"]} == expected

    def test_it_finds_by_the_id_tail_only_inside_the_jurisdiction(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        tail = ZHANG_ID[-6:]
        assert Api(personas.staff_a).get("/residents", q=tail).json()["count"] == 1
        assert Api(personas.staff_b).get("/residents", q=tail).json()["count"] == 0

    def test_it_filters_by_status_and_tag(self, personas: Personas, people: dict[str, Any]) -> None:
        people["li"].tags.add(Tag.objects.get(code="veteran"))
        api = Api(personas.staff_a)
        assert [i["name"] for i in api.get("/residents", tag="veteran").json()["items"]] == ["李梅"]
        assert api.get("/residents", status="deceased").json()["count"] == 0
        assert api.get("/residents", status="active").json()["count"] == 2

    def test_it_pages_with_limit_and_offset(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        api = Api(personas.staff_a)
        first = api.get("/residents", limit=1).json()
        second = api.get("/residents", limit=1, offset=1).json()
        assert first["count"] == second["count"] == 2
        assert len(first["items"]) == len(second["items"]) == 1
        assert first["items"][0]["id"] != second["items"][0]["id"]

    def test_it_refuses_a_bad_filter_in_chinese(self, personas: Personas) -> None:
        response = Api(personas.staff_a).get("/residents", limit=0, region="abc")
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["fields"]["limit"] == "不能小于 1"
        assert body["fields"]["region"] == "格式不正确"

    def test_the_list_is_masked(self, personas: Personas, people: dict[str, Any]) -> None:
        response = Api(personas.staff_a).get("/residents", q="张三")
        item = response.json()["items"][0]
        assert item["id_number_masked"] == people["zhang"].id_number_masked
        assert "*" in item["id_number_masked"]
        assert item["phone_masked"] == "138****5678"
        assert plaintext_absent(response.content)


class TestResidentDetail:
    def test_it_shows_a_masked_record_inside_the_jurisdiction(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        zhang = people["zhang"]
        response = Api(personas.staff_a).get(f"/residents/{zhang.pk}")
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "张三"
        assert body["household"] == {"id": zhang.household_id, "number": zhang.household.number}
        assert body["relationship"] == {"code": "02", "label": "户主"}
        assert body["birth_date"] == "1980-05-17"
        assert body["community"]["code"] == COMMUNITY_A
        assert "id_number" not in body and "phone" not in body
        assert plaintext_absent(response.content)

    def test_a_record_outside_the_jurisdiction_is_not_found(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_b).get(f"/residents/{people['zhang'].pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert Api(personas.staff_a).get("/residents/999999").status_code == 404

    def test_a_resident_account_sees_no_registry(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        api = Api(personas.resident)
        assert api.get("/residents").json()["count"] == 0
        assert api.get(f"/residents/{people['zhang'].pk}").status_code == 404


class TestRegister:
    def body(self, household: Household, **extra: Any) -> dict[str, Any]:
        return {
            "household": household.pk,
            "relationship": "子",
            "name": "张小明",
            "id_number": new_id(date(1990, 3, 1)),
            "ethnicity": "蒙古族",
            "phone": "13700001234",
            "tags": ["veteran"],
            **extra,
        }

    def test_it_registers_through_the_action_and_answers_masked(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        payload = self.body(people["home_a"])
        response = Api(personas.staff_a).post("/residents", payload)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["ethnicity"] == {"code": "02", "label": "蒙古族"}
        assert body["tags"] == [{"code": "veteran", "name": "退役军人"}]
        assert body["phone_masked"] == "137****1234"
        assert payload["id_number"] not in response.content.decode()
        created = Resident.objects.get(pk=body["id"])
        assert created.household_id == people["home_a"].pk
        event = Event.objects.filter(type=EventType.RESIDENT_REGISTERED).latest("seq")
        assert event.object_id == str(created.pk)
        assert event.actor_username == "staff_a"

    def test_it_refuses_field_errors_with_422_in_chinese(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        payload = self.body(people["home_a"], name="  ", id_number="152201198001011234")
        response = Api(personas.staff_a).post("/residents", payload)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["fields"]["name"] == "姓名不能为空"
        assert "id_number" in body["fields"]
        assert body["message"].startswith("提交的数据有误")
        assert not Resident.objects.filter(name="张小明").exists()

    def test_it_answers_a_duplicate_id_number_with_409(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        payload = self.body(people["home_a"], id_number=ZHANG_ID, name="张三")
        response = Api(personas.staff_a).post("/residents", payload)
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "conflict"
        assert "请勿重复登记" in body["fields"]["id_number"]

    def test_a_duplicate_registered_elsewhere_reveals_no_place(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        payload = self.body(people["home_b"], id_number=ZHANG_ID)
        response = Api(personas.staff_b).post("/residents", payload)
        assert response.status_code == 409
        assert (
            response.json()["fields"]["id_number"]
            == "此人已在其他辖区登记，请联系其所在社区办理迁入"
        )

    def test_it_cannot_register_into_a_household_outside_the_jurisdiction(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_b).post("/residents", self.body(people["home_a"]))
        assert response.status_code == 422
        assert "household" in response.json()["fields"]
        assert not Resident.objects.filter(name="张小明").exists()

    def test_it_refuses_an_unknown_tag(self, personas: Personas, people: dict[str, Any]) -> None:
        response = Api(personas.staff_a).post(
            "/residents", self.body(people["home_a"], tags=["no_such_tag"])
        )
        assert response.status_code == 422
        assert response.json()["fields"]["tags"] == "未知的标签：no_such_tag"

    def test_it_refuses_a_missing_field_in_chinese(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        payload = self.body(people["home_a"])
        del payload["name"]
        response = Api(personas.staff_a).post("/residents", payload)
        assert response.status_code == 422
        assert response.json()["fields"]["name"] == "此项为必填项"


class TestUpdate:
    def test_it_changes_only_the_given_fields_through_the_action(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        zhang = people["zhang"]
        response = Api(personas.staff_a).patch(
            f"/residents/{zhang.pk}", {"education": "大学本科", "phone": "13611112222"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["education"]["label"] == "大学本科教育"
        assert body["phone_masked"] == "136****2222"
        assert body["name"] == "张三"
        assert "13611112222" not in response.content.decode()
        event = Event.objects.filter(type=EventType.RESIDENT_UPDATED).latest("seq")
        assert event.summary == {"fields": ["education", "phone"]}

    def test_it_refuses_a_bad_value_with_the_field_in_chinese(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_a).patch(
            f"/residents/{people['zhang'].pk}", {"phone": "12ab"}
        )
        assert response.status_code == 422
        assert response.json()["fields"]["phone"] == "联系电话须为 7–15 位数字"

    def test_it_answers_a_duplicate_id_number_with_409(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_a).patch(
            f"/residents/{people['li'].pk}", {"id_number": ZHANG_ID}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"

    def test_a_record_outside_the_jurisdiction_is_not_found(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_b).patch(f"/residents/{people['zhang'].pk}", {"name": "X"})
        assert response.status_code == 404
        assert Resident.objects.get(pk=people["zhang"].pk).name == "张三"

    def test_tags_the_caller_cannot_see_are_kept(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        zhang = people["zhang"]
        zhang.tags.add(Tag.objects.get(code="mental_disorder"))
        response = Api(personas.grid_worker).patch(f"/residents/{zhang.pk}", {"tags": ["veteran"]})
        assert response.status_code == 200, response.content
        assert response.json()["tags"] == [{"code": "veteran", "name": "退役军人"}]
        assert set(zhang.tags.values_list("code", flat=True)) == {"veteran", "mental_disorder"}


class TestUnmask:
    def test_community_staff_unmask_and_the_ledger_records_it(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        zhang = people["zhang"]
        api = Api(personas.staff_a)
        response = api.post(f"/residents/{zhang.pk}/unmask", {"field": "id_number"})
        assert response.status_code == 200
        assert response.json() == {"value": ZHANG_ID}
        assert api.post(f"/residents/{zhang.pk}/unmask", {"field": "phone"}).json() == {
            "value": ZHANG_PHONE
        }
        events = Event.objects.filter(
            type=EventType.PII_UNMASKED, object_type="residents.resident", object_id=str(zhang.pk)
        ).order_by("seq")
        assert [e.summary["field"] for e in events] == ["id_number", "phone"]
        assert {e.actor_username for e in events} == {"staff_a"}
        assert all(ZHANG_ID not in json.dumps(e.summary) for e in events)

    def test_a_grid_worker_is_refused_with_403_and_nothing_revealed(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        zhang = people["zhang"]
        response = Api(personas.grid_worker).post(
            f"/residents/{zhang.pk}/unmask", {"field": "id_number"}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert plaintext_absent(response.content)
        assert not Event.objects.filter(type=EventType.PII_UNMASKED).exists()
        assert Event.objects.filter(type=EventType.PERMISSION_DENIED).exists()

    def test_outside_the_jurisdiction_it_is_not_found(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        response = Api(personas.staff_b).post(
            f"/residents/{people['zhang'].pk}/unmask", {"field": "phone"}
        )
        assert response.status_code == 404
        assert not Event.objects.filter(type=EventType.PII_UNMASKED).exists()

    def test_it_refuses_another_field(self, personas: Personas, people: dict[str, Any]) -> None:
        response = Api(personas.staff_a).post(
            f"/residents/{people['zhang'].pk}/unmask", {"field": "name"}
        )
        assert response.status_code == 422
        assert "field" in response.json()["fields"]


class TestHouseholds:
    def test_it_lists_the_callers_households(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        body = Api(personas.staff_a).get("/households").json()
        assert body["count"] == 1
        assert body["items"][0]["number"] == people["home_a"].number
        assert Api(personas.county_admin).get("/households").json()["count"] == 2
        by_number = Api(personas.county_admin).get("/households", number=people["home_b"].number)
        assert [i["id"] for i in by_number.json()["items"]] == [people["home_b"].pk]

    def test_it_shows_a_household_with_its_masked_members_householder_first(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        home = people["home_a"]
        response = Api(personas.staff_a).get(f"/households/{home.pk}")
        assert response.status_code == 200
        body = response.json()
        assert [m["name"] for m in body["members"]] == ["张三", "李梅"]
        assert body["members"][1]["relationship"]["label"] == "配偶"
        assert body["householder"] == {"id": people["zhang"].pk, "name": "张三"}
        assert body["members"][0]["phone_masked"] == "138****5678"
        assert plaintext_absent(response.content)

    def test_a_household_outside_the_jurisdiction_is_not_found(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        assert Api(personas.staff_b).get(f"/households/{people['home_a'].pk}").status_code == 404

    def test_a_child_under_14_is_hidden_from_a_grid_worker_everywhere(
        self, personas: Personas, people: dict[str, Any]
    ) -> None:
        today = timezone.localdate()
        child = resident_in(
            people["home_a"],
            name="张小宝",
            relationship="子",
            id_number=new_id(today.replace(year=today.year - 5, day=1)),
        )
        grid = Api(personas.grid_worker)
        assert "张小宝" not in grid.get("/residents").content.decode()
        assert grid.get(f"/residents/{child.pk}").status_code == 404
        assert "张小宝" not in grid.get(f"/households/{people['home_a'].pk}").content.decode()
        staff = Api(personas.staff_a)
        assert staff.get(f"/residents/{child.pk}").json()["is_minor"] is True
        members = staff.get(f"/households/{people['home_a'].pk}").json()["members"]
        assert "张小宝" in [m["name"] for m in members]

    def test_without_a_token_it_answers_401(self, people: dict[str, Any]) -> None:
        assert Client().get("/api/v1/residents").status_code == 401
        assert Client().get("/api/v1/households").status_code == 401
