"""The console context: the module menu per role, and no work unless a page shows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from conftest import Personas
from gongzhi.console.context_processors import console
from gongzhi.core.middleware import JurisdictionMiddleware


def context_for(user: Any, path: str = "/console/") -> Any:
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}  # type: ignore[assignment]
    JurisdictionMiddleware(lambda r: None)(request)  # type: ignore[arg-type,return-value]
    return console(request)


def menu(user: Any, path: str = "/console/") -> list[str]:
    return [item["label"] for item in context_for(user, path)["console"]["nav"]]


@pytest.mark.django_db
class TestConsoleMenu:
    def test_staff_see_the_places_and_organisations_of_their_jurisdiction(
        self, personas: Personas
    ) -> None:
        assert menu(personas.staff_a) == [
            "工作台",
            "区划与网格",
            "实有人口",
            "办件",
            "办件统计",
            "流动服务与供需对接",
            "议事协商",
            "社区投票",
            "意见地图",
            "居务公开",
            "委员会选举",
            "组织机构",
            "法定规则",
            "我的任务",
        ]

    @pytest.mark.parametrize(
        ("persona", "extra"),
        [
            ("system_admin", ["账号与角色"]),
            ("security_admin", ["账号与角色"]),
            ("audit_admin", ["账号与角色", "审计日志"]),
        ],
    )
    def test_each_administrator_sees_their_own_duty(
        self, personas: Personas, persona: str, extra: list[str]
    ) -> None:
        # Administrators do no casework, so the organisations directory is not theirs.
        assert menu(getattr(personas, persona)) == ["工作台", "区划与网格", *extra, "我的任务"]

    def test_the_current_module_is_marked(self, personas: Personas) -> None:
        page = reverse("regions:tree") + "152201001/"
        nav = context_for(personas.staff_a, page)["console"]["nav"]
        assert [item["label"] for item in nav if item["active"]] == ["区划与网格"]

    def test_outside_the_console_it_adds_nothing(self, personas: Personas) -> None:
        assert context_for(personas.staff_a, "/portal/") == {}

    def test_it_costs_no_query_until_a_page_reads_it(
        self, personas: Personas, django_assert_num_queries: Any
    ) -> None:
        with django_assert_num_queries(0):
            context = context_for(personas.county_admin)
        # Roles, Django's two permission lookups, the scope path, the switcher's townships.
        with django_assert_num_queries(5):
            assert context["console"]["scope_name"] == "乌兰浩特市"
