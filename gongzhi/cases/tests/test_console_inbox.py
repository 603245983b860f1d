"""The console's inboxes (工作台/办件): the six boxes by role with their counts, keyset
pages in a constant number of queries, filters, search by number, and who may enter
(R3.2e 一窗受理, R4.3b supervision; GB/T 30428 workflow boxes)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases import actions, queries
from gongzhi.cases.enums import Channel
from gongzhi.cases.sweep import do_sweep_cases
from gongzhi.cases.tests.conftest import MONDAY, handling_case, submit

pytestmark = pytest.mark.django_db
INBOX = reverse("cases:inbox")


def text(response: Any) -> str:
    return str(response.content.decode())


class TestWhoMayEnter:
    @pytest.mark.parametrize(
        "persona", ["grid_worker", "staff_a", "staff_b", "street_staff", "county_admin"]
    )
    def test_every_case_worker_sees_the_six_boxes(self, world: Personas, persona: str) -> None:
        page = text(client_for(getattr(world, persona)).get(INBOX))
        for label in ("待受理", "待派遣", "办理中", "待核查", "即将超期", "已超期"):
            assert label in page

    @pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
    def test_the_three_administrators_are_refused(self, world: Personas, persona: str) -> None:
        assert client_for(getattr(world, persona)).get(INBOX).status_code == 403

    def test_a_resident_is_sent_to_the_portal(self, world: Personas) -> None:
        response = client_for(world.resident).get(INBOX)
        assert response.status_code == 302 and response["Location"] == reverse("portal:home")

    def test_the_console_menu_offers_cases_to_case_workers_only(self, world: Personas) -> None:
        assert "办件" in text(client_for(world.staff_a).get(reverse("console:home")))
        home = text(client_for(world.audit_admin).get(reverse("console:home")))
        assert reverse("cases:inbox") not in home


class TestBoxes:
    def test_a_new_case_waits_in_its_communitys_box_with_its_count(self, world: Personas) -> None:
        case = submit(world.resident, title="楼下垃圾")
        page = text(client_for(world.staff_a).get(INBOX, {"box": "submitted"}))
        assert case.number in page and "楼下垃圾" in page
        assert '<span class="cc-tab-count">1</span>' in page
        # Shown with what the user may do on it, and a light that says its state in words.
        assert "受理" in page and "cc-light" in page

    def test_another_community_does_not_see_it(self, world: Personas) -> None:
        case = submit(world.resident)
        page = text(client_for(world.staff_b).get(INBOX, {"box": "submitted"}))
        assert case.number not in page

    def test_the_default_box_is_the_first_with_work(self, world: Personas) -> None:
        case = handling_case(world)
        page = text(client_for(world.staff_a).get(INBOX))
        assert case.number in page

    def test_the_overdue_box_lists_overdue_cases(self, world: Personas) -> None:
        case = submit(world.resident)
        do_sweep_cases()  # the fixed Monday is long past: the acceptance deadline is overdue
        case.refresh_from_db()
        page = text(client_for(world.staff_a).get(INBOX, {"box": "overdue"}))
        assert case.number in page and "已超期" in page

    def test_an_unknown_box_falls_back_to_a_real_one(self, world: Personas) -> None:
        assert client_for(world.staff_a).get(INBOX, {"box": "nonsense"}).status_code == 200

    def test_filters_by_category_and_channel(self, world: Personas) -> None:
        garbage = submit(world.resident)
        lamp = submit(world.staff_a, "street-lamp", channel=Channel.HOTLINE)
        client = client_for(world.staff_a)
        page = text(client.get(INBOX, {"box": "submitted", "category": "street-lamp"}))
        assert lamp.number in page and garbage.number not in page
        page = text(client.get(INBOX, {"box": "submitted", "channel": Channel.PORTAL}))
        assert garbage.number in page and lamp.number not in page

    def test_search_by_number_opens_the_case(self, world: Personas) -> None:
        case = submit(world.resident)
        response = client_for(world.staff_a).get(INBOX, {"number": case.number})
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:detail", args=[case.pk])

    def test_search_by_a_number_outside_the_jurisdiction_finds_nothing(
        self, world: Personas
    ) -> None:
        case = submit(world.resident)
        response = client_for(world.staff_b).get(INBOX, {"number": case.number}, follow=True)
        assert "在您的辖区内没有编号为" in text(response)


class TestPages:
    def test_pages_go_by_keyset_in_a_constant_number_of_queries(
        self, world: Personas, django_assert_max_num_queries: Any, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(queries, "PAGE_SIZE", 5)
        numbers = [
            actions.do_submit_case(
                category="exposed-garbage",
                community=COMMUNITY_A,
                description=f"第 {n} 处垃圾",
                actor=world.resident,
                now=MONDAY,
            ).number
            for n in range(12)
        ]
        client = client_for(world.staff_a)
        client.get(INBOX)  # warm the session and caches
        with django_assert_max_num_queries(16):
            first = text(client.get(INBOX, {"box": "submitted"}))
        newest_first = list(reversed(numbers))
        assert all(n in first for n in newest_first[:5])
        assert newest_first[5] not in first
        cursor = first.split("after=")[1].split('"')[0]
        with django_assert_max_num_queries(16):
            second = text(client.get(INBOX + f"?box=submitted&after={cursor}"))
        assert all(n in second for n in newest_first[5:10])
        assert newest_first[0] not in second and "回到第一页" in second

    def test_a_page_of_many_cases_costs_what_a_page_of_one_does(
        self, world: Personas, django_assert_max_num_queries: Any
    ) -> None:
        for n in range(30):
            submit(world.resident, description=f"第 {n} 处")
        client = client_for(world.staff_a)
        client.get(INBOX)
        with django_assert_max_num_queries(16):
            page = text(client.get(INBOX, {"box": "submitted"}))
        assert page.count('class="cc-light ') == 30

    def test_a_bad_cursor_is_the_first_page(self, world: Personas) -> None:
        case = submit(world.resident)
        page = text(client_for(world.staff_a).get(INBOX, {"box": "overdue", "after": "x~y"}))
        assert "这里暂时没有办件" in page or case.number in page
