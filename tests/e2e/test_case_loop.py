"""One number, one window, one network, end to end (issue 4): a resident applies on the
portal, community staff accept and dispatch, the grid worker handles, the community
verifies and closes, the resident rates, and the case counts in the statistics."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import PASSWORD, Personas
from gongzhi.cases.models import Case
from gongzhi.cases.seed import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def take_step(page: Any, action: str, fields: dict[str, str] | None = None) -> None:
    """Open the step's section on the console case page, fill it and submit it."""
    step = page.locator(f"details#step-{action}")
    if not step.evaluate("e => e.open"):
        step.locator("summary").click()
    for label, value in (fields or {}).items():
        field = step.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":  # the option whose text has value
            field.select_option(
                field.locator("option", has_text=value).first.get_attribute("value")
            )
        else:
            field.fill(value)
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_residence_certificate_from_application_to_rating(
    page: Any, live_server: Any, personas: Personas
) -> None:
    seed_categories()

    # 一号申请: the resident applies online for a residence certificate.
    sign_in(page, live_server, "resident")
    page.goto(f"{live_server.url}/portal/services/")
    page.locator("summary", has_text="居住证明").first.click()  # what it needs, its time limit
    service = page.locator("#service-residence-certificate")
    assert "户口簿或房产证" in service.inner_text()
    service.get_by_role("link", name="在线申请").click()
    page.get_by_label("具体内容").fill("孩子明年上小学，需要开具居住证明。")
    page.get_by_label("证明用途").select_option(label="子女入学")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.number in page.content()

    # 一窗受理 and 派遣: community staff accept and dispatch to the grid worker.
    sign_in(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/console/cases/")
    page.get_by_role("table").get_by_role("link", name=case.number).click()
    take_step(page, "accept", {"意见": "材料齐全，予以受理。"})
    assert "待派遣" in page.content()
    take_step(page, "dispatch", {"承办人": "巴特尔", "派遣意见": "请核实居住情况后出具证明。"})
    assert "办理中" in page.content()

    # 处置: the grid worker who was given the case reports what was done.
    sign_in(page, live_server, "grid_worker")
    page.goto(f"{live_server.url}/console/cases/{case.pk}/")
    take_step(page, "feedback", {"处置情况": "已入户核实，证明已开具并交给居民。"})
    assert "待核查" in page.content()

    # 核查结案: community staff (not the handler) verify and close.
    sign_in(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/console/cases/{case.pk}/")
    take_step(page, "verify_close", {"意见": "电话回访，居民已取得证明。"})
    assert "已结案" in page.content()

    # 回访 and 好差评: the resident sees every step and rates the result.
    sign_in(page, live_server, "resident")
    page.goto(f"{live_server.url}/portal/")
    page.goto(f"{live_server.url}/portal/cases/")
    page.get_by_role("link", name=re.compile("居住证明")).first.click()
    timeline = page.get_by_role("region", name="办理进度")
    for step in ("提交", "受理", "派遣", "处置反馈", "核查结案"):
        assert step in timeline.inner_text()
    assert "已入户核实" in timeline.inner_text()
    page.get_by_label("非常满意").check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert "非常满意" in page.content()
    case.refresh_from_db()
    assert (case.status, case.rating) == ("closed", 5)

    # 考核: the statistics count it — received, filed, closed on time, satisfied — and the
    # satisfaction figure leads to the case itself.
    sign_in(page, live_server, "street_staff")
    page.goto(f"{live_server.url}/console/dashboards/")
    total = page.locator("tr.db-total")
    cells = [cell.strip() for cell in total.locator("td").all_inner_texts()]
    assert cells[0] == "1"  # 收件量
    assert cells[1].startswith("100.0%（1/1）")  # 立案率
    assert cells[2].startswith("100.0%（1/1）")  # 按期结案率
    assert cells[6].startswith("100.0%（1/1）")  # 满意率
    total.locator("td").nth(6).get_by_role("link").first.click()
    assert case.number in page.content()
