"""A county administrator logs in, walks the region tree down to a community and sees its grids."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, Personas
from gongzhi.regions.demo import create_demo_places

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/console/")


def test_county_admin_browses_to_a_community_and_sees_its_grids(
    page: Any, live_server: Any, personas: Personas
) -> None:
    create_demo_places()
    log_in(page, live_server, "county_admin")
    assert page.get_by_role("heading", level=1).first.is_visible()

    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="区划与网格").click()
    page.get_by_role("link", name="爱国街道").first.click()
    page.get_by_role("link", name="万佳社区居委会").first.click()

    grids = page.get_by_role("region", name="网格")
    assert grids.get_by_role("link").count() >= 2
    breadcrumb = page.get_by_role("navigation", name="区划路径")
    assert "乌兰浩特市" in breadcrumb.inner_text()
    assert "万佳社区居委会" in breadcrumb.inner_text()


def test_community_staff_cannot_open_another_community(
    page: Any, live_server: Any, personas: Personas
) -> None:
    log_in(page, live_server, "staff_b")
    response = page.goto(f"{live_server.url}/console/regions/152201001001/")
    assert response is not None and response.status == 404
    assert "万佳社区居委会" not in page.content()
