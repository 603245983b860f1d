"""The resident portal shell: public pages, the resident's community, 我的 behind login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import login

PUBLIC_PAGES = ["home", "services", "my_cases", "consultations", "disclosure"]


def logged_in(user: Any) -> Client:
    client = Client()
    login(client, user)  # with the second factor the 三员 must pass
    return client


@pytest.mark.django_db
class TestPortalPages:
    @pytest.mark.parametrize("page", PUBLIC_PAGES)
    def test_public_pages_open_without_logging_in(self, regions: None, page: str) -> None:
        response = Client().get(reverse(f"portal:{page}"))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="portal-tabbar"' in html
        assert 'class="elder-toggle"' in html

    def test_me_sends_a_visitor_to_log_in_and_back(self, regions: None) -> None:
        response = Client().get(reverse("portal:me"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next=/portal/me/"

    def test_the_home_page_offers_a_visitor_the_login(self, regions: None) -> None:
        html = Client().get(reverse("portal:home")).content.decode()
        assert f'href="{reverse("accounts:login")}?next=/portal/"' in html
        for tile in ["办事服务", "我的办件", "议事协商", "居务公开", "我的"]:
            assert f'<span class="tile-name">{tile}</span>' in html

    def test_the_home_page_names_the_residents_community(self, personas: Personas) -> None:
        html = logged_in(personas.resident).get(reverse("portal:home")).content.decode()
        assert "乌云，您好" in html
        assert "您所在社区" in html
        assert '<span class="community">万佳社区居委会</span>' in html
        assert "爱国街道 · 乌兰浩特市" in html
        assert "?next=/portal/" not in html

    def test_me_shows_the_account_and_its_community(self, personas: Personas) -> None:
        response = logged_in(personas.resident).get(reverse("portal:me"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "resident" in html
        assert "万佳社区居委会" in html
        assert reverse("accounts:logout") in html
        assert reverse("console:home") not in html.split("<main", 1)[1].split("<footer", 1)[0]

    def test_me_offers_staff_the_way_to_the_console(self, personas: Personas) -> None:
        html = logged_in(personas.staff_a).get(reverse("portal:me")).content.decode()
        assert "进入员工工作台" in html

    def test_the_tab_bar_marks_the_current_page(self, regions: None) -> None:
        html = Client().get(reverse("portal:services")).content.decode()
        tabbar = html.split('class="portal-tabbar"', 1)[1]
        assert f'href="{reverse("portal:services")}" aria-current="page"' in tabbar
        assert tabbar.count('aria-current="page"') == 1
