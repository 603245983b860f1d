"""The shell pages pass the static accessibility and CSP check (DESIGN rule 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import login
from gongzhi.console.tests.a11y import assert_accessible

PORTAL_PAGES = ["home", "services", "my_cases", "consultations", "disclosure"]


def logged_in(user: Any) -> Client:
    client = Client()
    login(client, user)  # with the second factor the 三员 must pass
    return client


@pytest.mark.django_db
class TestShellAccessibility:
    @pytest.mark.parametrize(
        "persona", ["staff_a", "county_admin", "system_admin", "security_admin", "audit_admin"]
    )
    def test_the_console_home_is_accessible(self, personas: Personas, persona: str) -> None:
        response = logged_in(getattr(personas, persona)).get(reverse("console:home"))
        assert response.status_code == 200
        assert_accessible(response.content.decode())

    @pytest.mark.parametrize("page", PORTAL_PAGES)
    def test_the_portal_pages_are_accessible_logged_out(self, regions: None, page: str) -> None:
        response = Client().get(reverse(f"portal:{page}"))
        assert_accessible(response.content.decode())

    @pytest.mark.parametrize("page", [*PORTAL_PAGES, "me"])
    def test_the_portal_pages_are_accessible_for_a_resident_in_elder_mode(
        self, personas: Personas, page: str
    ) -> None:
        client = logged_in(personas.resident)
        client.cookies["elder_mode"] = "1"
        response = client.get(reverse(f"portal:{page}"), follow=True)
        html = response.content.decode()
        if response.redirect_chain and response.redirect_chain[-1][0].startswith("/gongkai/"):
            # 居务公开 sends a resident to their community's public page, which is large
            # text for everyone and carries no portal shell (R2.3f).
            assert "<main" in html
        else:
            assert 'class="portal elder-mode"' in html
        assert_accessible(html)

    def test_the_english_interface_declares_its_language(self, regions: None) -> None:
        client = Client()
        response = client.get(reverse("portal:home"), headers={"accept-language": "en"})
        assert_accessible(response.content.decode(), lang="en")

    def test_the_console_sends_a_content_security_policy_without_inline_code(
        self, personas: Personas
    ) -> None:
        response = logged_in(personas.staff_a).get(reverse("console:home"))
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
