"""Every API error is JSON {"code", "message", "fields"} with the right status."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import COMMUNITY_B
from gongzhi.api.tests.test_auth_token import assert_error
from gongzhi.ledger.models import Event, EventType, Outcome


@pytest.mark.django_db
class TestPlatformErrors:
    def test_a_body_that_is_not_json_is_a_bad_request(self, personas):
        response = Client().post(
            "/api/v1/auth/token", "{username: staff_a", content_type="application/json"
        )

        body = assert_error(response, 400, "bad_request")
        assert body["message"] == "请求体不是有效的 JSON"

    def test_a_missing_body_names_every_required_field(self, personas):
        response = Client().post("/api/v1/auth/token", content_type="application/json")

        body = assert_error(response, 422, "validation_error")
        assert body["fields"] == {"username": "此项为必填项", "password": "此项为必填项"}

    def test_a_wrongly_typed_field_is_named(self, personas):
        response = Client().post(
            "/api/v1/auth/token",
            {"username": ["staff_a"], "password": "x"},
            content_type="application/json",
        )

        body = assert_error(response, 422, "validation_error")
        assert body["fields"] == {"username": "须为文本"}

    def test_an_unknown_api_path_is_not_found_in_json(self, personas):
        for method in ("get", "post", "delete"):
            response = getattr(Client(), method)("/api/v1/no/such/thing")

            assert_error(response, 404, "not_found")

    def test_an_out_of_jurisdiction_region_is_not_found(self, personas, api_as):
        response = api_as(personas.staff_a).get(f"/api/v1/regions/{COMMUNITY_B}")

        assert_error(response, 404, "not_found")

    def test_a_permission_denial_is_forbidden_and_written_to_the_ledger(self, personas, api_as):
        response = api_as(personas.staff_a).post("/api/v1/tasks/ledger-verification")

        body = assert_error(response, 403, "permission_denied")
        assert body["message"] == "只有审计管理员可以校验审计链"
        event = Event.objects.filter(type=EventType.PERMISSION_DENIED).get()
        assert event.actor == personas.staff_a
        assert event.outcome == Outcome.DENIED
        assert event.summary["path"] == "/api/v1/tasks/ledger-verification"
        assert event.summary["method"] == "POST"


@pytest.mark.django_db
@pytest.mark.urls("gongzhi.api.tests.error_urls")
class TestErrorHandlers:
    def test_a_database_conflict_is_409_without_its_details(self):
        body = assert_error(Client().get("/api/conflict"), 409, "conflict")

        assert "UNIQUE" not in body["message"]

    def test_an_action_validation_error_names_each_field(self):
        body = assert_error(Client().get("/api/invalid-fields"), 422, "validation_error")

        assert body["fields"] == {"name": "名称不能为空", "code": "代码须为 3 位数字；代码已被占用"}
        assert "name：名称不能为空" in body["message"]

    def test_an_action_validation_error_about_the_whole_request(self):
        body = assert_error(Client().get("/api/invalid-whole"), 422, "validation_error")

        assert body["fields"] == {"__all__": "开始日期不能晚于结束日期"}
        assert body["message"] == "提交的数据有误：开始日期不能晚于结束日期"

    def test_a_permission_denial_keeps_its_reason(self):
        body = assert_error(Client().get("/api/denied"), 403, "permission_denied")

        assert body["message"] == "只能修改本辖区的数据"
        assert Event.objects.filter(type=EventType.PERMISSION_DENIED, actor=None).count() == 1

    def test_an_unexpected_error_is_500_and_hides_its_details(self):
        body = assert_error(Client().get("/api/crash"), 500, "server_error")

        assert "secret" not in body["message"]


@pytest.mark.django_db
class TestProtocolErrors:
    def test_a_method_an_endpoint_does_not_take_is_refused_in_json(self, personas, api_as):
        client = api_as(personas.staff_a)

        bearer = {"Authorization": f"Bearer {client.token}"}

        response = client.client.put("/api/v1/me", headers=bearer)

        assert_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET"

    def test_errors_are_utf8_json_not_escapes(self, personas):
        response = Client().get("/api/v1/me")

        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "未登录".encode() in response.content
