"""办事指南: the catalogue residents apply from (R3.6b 一号申请; R3.2e service commitments)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases.models import Category
from gongzhi.console.tests.a11y import assert_accessible

pytestmark = pytest.mark.django_db


def catalogue(client: Client | None = None, **params: str) -> str:
    response = (client or Client()).get(reverse("portal:services"), params)
    assert response.status_code == 200
    return response.content.decode()


class TestCatalogue:
    def test_it_lists_active_services_complaints_and_correction_only(self, world: Personas) -> None:
        Category.objects.filter(code="old-age-allowance").update(is_active=False)
        html = catalogue()
        assert "居住证明" in html and "低保申请" in html  # services
        assert "噪声扰民" in html and "意见建议" in html  # complaints and suggestions
        assert "居民信息更正" in html
        assert "高龄津贴" not in html  # switched off in the console
        assert "暴露垃圾" not in html  # a grid event, reported by grid workers
        assert reverse("portal:apply", args=["residence-certificate"]) in html
        assert reverse("portal:apply", args=["old-age-allowance"]) not in html

    def test_each_category_shows_documents_time_limits_and_extra_fields(
        self, world: Personas
    ) -> None:
        html = catalogue()
        entry = html.split('id="service-residence-certificate"', 1)[1].split("</li>\n", 1)[0]
        assert "居民身份证" in entry and "户口簿或房产证、租房合同" in entry
        assert "4 个工作小时内受理" in entry
        assert "受理后 1 个工作日内办结" in entry
        assert "证明用途" in entry and "（必填）" in entry

    def test_it_groups_the_categories(self, world: Personas) -> None:
        html = catalogue()
        assert "<h2" in html
        for group in ["证明服务", "社会救助", "诉求", "信息更正"]:
            assert f">{group}</h2>" in html

    def test_it_searches_by_name_and_keyword(self, world: Personas) -> None:
        html = catalogue(q="噪音")
        assert "噪声扰民" in html and "居住证明" not in html
        assert "没有找到" in catalogue(q="不存在的事项")

    def test_it_is_open_without_login_and_asks_to_log_in_for_applying(
        self, world: Personas
    ) -> None:
        html = catalogue()
        assert "在线申请和查看办件进度需要先登录" in html
        response = Client().get(reverse("portal:apply", args=["residence-certificate"]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_the_tab_bar_marks_services(self, world: Personas) -> None:
        tabbar = catalogue().split('class="portal-tabbar"', 1)[1]
        assert f'href="{reverse("portal:services")}" aria-current="page"' in tabbar

    def test_the_page_is_accessible(self, world: Personas) -> None:
        assert_accessible(catalogue(client_for(world.resident)))
