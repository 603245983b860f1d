"""Error pages are Chinese, accessible, and the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

from conftest import Personas
from gongzhi.console.tests.a11y import assert_accessible


@pytest.mark.django_db
class TestErrorPages:
    def test_an_unknown_address_gets_the_chinese_404_page(self, regions: None) -> None:
        response = Client().get("/portal/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "页面不存在" in html
        assert_accessible(html)

    def test_a_denied_request_gets_the_chinese_403_page_with_the_reason(
        self, personas: Personas
    ) -> None:
        request = RequestFactory().get("/console/")
        request.user = personas.staff_a
        response = defaults.permission_denied(request, PermissionDenied("您没有权限执行此操作"))
        assert response.status_code == 403
        html = response.content.decode()
        assert "没有访问权限" in html
        assert "您没有权限执行此操作" in html
        assert "返回员工工作台" in html
        assert_accessible(html)

    def test_the_403_page_has_a_default_reason(self, regions: None) -> None:
        request = RequestFactory().get("/portal/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        html = defaults.permission_denied(request, PermissionDenied()).content.decode()
        assert "请联系本单位的安全管理员" in html


class TestServerErrorPage:
    """No django_db mark: any database access here fails the test."""

    def test_the_500_page_renders_without_the_database(self) -> None:
        response = defaults.server_error(RequestFactory().get("/console/"))
        assert response.status_code == 500
        html = response.content.decode()
        assert "系统暂时出错" in html
        assert 'href="/portal/"' in html
        assert_accessible(html)

    def test_the_csrf_failure_page_is_chinese(self) -> None:
        from django.views.csrf import csrf_failure

        response = csrf_failure(RequestFactory().post("/portal/elder-mode/"), reason="x")
        assert response.status_code == 403
        assert "页面已过期" in response.content.decode()
