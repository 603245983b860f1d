"""The case engine over the REST API (/api/v1/cases, /api/v1/case-categories).

The same queries and actions as the pages (DESIGN rules 1 and 2): jurisdiction is 404,
a step one may not take is 403, a step not possible now or bad input is 422 with the
Chinese reason per field. R3.6b (一号申请), R3.2e (一窗受理, 首问负责), R4.3b (escalation
and extension approved above), GB/T 30428's loop through to rating.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.api.tests.conftest import ApiClient, issue_token
from gongzhi.cases.enums import CaseStatus, Channel
from gongzhi.cases.models import Case, Category
from gongzhi.cases.tests.conftest import closed_case, handling_case, submit, verifying_case

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"


def api(user: Any) -> ApiClient:
    return ApiClient(issue_token(user))


def act(user: Any, case: Case, action: str, **body: Any) -> Any:
    return api(user).post(f"{CASES}/{case.number}/actions/{action}", body)


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


class TestListing:
    def test_each_sees_only_their_own_or_their_jurisdictions_cases(self, world: Personas) -> None:
        mine = submit(world.resident)
        other = submit(world.staff_b, community=COMMUNITY_B, channel=Channel.WINDOW)
        assert numbers(api(world.resident).get(CASES)) == [mine.number]
        assert numbers(api(world.staff_a).get(CASES)) == [mine.number]
        assert numbers(api(world.staff_b).get(CASES)) == [other.number]
        assert numbers(api(world.county_admin).get(CASES)) == [other.number, mine.number]
        assert numbers(api(world.system_admin).get(CASES)) == []

    def test_the_body_is_items_count_and_next(self, world: Personas) -> None:
        submit(world.resident)
        body = api(world.staff_a).get(CASES).json()
        assert set(body) == {"items", "count", "next"}
        assert body["count"] == 1 and body["next"] is None
        item = body["items"][0]
        assert item["status"] == {"code": "submitted", "label": "待受理"}
        assert item["traffic_light"] in ("green", "yellow", "red")
        assert "reporter_phone_masked" not in item

    def test_pages_follow_the_keyset(self, world: Personas) -> None:
        cases = [submit(world.resident) for _ in range(5)]
        client = api(world.staff_a)
        first = client.get(CASES, limit=2).json()
        assert [i["number"] for i in first["items"]] == [cases[4].number, cases[3].number]
        assert first["count"] == 5
        second = client.get(CASES, limit=2, after=first["next"]).json()
        assert [i["number"] for i in second["items"]] == [cases[2].number, cases[1].number]
        third = client.get(CASES, limit=2, after=second["next"]).json()
        assert [i["number"] for i in third["items"]] == [cases[0].number]
        assert third["next"] is None

    def test_filters(self, world: Personas) -> None:
        garbage = submit(world.resident)
        parking = submit(world.staff_a, "illegal-parking", channel=Channel.HOTLINE)
        handled = handling_case(world)
        client = api(world.staff_a)
        assert numbers(client.get(CASES, category="illegal-parking")) == [parking.number]
        assert numbers(client.get(CASES, channel="hotline")) == [parking.number]
        assert numbers(client.get(CASES, status="handling")) == [handled.number]
        assert numbers(client.get(CASES, box="submitted")) == [parking.number, garbage.number]
        assert client.get(CASES, box="handling").json()["count"] == 1

    @pytest.mark.parametrize(
        "params",
        [
            {"box": "nope"},
            {"status": "nope"},
            {"after": "x"},
            {"box": "submitted", "status": "submitted"},
        ],
    )
    def test_bad_parameters_are_422(self, world: Personas, params: dict[str, str]) -> None:
        response = api(world.staff_a).get(CASES, **params)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    def test_a_due_box_pages_by_deadline(self, world: Personas) -> None:
        cases = [submit(world.resident) for _ in range(3)]
        Case.objects.update(due_state="overdue")
        client = api(world.staff_a)
        first = client.get(CASES, box="overdue", limit=2).json()
        assert len(first["items"]) == 2 and first["next"]
        rest = client.get(CASES, box="overdue", limit=2, after=first["next"]).json()
        seen = [i["number"] for i in first["items"] + rest["items"]]
        assert sorted(seen) == sorted(c.number for c in cases)

    def test_the_query_count_does_not_grow_with_the_page(self, world: Personas) -> None:
        submit(world.resident)
        client = api(world.staff_a)
        client.get(CASES)  # the token's first use records it; later ones do not
        with CaptureQueriesContext(connection) as one:
            client.get(CASES)
        for _ in range(4):
            handling_case(world)
        with CaptureQueriesContext(connection) as five:
            assert len(client.get(CASES).json()["items"]) == 5
        assert len(five.captured_queries) == len(one.captured_queries)

    def test_without_a_token_it_is_401(self, world: Personas) -> None:
        assert ApiClient().get(CASES).status_code == 401


class TestOneCase:
    def test_staff_see_the_case_with_its_timeline_and_actions(self, world: Personas) -> None:
        case = handling_case(world)
        body = api(world.staff_a).get(f"{CASES}/{case.number}").json()
        assert body["number"] == case.number
        assert [s["action"]["code"] for s in body["timeline"]] == ["submit", "accept", "dispatch"]
        assert "feedback" in body["actions"]
        assert body["reporter_name"] == "乌云"
        assert body["attachments"] == []

    def test_outside_the_jurisdiction_it_is_404_like_a_missing_number(
        self, world: Personas
    ) -> None:
        case = submit(world.resident)
        for path in (f"{CASES}/{case.number}", f"{CASES}/20990101000001"):
            response = api(world.staff_b).get(path)
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"

    def test_the_resident_does_not_read_internal_notes(self, world: Personas) -> None:
        case = submit(world.resident)
        act(world.staff_a, case, "accept")
        act(world.staff_a, case, "dispatch", region_code=COMMUNITY_A, note="内部：交王师傅")
        staff = api(world.staff_a).get(f"{CASES}/{case.number}").json()
        resident = api(world.resident).get(f"{CASES}/{case.number}").json()
        assert "内部：交王师傅" in [s["note"] for s in staff["timeline"]]
        assert "内部：交王师傅" not in str(resident)
        assert resident["actions"] == []


class TestSubmitting:
    def test_a_resident_applies_in_their_own_name(self, world: Personas) -> None:
        response = api(world.resident).post(
            CASES,
            {
                "category": "residence-certificate",
                "description": "孩子入学需要居住证明",
                "community": COMMUNITY_A,
                "attributes": {"purpose": "school"},
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        case = Case.objects.get(number=body["number"])
        assert case.reporter == world.resident and case.channel == Channel.PORTAL
        assert body["status"]["code"] == "submitted"

    def test_window_staff_become_first_responsible(self, world: Personas) -> None:
        response = api(world.staff_a).post(
            CASES,
            {
                "category": "exposed-garbage",
                "description": "来电反映垃圾堆放",
                "community": COMMUNITY_A,
                "channel": "hotline",
                "reporter_name": "王大妈",
                "reporter_phone": "13900001111",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["first_responsible"]["name"] == "张丽"
        assert body["reporter_phone_masked"] != "13900001111"

    def test_bad_input_is_422_per_field_and_writes_nothing(self, world: Personas) -> None:
        response = api(world.resident).post(
            CASES,
            {"category": "no-such", "description": "", "community": COMMUNITY_A},
        )
        assert response.status_code == 422
        fields = response.json()["fields"]
        assert "category" in fields and "description" in fields
        assert not Case.objects.exists()

    def test_a_missing_required_attribute_is_named(self, world: Personas) -> None:
        response = api(world.resident).post(
            CASES,
            {"category": "street-vending", "description": "占道", "community": COMMUNITY_A},
        )
        assert response.status_code == 422
        assert "attributes.vendor" in response.json()["fields"]

    def test_staff_cannot_register_outside_their_jurisdiction(self, world: Personas) -> None:
        response = api(world.staff_b).post(
            CASES, {"category": "exposed-garbage", "description": "x", "community": COMMUNITY_A}
        )
        assert response.status_code == 403
        assert not Case.objects.exists()

    def test_administrators_do_not_submit(self, world: Personas) -> None:
        response = api(world.system_admin).post(
            CASES, {"category": "exposed-garbage", "description": "x", "community": COMMUNITY_A}
        )
        assert response.status_code == 403


class TestActions:
    def test_the_whole_loop_through_the_api(self, world: Personas) -> None:
        case = submit(world.resident)
        assert act(world.staff_a, case, "accept", note="已受理").status_code == 200
        response = act(world.staff_a, case, "dispatch", region_code=COMMUNITY_A)
        assert response.json()["status"]["code"] == "handling"
        assert act(world.staff_a, case, "feedback", note="已清运完毕").status_code == 200
        response = act(world.street_staff, case, "verify_close", note="现场核查通过")
        assert response.json()["status"]["code"] == "closed"
        response = act(world.resident, case, "rate", rating=5, comment="很及时")
        assert response.status_code == 200
        assert response.json()["rating"] == 5
        response = act(world.resident, case, "reopen", reason="又堆起来了")
        assert response.json()["status"]["code"] == "handling"

    def test_refuse_needs_a_reason(self, world: Personas) -> None:
        case = submit(world.resident)
        response = act(world.staff_a, case, "refuse")
        assert response.status_code == 422
        assert "reason" in response.json()["fields"]
        response = act(world.staff_a, case, "refuse", reason="不属于本社区")
        assert response.json()["status"]["code"] == "refused"
        assert response.json()["refusal_reason"] == "不属于本社区"

    def test_a_step_not_possible_now_is_422_on_status(self, world: Personas) -> None:
        case = submit(world.resident)
        response = act(world.staff_a, case, "feedback", note="x")
        assert response.status_code == 422
        assert "status" in response.json()["fields"]

    def test_a_step_one_may_not_take_is_403_and_changes_nothing(self, world: Personas) -> None:
        case = submit(world.resident)
        response = act(world.resident, case, "accept")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED

    def test_another_communitys_staff_get_404(self, world: Personas) -> None:
        case = submit(world.resident)
        assert act(world.staff_b, case, "accept").status_code == 404
        assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED

    def test_an_unknown_action_is_404(self, world: Personas) -> None:
        case = submit(world.resident)
        assert act(world.staff_a, case, "explode").status_code == 404
        assert act(world.staff_a, case, "submit").status_code == 404

    def test_rework_after_verification(self, world: Personas) -> None:
        case = verifying_case(world)
        response = act(world.street_staff, case, "rework", reason="现场仍有垃圾")
        assert response.json()["status"]["code"] == "handling"
        assert response.json()["rework_count"] == 1

    def test_escalate_then_defer_and_resume_at_the_township(self, world: Personas) -> None:
        case = handling_case(world)
        response = act(world.staff_a, case, "escalate", reason="须街道协调")
        assert response.status_code == 200
        assert response.json()["assigned_region_code"] == "152201001"
        act(world.street_staff, case, "dispatch", region_code="152201001")
        response = act(world.street_staff, case, "defer", reason="等待年度预算")
        assert response.json()["status"]["code"] == "deferred"
        response = act(world.street_staff, case, "resume", note="预算已下达")
        assert response.json()["status"]["code"] == "handling"

    def test_an_extension_is_requested_below_and_approved_above(self, world: Personas) -> None:
        case = handling_case(world)
        assert act(world.staff_a, case, "request_extension", reason="需协调").status_code == 422
        response = act(world.staff_a, case, "request_extension", amount=2, reason="需协调物业")
        assert response.json()["extension_state"] == "requested"
        assert act(world.staff_a, case, "approve_extension").status_code == 403
        response = act(world.street_staff, case, "approve_extension", note="同意")
        assert response.json()["extension_state"] == "approved"

    def test_merge_into_a_case_one_may_see(self, world: Personas) -> None:
        target, duplicate = submit(world.resident), submit(world.resident)
        hidden = submit(world.staff_b, community=COMMUNITY_B, channel=Channel.WINDOW)
        response = act(world.staff_a, duplicate, "merge", into=hidden.number)
        assert response.status_code == 422 and "into" in response.json()["fields"]
        response = act(world.staff_a, duplicate, "merge", into=target.number)
        assert response.json()["status"]["code"] == "merged"
        assert response.json()["merged_into"] == target.number

    def test_only_the_reporter_rates_once(self, world: Personas) -> None:
        case = closed_case(world)
        assert act(world.staff_a, case, "rate", rating=5).status_code == 403
        assert act(world.resident, case, "rate").status_code == 422
        assert act(world.resident, case, "rate", rating=4).status_code == 200
        assert act(world.resident, case, "rate", rating=4).status_code == 422

    def test_dispatch_to_an_unknown_unit_is_422(self, world: Personas) -> None:
        case = submit(world.resident)
        act(world.staff_a, case, "accept")
        response = act(world.staff_a, case, "dispatch", organisation=999999)
        assert response.status_code == 422
        assert "organisation" in response.json()["fields"]
        response = act(world.staff_a, case, "dispatch", region_code=COMMUNITY_B)
        assert response.status_code == 422
        assert "region_code" in response.json()["fields"]


class TestCategories:
    def test_the_catalogue_with_commitments_and_fields(self, world: Personas) -> None:
        body = api(world.resident).get("/api/v1/case-categories", limit=200).json()
        assert body["count"] == Category.objects.filter(is_active=True).count()
        by_code = {c["code"]: c for c in body["items"]}
        vending = by_code["street-vending"]
        assert vending["attributes"][0]["code"] == "vendor"
        assert vending["kind"] == {"code": "event", "label": "网格事件"}
        assert "工作" in vending["resolve_within"]

    def test_it_filters_by_kind(self, world: Personas) -> None:
        body = api(world.resident).get("/api/v1/case-categories", kind="service").json()
        assert body["items"] and all(c["kind"]["code"] == "service" for c in body["items"])

    def test_without_a_token_it_is_401(self, world: Personas) -> None:
        assert ApiClient().get("/api/v1/case-categories").status_code == 401


def test_the_openapi_schema_still_generates(world: Personas) -> None:
    response = ApiClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/cases/{number}/actions/{action}" in paths
    assert "/api/v1/case-categories" in paths
