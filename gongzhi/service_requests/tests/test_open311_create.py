"""Open311 ``POST requests``: a key, a service and a place make exactly one case; anything
wrong makes none and answers 400/403 in the request's format (issue 4: Open311, bad
input; R3.6b 一号申请 through outside systems; R3.1e points placed in their grid)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, Personas
from gongzhi.cases.enums import CaseStatus, Channel
from gongzhi.cases.models import Case, CaseEvent, CaseNumberCounter
from gongzhi.ledger.models import Event, EventType
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.models import Region
from gongzhi.service_requests.actions import do_issue_open311_key, do_revoke_open311_key
from gongzhi.service_requests.models import Open311ApiKey
from gongzhi.service_requests.tests.conftest import BASE, children, errors_json, errors_xml, xml_of

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.05, 46.08], [122.06, 46.08], [122.06, 46.09], [122.05, 46.09], [122.05, 46.08]]
    ],
}


def counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Event.objects.filter(type=EventType.CASE_SUBMITTED).count(),
        sum(CaseNumberCounter.objects.values_list("last", flat=True)),
    )


def post(fmt: str = "json", **data: Any) -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", data)


def valid(api_key: str, **extra: Any) -> dict[str, Any]:
    data = {
        "api_key": api_key,
        "service_code": "exposed-garbage",
        "address_id": COMMUNITY_A,
        "address_string": "兴安北大路 12 号东侧",
        "description": "路口垃圾堆放三天无人清理",
        "first_name": "云",
        "last_name": "乌",
        "phone": "13800138000",
        "email": "wuyun@example.com",
        "account_id": "u-42",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


class TestCreating:
    def test_a_request_becomes_one_case_on_the_open311_channel(
        self, world: Personas, api_key: str
    ) -> None:
        before = counts()
        response = post(**valid(api_key))
        assert response.status_code == 200
        (row,) = response.json()
        assert list(row) == ["service_request_id", "service_notice", "account_id"]
        assert row["account_id"] == "u-42"
        assert "受理" in row["service_notice"]
        assert counts()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
        case = Case.objects.get(number=row["service_request_id"])
        assert case.channel == Channel.OPEN311
        assert case.status == CaseStatus.SUBMITTED
        assert case.category.code == "exposed-garbage"
        assert case.community.region_code == COMMUNITY_A
        assert case.address == "兴安北大路 12 号东侧"
        assert case.reporter is None and case.first_responsible is None
        assert case.reporter_name == "乌云"
        assert case.reporter_phone_masked.startswith("138")

    def test_the_ledger_and_the_timeline_name_the_key_not_the_person(
        self, world: Personas, api_key: str
    ) -> None:
        number = post(**valid(api_key)).json()[0]["service_request_id"]
        key = Open311ApiKey.objects.get()
        event = Event.objects.get(type=EventType.CASE_SUBMITTED)
        assert event.summary["number"] == number
        assert event.summary["open311_key"] == key.prefix
        assert event.summary["channel"] == "open311"
        assert "乌云" not in str(event.summary) and "13800138000" not in str(event.summary)
        assert Case.objects.get(number=number).events.get().data["open311_key"] == key.prefix

    def test_the_xml_answer_has_the_specified_elements(self, world: Personas, api_key: str) -> None:
        root = xml_of(post("xml", **valid(api_key, account_id="")))
        assert root.tag == "service_requests"
        (request,) = root
        assert request.tag == "request"
        assert children(request) == ["service_request_id", "service_notice", "account_id"]
        assert Case.objects.filter(number=request.findtext("service_request_id")).exists()
        assert request.findtext("account_id") == ""

    def test_a_point_is_placed_in_its_grid(self, world: Personas, api_key: str) -> None:
        community = Region.objects.get(region_code=COMMUNITY_A)
        grid = do_save_grid(community, name="测试网格", boundary=SQUARE, actor=None)
        response = post(**valid(api_key, address_id=None, lat="46.085", long="122.055"))
        assert response.status_code == 200, response.content
        case = Case.objects.get(number=response.json()[0]["service_request_id"])
        assert case.grid == grid
        assert (case.lon, case.lat) == (122.055, 46.085)

    def test_attributes_are_typed_answers(self, world: Personas, api_key: str) -> None:
        response = post(
            **valid(api_key, service_code="street-vending", **{"attribute[vendor]": "mobile"})
        )
        assert response.status_code == 200, response.content
        case = Case.objects.get(number=response.json()[0]["service_request_id"])
        assert case.attributes == {"vendor": "mobile"}

    def test_a_missing_description_falls_back_to_the_service_name(
        self, world: Personas, api_key: str
    ) -> None:
        response = post(**valid(api_key, description=""))
        assert response.status_code == 200
        assert Case.objects.get().description == "暴露垃圾"

    def test_the_key_records_its_last_use(self, world: Personas, api_key: str) -> None:
        post(**valid(api_key))
        assert Open311ApiKey.objects.get().last_used_at is not None


class TestTheKey:
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_without_a_key_it_is_403_and_nothing_is_written(
        self, world: Personas, fmt: str
    ) -> None:
        before = counts()
        response = post(fmt, **valid(""))
        read = errors_json if fmt == "json" else errors_xml
        (message,) = read(response, 403)
        assert "api_key" in message
        assert counts() == before

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_an_unknown_key_is_403(self, world: Personas, fmt: str) -> None:
        read = errors_json if fmt == "json" else errors_xml
        (message,) = read(post(fmt, **valid("not-a-key")), 403)
        assert "无效" in message
        assert not Case.objects.exists()

    def test_a_revoked_key_is_403(self, world: Personas, api_key: str) -> None:
        do_revoke_open311_key(Open311ApiKey.objects.get(), actor=world.system_admin)
        before = counts()
        errors_json(post(**valid(api_key)), 403)
        assert counts() == before

    def test_a_key_bound_to_a_township_creates_only_inside_it(self, world: Personas) -> None:
        _key, raw = do_issue_open311_key("街道 App", region_code=TOWNSHIP, actor=None)
        assert post(**valid(raw)).status_code == 200
        before = counts()
        (message,) = errors_json(post(**valid(raw, address_id=COMMUNITY_B)), 400)
        assert "限定的辖区" in message
        assert counts() == before

    def test_creation_is_rate_limited_per_key(
        self, world: Personas, api_key: str, settings: Any
    ) -> None:
        settings.GONGZHI_OPEN311_POST_RATE_PER_MINUTE = 1
        assert post(**valid(api_key)).status_code == 200
        response = post(**valid(api_key))
        errors_json(response, 429)
        assert int(response["Retry-After"]) >= 1
        assert Case.objects.count() == 1


class TestBadInput:
    """Each refusal is 400 with a Chinese description naming the parameter, and writes nothing."""

    @pytest.mark.parametrize(
        ("change", "parameter", "words"),
        [
            ({"service_code": ""}, "service_code", "请提供服务代码"),
            ({"service_code": "no-such"}, "service_code", "未找到该服务"),
            ({"service_code": "minimum-living-allowance"}, "service_code", "未找到该服务"),
            ({"address_id": None}, "lat/long", "仅凭 address_string 无法定位"),
            ({"address_id": None, "lat": "46.1"}, "lat/long", "同时提供"),
            ({"address_id": "152201001999"}, "address_id", "有效的社区"),
            ({"address_id": None, "lat": "40.0", "long": "116.4"}, "lat/long", "不在本盟范围内"),
            ({"address_id": None, "lat": "46.2", "long": "122.2"}, "address_id", "尚未划入网格"),
            ({"address_id": None, "lat": "north", "long": "122.2"}, "lat/long", "两个数字"),
            ({"service_code": "street-vending"}, "attribute[vendor]", "经营类型"),
            (
                {"service_code": "street-vending", "attribute[vendor]": "tank"},
                "attribute[vendor]",
                "不是可选的值",
            ),
            ({"phone": "12ab"}, "phone", "联系电话"),
            ({"description": "长" * 2001}, "description", "不能超过"),
        ],
    )
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_it_refuses_with_a_clear_message_and_writes_nothing(
        self,
        world: Personas,
        api_key: str,
        change: dict[str, Any],
        parameter: str,
        words: str,
        fmt: str,
    ) -> None:
        before = counts()
        response = post(fmt, **valid(api_key, **change))
        read = errors_json if fmt == "json" else errors_xml
        messages = read(response, 400)
        assert any(m.startswith(f"{parameter}：") and words in m for m in messages), messages
        assert counts() == before

    def test_several_problems_are_several_errors(self, world: Personas, api_key: str) -> None:
        messages = errors_json(post(**valid(api_key, service_code="", address_id=None)), 400)
        assert len(messages) == 2
