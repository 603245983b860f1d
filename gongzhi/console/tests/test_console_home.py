"""The console's home page (工作台): greeting, jurisdiction, counts, quick links, 三员 panels."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.models import User
from gongzhi.accounts.testing import login


def logged_in(user: Any) -> Client:
    client = Client()
    login(client, user)  # with the second factor the 三员 must pass
    return client


def home_of(user: Any) -> str:
    response = logged_in(user).get(reverse("console:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestConsoleHome:
    def test_it_greets_staff_with_name_roles_and_jurisdiction(self, personas: Personas) -> None:
        html = home_of(personas.staff_a)
        assert "张丽，您好" in html
        assert "社区工作者" in html
        assert "万佳社区居委会" in html

    def test_it_shows_counts_of_the_levels_below_the_jurisdiction(self, personas: Personas) -> None:
        response = logged_in(personas.county_admin).get(reverse("console:home"))
        labels = [label for label, _ in response.context["counts"]]
        assert "旗县市" not in labels
        assert labels[:2] == ["苏木乡镇街道", "嘎查村社区"]
        townships = dict(response.context["counts"])["苏木乡镇街道"]
        assert townships > 0
        assert f"<dd>{townships}</dd>" in response.content.decode()

    def test_a_community_worker_sees_only_grids_compounds_and_buildings(
        self, personas: Personas
    ) -> None:
        response = logged_in(personas.staff_a).get(reverse("console:home"))
        assert [label for label, _ in response.context["counts"]] == ["网格", "小区", "楼栋"]

    def test_quick_links_follow_the_same_permissions_as_the_menu(self, personas: Personas) -> None:
        staff_html = home_of(personas.staff_a)
        assert reverse("regions:tree") in staff_html
        assert reverse("ledger:event_list") not in staff_html
        assert reverse("accounts:user_list") not in staff_html
        audit_html = home_of(personas.audit_admin)
        assert reverse("ledger:event_list") in audit_html
        assert "近 24 小时审计概况" in audit_html

    def test_the_system_administrator_sees_the_accounts_panel(self, personas: Personas) -> None:
        response = logged_in(personas.system_admin).get(reverse("console:home"))
        panel = response.context["admin_panel"]
        assert panel.title == "账号管理"
        facts = {fact.label: fact.value for fact in panel.facts}
        assert facts["本辖区账号"] == User.objects.count()
        assert reverse("accounts:user_list") in response.content.decode()

    def test_the_security_administrator_sees_role_counts(self, personas: Personas) -> None:
        response = logged_in(personas.security_admin).get(reverse("console:home"))
        panel = response.context["admin_panel"]
        facts = {fact.label: fact.value for fact in panel.facts}
        assert facts["社区工作者"] == 2
        assert facts["居民"] == 1

    def test_the_audit_administrator_sees_recent_events(self, personas: Personas) -> None:
        response = logged_in(personas.audit_admin).get(reverse("console:home"))
        panel = response.context["admin_panel"]
        facts = {fact.label: fact.value for fact in panel.facts}
        # Creating the nine personas wrote nine events.
        assert facts["事件总数"] >= 9
        assert panel.latest_at is not None

    def test_staff_get_no_administrator_panel(self, personas: Personas) -> None:
        response = logged_in(personas.county_admin).get(reverse("console:home"))
        assert response.context["admin_panel"] is None

    def test_the_breadcrumb_shows_where_the_jurisdiction_lies(self, personas: Personas) -> None:
        html = home_of(personas.staff_a)
        breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
        assert "兴安盟" in breadcrumb
        assert "爱国街道" in breadcrumb
        assert 'aria-current="page">万佳社区居委会' in breadcrumb

    def test_it_links_to_the_divisions_below_the_jurisdiction(self, personas: Personas) -> None:
        html = home_of(personas.county_admin)
        assert f'href="{reverse("regions:region_detail", args=["152201"])}">查看下级区划' in html
        html = home_of(personas.staff_a)
        assert "查看网格和小区" in html

    def test_it_loads_htmx_from_the_platform_itself(self, personas: Personas) -> None:
        html = home_of(personas.staff_a)
        assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
        assert '"includeIndicatorStyles": false' in html

    def test_its_number_of_queries_does_not_grow_with_the_jurisdiction(
        self, personas: Personas
    ) -> None:
        def queries_for(user: Any) -> int:
            client = logged_in(user)
            client.get(reverse("console:home"))  # the first request fills the session
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse("console:home"))
            return len(captured.captured_queries)

        # A county holds 17 townships and 130 communities, a street 4 communities.
        assert queries_for(personas.county_admin) == queries_for(personas.street_staff)
        # The league-wide 三员 panels add one or two aggregates, never one per row.
        assert queries_for(personas.system_admin) <= queries_for(personas.county_admin) + 2
        assert queries_for(personas.audit_admin) <= queries_for(personas.county_admin) + 2


@pytest.mark.django_db
class TestWhoMayEnterTheConsole:
    def test_a_visitor_is_sent_to_log_in(self, regions: None) -> None:
        response = Client().get(reverse("console:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_resident_is_sent_to_the_portal(self, personas: Personas) -> None:
        response = logged_in(personas.resident).get(reverse("console:home"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("portal:home")
        html = response.content.decode()
        assert "员工工作台仅供工作人员使用" in html
        assert 'class="console-nav"' not in html

    def test_a_resident_cannot_switch_jurisdiction(self, personas: Personas) -> None:
        client = logged_in(personas.resident)
        response = client.post(reverse("console:switch_jurisdiction"), {"region_code": "152201"})
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:home")
        assert "gongzhi_active_scope" not in client.session

    def test_a_staff_account_without_a_region_gets_403(self, personas: Personas) -> None:
        # No action leaves a staff account without a region; an operator's direct edit can.
        User.objects.filter(pk=personas.staff_b.pk).update(region=None, region_code="")
        response = logged_in(personas.staff_b).get(reverse("console:home"))
        assert response.status_code == 403
        assert "尚未设定辖区" in response.content.decode()
