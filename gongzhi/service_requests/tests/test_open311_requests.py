"""Open311 ``GET requests``, ``requests/{id}`` and ``tokens/{token}``: the specification's
fields in order, open/closed from the engine's states, the 90-day/1,000-request window,
the filters — and no personal data (issue 4: Open311; PIPL Art. 6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.service_requests import queries
from gongzhi.service_requests.tests.conftest import (
    BASE,
    REQUEST_FIELDS,
    children,
    errors_json,
    errors_xml,
    validate,
    xml_of,
)

pytestmark = pytest.mark.django_db


def report(personas: Personas, code: str = "exposed-garbage", **extra: Any) -> Case:
    """A case as a resident reports it (name and phone on the case)."""
    extra.setdefault("community", COMMUNITY_A)
    extra.setdefault("description", "路口垃圾堆放三天无人清理")
    return actions.do_submit_case(
        category=code,
        actor=personas.resident,
        reporter_phone="13800138000",
        address="兴安北大路 12 号",
        lon=122.2,
        lat=46.2,
        **extra,
    )


def listing(query: str = "", fmt: str = "json") -> Any:
    return Client().get(f"{BASE}/requests.{fmt}{query}")


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


class TestTheList:
    def test_it_conforms_to_the_official_schema_with_the_fields_in_order(
        self, world: Personas
    ) -> None:
        case = report(world)
        response = listing()
        body = response.json()
        validate(body, "requests.json")
        (row,) = body
        assert list(row) == REQUEST_FIELDS
        assert row["service_request_id"] == case.number
        assert row["status"] == "open"
        assert row["service_code"] == "exposed-garbage"
        assert row["service_name"] == "暴露垃圾"
        assert row["description"] == "路口垃圾堆放三天无人清理"
        assert row["agency_responsible"] == "万佳社区居委会"
        assert row["address"] == "兴安北大路 12 号 万佳社区居委会"
        assert row["address_id"] == COMMUNITY_A
        assert (row["lat"], row["long"]) == (46.2, 122.2)
        assert row["requested_datetime"].endswith("+08:00")
        assert row["expected_datetime"] is not None
        assert row["media_url"] is None

    def test_the_xml_list_has_the_elements_in_order(self, world: Personas) -> None:
        report(world)
        root = xml_of(listing(fmt="xml"))
        assert root.tag == "service_requests"
        (request,) = root
        assert request.tag == "request"
        assert children(request) == REQUEST_FIELDS
        assert request.findtext("status") == "open"
        assert request.findtext("zipcode") == ""

    def test_it_is_newest_first(self, world: Personas) -> None:
        first, second = report(world), report(world)
        assert numbers(listing()) == [second.number, first.number]

    def test_no_personal_data_is_shown(self, world: Personas) -> None:
        report(world, description="垃圾堆放")
        report(world, "noise-nuisance", description="楼上张三每晚施工")
        for fmt in ("json", "xml"):
            content = listing(fmt=fmt).content.decode()
            for secret in ("乌云", "13800138000", "138****8000", "resident"):
                assert secret not in content

    def test_a_complaint_shows_its_status_but_not_its_text_or_place(self, world: Personas) -> None:
        report(world, "noise-nuisance", description="楼上张三每晚施工")
        (row,) = listing().json()
        validate([row], "requests.json")
        assert row["service_code"] == "noise-nuisance"
        assert row["description"] is None
        assert (row["address"], row["lat"], row["long"], row["status_notes"]) == (None,) * 4

    def test_personal_applications_are_never_listed(self, world: Personas) -> None:
        application = report(world, "residence-certificate", attributes={"purpose": "school"})
        assert listing().json() == []
        errors_json(Client().get(f"{BASE}/requests/{application.number}.json"), 404)

    def test_the_query_count_does_not_grow_with_the_page(self, world: Personas) -> None:
        report(world)
        with CaptureQueriesContext(connection) as one:
            listing()
        for _ in range(5):
            report(world, community=COMMUNITY_B)
        closing = report(world)
        actions.do_accept_case(closing, actor=world.staff_a)
        actions.do_dispatch_case(closing, actor=world.staff_a, region_code=COMMUNITY_A)
        with CaptureQueriesContext(connection) as seven:
            assert len(listing().json()) == 7
        assert len(seven.captured_queries) == len(one.captured_queries)


class TestStates:
    def test_refused_is_closed_with_the_reason_as_status_notes(self, world: Personas) -> None:
        case = report(world)
        actions.do_refuse_case(case, actor=world.staff_a, reason="不属于本社区管辖范围")
        (row,) = listing().json()
        assert row["status"] == "closed"
        assert row["status_notes"] == "不属于本社区管辖范围"

    def test_closed_is_closed_and_updated_at_the_closing(self, world: Personas) -> None:
        case = report(world)
        actions.do_accept_case(case, actor=world.staff_a)
        actions.do_dispatch_case(case, actor=world.staff_a, region_code=COMMUNITY_A)
        actions.do_feedback_case(case, actor=world.staff_a, note="已清运完毕")
        case = actions.do_verify_close_case(case, actor=world.street_staff)
        (row,) = listing().json()
        assert row["status"] == "closed"
        assert row["status_notes"] == "已清运完毕"
        assert case.closed_at is not None
        assert row["updated_datetime"] == case.closed_at.astimezone(
            timezone.get_current_timezone()
        ).isoformat(timespec="seconds")

    def test_merged_is_closed(self, world: Personas) -> None:
        target, duplicate = report(world), report(world)
        actions.do_merge_case(duplicate, into=target, actor=world.staff_a)
        rows = {r["service_request_id"]: r for r in listing().json()}
        assert rows[duplicate.number]["status"] == "closed"
        assert rows[target.number]["status"] == "open"

    def test_internal_notes_are_not_status_notes(self, world: Personas) -> None:
        case = report(world)
        actions.do_accept_case(case, actor=world.staff_a, note="已受理")
        actions.do_dispatch_case(
            case, actor=world.staff_a, region_code=COMMUNITY_A, note="内部：请王师傅处理"
        )
        (row,) = listing().json()
        assert row["status_notes"] == "已受理"

    def test_the_unit_of_an_escalated_case_is_the_township(self, world: Personas) -> None:
        case = report(world)
        actions.do_escalate_case(case, actor=world.staff_a, reason="须街道协调")
        (row,) = listing().json()
        assert row["agency_responsible"] in ("爱国街道", "爱国街道办事处")


class TestFilters:
    def test_service_request_id_takes_a_comma_list_and_overrides_the_rest(
        self, world: Personas
    ) -> None:
        a, b, c = report(world), report(world), report(world)
        Case.objects.filter(pk=a.pk).update(submitted_at=timezone.now() - timedelta(days=400))
        found = numbers(listing(f"?service_request_id={a.number},{c.number}&status=closed"))
        assert sorted(found) == sorted([a.number, c.number])
        assert b.number not in found

    def test_service_code(self, world: Personas) -> None:
        report(world)
        vending = report(world, "street-vending", attributes={"vendor": "mobile"})
        assert numbers(listing("?service_code=street-vending")) == [vending.number]
        (message,) = errors_json(listing("?service_code=nope"), 400)
        assert "service_code" in message

    def test_status(self, world: Personas) -> None:
        open_case, refused = report(world), report(world)
        actions.do_refuse_case(refused, actor=world.staff_a, reason="重复反映")
        assert numbers(listing("?status=open")) == [open_case.number]
        assert numbers(listing("?status=closed")) == [refused.number]
        assert len(numbers(listing("?status=open,closed"))) == 2
        (message,) = errors_xml(listing("?status=pending", fmt="xml"), 400)
        assert "status" in message

    def test_the_default_window_is_the_last_90_days(self, world: Personas) -> None:
        recent, old = report(world), report(world)
        Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=91))
        assert numbers(listing()) == [recent.number]

    def test_start_and_end_date(self, world: Personas) -> None:
        old, recent = report(world), report(world)
        Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=200))
        start = (timezone.now() - timedelta(days=210)).date().isoformat()
        end = (timezone.now() - timedelta(days=190)).date().isoformat()
        assert numbers(listing(f"?start_date={start}&end_date={end}")) == [old.number]
        moment = (timezone.now() - timedelta(hours=1)).isoformat(timespec="seconds")
        assert numbers(listing(f"?start_date={moment.replace('+', '%2B')}")) == [recent.number]

    def test_a_window_longer_than_90_days_is_400(self, world: Personas) -> None:
        (message,) = errors_json(listing("?start_date=2026-01-01&end_date=2026-06-01"), 400)
        assert "90" in message

    @pytest.mark.parametrize(
        "query",
        [
            "?start_date=yesterday",
            "?end_date=2026-13-01",
            "?start_date=2026-05-01&end_date=2026-04-01",
        ],
    )
    def test_bad_dates_are_400(self, world: Personas, query: str) -> None:
        (message,) = errors_json(listing(query), 400)
        assert "date" in message

    def test_at_most_1000_requests_come_back(self, world: Personas, monkeypatch: Any) -> None:
        monkeypatch.setattr(queries, "MAX_REQUESTS", 2)
        cases = [report(world) for _ in range(3)]
        assert numbers(listing()) == [cases[2].number, cases[1].number]

    def test_jurisdiction_id_narrows_to_a_region(self, world: Personas) -> None:
        report(world)
        b = report(world, community=COMMUNITY_B)
        assert numbers(listing(f"?jurisdiction_id={COMMUNITY_B}")) == [b.number]


class TestOneRequest:
    def test_it_answers_one_request_in_both_formats(self, world: Personas) -> None:
        case = report(world)
        response = Client().get(f"{BASE}/requests/{case.number}.json")
        assert response.status_code == 200
        body = response.json()
        validate(body, "requests.json")
        assert [row["service_request_id"] for row in body] == [case.number]
        root = xml_of(Client().get(f"{BASE}/requests/{case.number}.xml"))
        assert root.tag == "service_requests"
        assert children(root[0]) == REQUEST_FIELDS

    def test_an_unknown_id_is_404_in_both_formats(self, world: Personas) -> None:
        (message,) = errors_json(Client().get(f"{BASE}/requests/20260101000001.json"), 404)
        assert "service_request_id" in message
        errors_xml(Client().get(f"{BASE}/requests/20260101000001.xml"), 404)


class TestTokens:
    def test_an_unknown_token_is_404_in_both_formats(self, world: Personas) -> None:
        (message,) = errors_json(Client().get(f"{BASE}/tokens/abc123.json"), 404)
        assert "token" in message
        errors_xml(Client().get(f"{BASE}/tokens/abc123.xml"), 404)

    def test_a_request_id_resolves_as_its_own_token(self, world: Personas) -> None:
        case = report(world)
        body = Client().get(f"{BASE}/tokens/{case.number}.json").json()
        assert body == [{"service_request_id": case.number, "token": case.number}]
        root = xml_of(Client().get(f"{BASE}/tokens/{case.number}.xml"))
        assert children(root[0]) == ["service_request_id", "token"]


class TestRateLimit:
    def test_reads_are_limited_per_client_address(self, world: Personas, settings: Any) -> None:
        settings.GONGZHI_OPEN311_READ_RATE_PER_MINUTE = 2
        client = Client()
        assert client.get(f"{BASE}/services.json").status_code == 200
        assert client.get(f"{BASE}/requests.json").status_code == 200
        response = client.get(f"{BASE}/discovery.xml")
        (message,) = errors_xml(response, 429)
        assert "频繁" in message
        assert response["Retry-After"]
