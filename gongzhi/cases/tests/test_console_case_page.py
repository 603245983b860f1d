"""The case page in the console: every fact, masked personal data (DESIGN rule 4), the
full timeline with internal notes for staff, the steps the user may take now, and 404
outside the jurisdiction (R3.2e 首问负责, R4.3b)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases import actions
from gongzhi.cases.enums import Channel
from gongzhi.cases.tests.conftest import handling_case, submit
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def text(response: Any) -> str:
    return str(response.content.decode())


def detail(case: Any) -> str:
    return str(reverse("cases:detail", args=[case.pk]))


def window_case(world: Personas, **extra: Any) -> Any:
    extra.setdefault("reporter_name", "乌云其其格")
    extra.setdefault("reporter_phone", PHONE)
    return submit(world.staff_a, channel=Channel.WINDOW, **extra)


class TestWhoSeesIt:
    @pytest.mark.parametrize("persona", ["grid_worker", "staff_a", "street_staff", "county_admin"])
    def test_staff_of_the_place_see_the_case(self, world: Personas, persona: str) -> None:
        case = submit(world.resident)
        response = client_for(getattr(world, persona)).get(detail(case))
        assert response.status_code == 200 and case.number in text(response)

    def test_staff_of_another_community_get_404(self, world: Personas) -> None:
        case = submit(world.resident)
        assert client_for(world.staff_b).get(detail(case)).status_code == 404

    @pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
    def test_administrators_get_404(self, world: Personas, persona: str) -> None:
        case = submit(world.resident)
        assert client_for(getattr(world, persona)).get(detail(case)).status_code == 404

    def test_an_unknown_case_is_404(self, world: Personas) -> None:
        assert client_for(world.staff_a).get("/console/cases/999999/").status_code == 404


class TestFacts:
    def test_it_shows_place_commitment_deadline_and_people(self, world: Personas) -> None:
        case = window_case(world, address="兴安路 1 号", agent=world.staff_a)
        page = text(client_for(world.staff_a).get(detail(case)))
        for fact in (
            case.number,
            "暴露垃圾",
            "万佳社区",
            "兴安路 1 号",
            "受理 2 工作小时内，办结 3 工作日内",
            "首问责任人",
            "张丽",  # first-responsible and agent
            "窗口",
            "cc-light",
        ):
            assert fact in page

    def test_the_phone_is_masked_and_never_in_the_page(self, world: Personas) -> None:
        case = window_case(world)
        page = text(client_for(world.grid_worker).get(detail(case)))
        assert PHONE not in page and "138****5678" in page
        # A grid worker may not unmask: the name is masked too, no button.
        assert "乌云其其格" not in page and "乌**格" in page
        assert "显示完整号码" not in page

    def test_community_staff_unmask_the_phone_and_the_ledger_records_it(
        self, world: Personas
    ) -> None:
        case = window_case(world)
        client = client_for(world.staff_a)
        page = text(client.get(detail(case)))
        assert "乌云其其格" in page and PHONE not in page and "显示完整号码" in page
        response = client.post(reverse("cases:unmask", args=[case.pk]))
        assert PHONE in text(response) and response["Cache-Control"] == "no-store"
        event = Event.objects.filter(type=EventType.PII_UNMASKED).latest("seq")
        assert event.summary == {"field": "reporter_phone", "number": case.number}

    def test_a_grid_worker_cannot_unmask(self, world: Personas) -> None:
        case = window_case(world)
        response = client_for(world.grid_worker).post(reverse("cases:unmask", args=[case.pk]))
        assert response.status_code == 403
        assert not Event.objects.filter(type=EventType.PII_UNMASKED).exists()

    def test_staff_see_internal_notes_on_the_timeline(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        actions.do_dispatch_case(
            case, actor=world.staff_a, region_code=case.community.region_code, note="请尽快处理"
        )
        page = text(client_for(world.staff_a).get(detail(case)))
        assert "请尽快处理" in page and "仅内部可见" in page
        steps = page.split('class="cc-timeline"')[1]
        assert steps.index("提交") < steps.index("受理") < steps.index("派遣")


class TestOfferedSteps:
    def test_community_staff_are_offered_accept_and_refuse(self, world: Personas) -> None:
        case = submit(world.resident)
        page = text(client_for(world.staff_a).get(detail(case)))
        assert reverse("cases:action", args=[case.pk, "accept"]) in page
        assert reverse("cases:action", args=[case.pk, "refuse"]) in page
        assert reverse("cases:action", args=[case.pk, "dispatch"]) not in page

    def test_a_grid_worker_is_offered_nothing_on_a_new_case(self, world: Personas) -> None:
        case = submit(world.resident)
        page = text(client_for(world.grid_worker).get(detail(case)))
        assert "/steps/" not in page

    def test_the_handler_is_offered_feedback_and_the_township_may_defer(
        self, world: Personas
    ) -> None:
        case = handling_case(world)
        staff_page = text(client_for(world.staff_a).get(detail(case)))
        assert reverse("cases:action", args=[case.pk, "feedback"]) in staff_page
        assert reverse("cases:action", args=[case.pk, "defer"]) not in staff_page
        street_page = text(client_for(world.street_staff).get(detail(case)))
        assert reverse("cases:action", args=[case.pk, "defer"]) in street_page

    def test_the_dispatch_form_suggests_the_categorys_department(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        page = text(client_for(world.staff_a).get(detail(case)))
        assert "责任层级（辖区）" in page and "万佳社区" in page and "承办人" in page
