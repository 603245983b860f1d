"""Elder mode (适老化): a long-lived cookie switches the portal to large text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.portal.views import ELDER_COOKIE_MAX_AGE


def body_class(html: str) -> str:
    return html.split("<body", 1)[1].split('class="', 1)[1].split('"', 1)[0]


@pytest.mark.django_db
class TestElderMode:
    def test_switching_it_on_sets_a_lasting_cookie_and_goes_back(self, regions: None) -> None:
        client = Client()
        response = client.post(
            reverse("portal:elder_mode"), {"elder_mode": "1", "next": "/portal/services/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/portal/services/"
        cookie = response.cookies["elder_mode"]
        assert cookie.value == "1"
        assert cookie["max-age"] == ELDER_COOKIE_MAX_AGE
        assert cookie["samesite"] == "Lax"

    def test_the_page_then_shows_in_elder_mode(self, regions: None) -> None:
        client = Client()
        assert body_class(client.get(reverse("portal:home")).content.decode()) == "portal"
        client.post(reverse("portal:elder_mode"), {"elder_mode": "1"})
        html = client.get(reverse("portal:home")).content.decode()
        assert body_class(html) == "portal elder-mode"
        assert 'aria-pressed="true"' in html
        assert 'name="elder_mode" value="0"' in html

    def test_switching_it_off_restores_the_standard_page(self, regions: None) -> None:
        client = Client()
        client.post(reverse("portal:elder_mode"), {"elder_mode": "1"})
        response = client.post(reverse("portal:elder_mode"), {"elder_mode": "0"})
        assert response.cookies["elder_mode"].value == "0"
        html = client.get(reverse("portal:home")).content.decode()
        assert body_class(html) == "portal"
        assert 'aria-pressed="false"' in html

    def test_a_plain_toggle_flips_the_mode(self, regions: None) -> None:
        client = Client()
        assert client.post(reverse("portal:elder_mode")).cookies["elder_mode"].value == "1"
        assert client.post(reverse("portal:elder_mode")).cookies["elder_mode"].value == "0"

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
    def test_it_never_sends_the_browser_off_site(self, regions: None, target: str) -> None:
        response = Client().post(reverse("portal:elder_mode"), {"elder_mode": "1", "next": target})
        assert response["Location"] == reverse("portal:home")

    def test_it_needs_a_post_with_a_csrf_token(self, regions: None) -> None:
        assert Client().get(reverse("portal:elder_mode")).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        assert strict.post(reverse("portal:elder_mode"), {"elder_mode": "1"}).status_code == 403
