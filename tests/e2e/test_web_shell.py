"""The shell in a real browser (Chromium): the layout holds on a 360-px phone, elder mode
enlarges the text, and the scripts do their part under the CSP."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, Personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def body_font_px(page: Any) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def test_the_portal_fits_a_360_px_phone_with_big_tap_targets(
    phone: Any, live_server: Any, personas: Personas
) -> None:
    log_in(phone, live_server, "resident", "/portal/")
    assert "万佳社区居委会" in phone.locator("main").inner_text()
    assert fits_the_screen(phone)
    tabs = phone.get_by_role("navigation", name="居民服务导航").get_by_role("link")
    assert tabs.count() == 5
    for index in range(tabs.count()):
        box = tabs.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    tile = phone.get_by_role("link", name="办事服务").first.bounding_box()
    assert tile["height"] >= 44
    assert phone.problems == []


def test_elder_mode_enlarges_the_text_and_stays_on(
    phone: Any, live_server: Any, personas: Personas
) -> None:
    phone.goto(f"{live_server.url}/portal/services/")
    standard = body_font_px(phone)
    phone.get_by_role("button", name="长辈模式").click()
    phone.wait_for_url(f"{live_server.url}/portal/services/")
    assert "elder-mode" in phone.locator("body").get_attribute("class")
    assert body_font_px(phone) >= 20 > standard
    assert fits_the_screen(phone)
    phone.goto(f"{live_server.url}/portal/")
    assert "elder-mode" in phone.locator("body").get_attribute("class")
    assert phone.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "true"
    assert phone.problems == []


def test_the_skip_link_appears_on_the_first_tab(
    phone: Any, live_server: Any, regions: None
) -> None:
    phone.goto(f"{live_server.url}/portal/")
    skip = phone.get_by_role("link", name="跳到主要内容")
    assert skip.bounding_box()["y"] < 0  # out of sight until needed
    phone.keyboard.press("Tab")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["y"] >= 0


def test_choosing_a_township_switches_the_console_without_a_button(
    desktop: Any, live_server: Any, personas: Personas
) -> None:
    log_in(desktop, live_server, "county_admin", "/console/")
    switcher = desktop.get_by_label("当前辖区")
    # With scripts running, the fallback button is hidden and the choice submits itself.
    assert not desktop.locator(".jurisdiction-switcher button").is_visible()
    with desktop.expect_navigation():
        switcher.select_option(label="\u3000爱国街道")
    assert "当前辖区：乌兰浩特市 › 爱国街道" in desktop.locator("main").inner_text()
    assert (
        desktop.get_by_label("当前辖区").evaluate(
            "select => select.options[select.selectedIndex].text.trim()"
        )
        == "爱国街道"
    )


def test_the_language_switcher_turns_the_shell_english(
    phone: Any, live_server: Any, regions: None
) -> None:
    phone.goto(f"{live_server.url}/portal/")
    with phone.expect_navigation():
        phone.get_by_label("界面语言").select_option("en")
    assert phone.locator("html").get_attribute("lang") == "en"


def test_a_declined_confirmation_stops_the_form(
    phone: Any, live_server: Any, regions: None
) -> None:
    phone.goto(f"{live_server.url}/portal/")
    # Any form may ask first: put the question on the elder-mode form, and note whether
    # its submit event gets through (the click dispatches it before returning).
    phone.evaluate(
        """() => {
            const form = document.querySelector('.portal-header form');
            form.setAttribute('data-confirm', '确定切换吗？');
            form.addEventListener('submit', () => { window.submitted = true; });
        }"""
    )
    questions: list[str] = []

    def decline(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", decline)
    phone.get_by_role("button", name="长辈模式").click()
    assert questions == ["确定切换吗？"]
    assert phone.evaluate("window.submitted === undefined")
    assert "elder-mode" not in phone.locator("body").get_attribute("class")

    phone.once("dialog", lambda dialog: dialog.accept())
    with phone.expect_navigation():
        phone.get_by_role("button", name="长辈模式").click()
    assert "elder-mode" in phone.locator("body").get_attribute("class")
