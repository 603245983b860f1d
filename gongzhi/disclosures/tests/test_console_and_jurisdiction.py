"""Console pages and the API: staff of another jurisdiction get 404; the street sees flags;
the supervision member reviews in the portal; published disclosures are public in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import login
from gongzhi.disclosures.enums import Status
from gongzhi.disclosures.models import Disclosure
from gongzhi.disclosures.tests.conftest import Committees, draft_finances


def logged_in(user: Any) -> Client:
    client = Client()
    login(client, user)
    return client


@pytest.mark.django_db
class TestConsole:
    def test_staff_draft_through_the_form(self, personas: Personas) -> None:
        client = logged_in(personas.staff_a)
        response = client.post(
            reverse("disclosures:create"),
            {
                "community": COMMUNITY_A,
                "category": "finances",
                "period": "custom",
                "period_start": "2026-10-01",
                "period_end": "2026-10-31",
                "title": "十月财务",
                "line_item": ["办公经费", ""],
                "line_direction": ["income", "expense"],
                "line_amount": ["100.10", ""],
            },
        )
        assert response.status_code == 302
        d = Disclosure.objects.get(title="十月财务")
        assert d.lines.get().amount_fen == 10_010

    def test_form_errors_are_chinese_and_name_the_field(self, personas: Personas) -> None:
        client = logged_in(personas.staff_a)
        response = client.post(
            reverse("disclosures:create"),
            {
                "community": COMMUNITY_A,
                "category": "decisions",
                "period": "custom",
                "period_start": "2026-10-31",
                "period_end": "2026-10-01",
                "title": "x",
                "is_major": "on",
            },
        )
        html = response.content.decode()
        assert "公开期间的结束日期不能早于开始日期" in html
        assert "重大事项须填写决定日期" in html

    @pytest.mark.parametrize("name", ["detail", "edit"])
    def test_staff_of_another_community_get_404(self, personas: Personas, name: str) -> None:
        d = draft_finances(personas.staff_a)
        response = logged_in(personas.staff_b).get(reverse(f"disclosures:{name}", args=[d.pk]))
        assert response.status_code == 404

    def test_actions_outside_the_jurisdiction_are_404(self, personas: Personas) -> None:
        d = draft_finances(personas.staff_a)
        response = logged_in(personas.staff_b).post(reverse("disclosures:submit", args=[d.pk]))
        assert response.status_code == 404
        d.refresh_from_db()
        assert d.status == Status.DRAFT

    def test_the_street_sees_the_flags_page(self, personas: Personas) -> None:
        response = logged_in(personas.street_staff).get(reverse("disclosures:flags"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "未公开" in html
        assert "《中华人民共和国村民委员会组织法》（2018年修正）第三十条" in html

    def test_the_street_reads_but_does_not_draft(self, personas: Personas) -> None:
        client = logged_in(personas.street_staff)
        assert client.get(reverse("disclosures:index")).status_code == 200
        assert client.get(reverse("disclosures:create")).status_code == 403

    def test_the_supervisor_signs_off_in_the_portal(
        self, personas: Personas, committees: Committees
    ) -> None:
        from gongzhi.disclosures import actions

        d = actions.do_submit_disclosure(draft_finances(personas.staff_a), actor=personas.staff_a)
        client = logged_in(committees.supervisor)
        assert d.title in client.get(reverse("portal:disclosure_review_list")).content.decode()
        response = client.post(
            reverse("portal:disclosure_review", args=[d.pk]), {"decision": "sign"}
        )
        assert response.status_code == 302
        d.refresh_from_db()
        assert d.status == Status.SIGNED_OFF

    def test_a_resident_not_on_the_committee_cannot_open_the_review(
        self, personas: Personas, committees: Committees
    ) -> None:
        from gongzhi.disclosures import actions

        d = actions.do_submit_disclosure(draft_finances(personas.staff_a), actor=personas.staff_a)
        response = logged_in(personas.resident).get(
            reverse("portal:disclosure_review", args=[d.pk])
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestApi:
    def test_published_disclosures_need_no_token(self, published: Disclosure) -> None:
        response = Client().get(f"/api/v1/disclosures/public/{COMMUNITY_A}/{published.pk}")
        assert response.status_code == 200
        body = response.json()
        assert body["totals"] == {
            "income_fen": 1_200_000,
            "spending_fen": 158_575,
            "balance_fen": 1_041_425,
        }
        assert body["period_label"] == "2026年10月"

    def test_a_draft_is_404_in_the_public_api(self, personas: Personas) -> None:
        d = draft_finances(personas.staff_a)
        assert Client().get(f"/api/v1/disclosures/public/{COMMUNITY_A}/{d.pk}").status_code == 404

    def test_staff_of_another_community_get_404(self, personas: Personas) -> None:
        from gongzhi.accounts.actions import do_issue_api_token

        d = draft_finances(personas.staff_a)
        _, token = do_issue_api_token(personas.staff_b, actor=personas.staff_b)
        response = Client().get(f"/api/v1/disclosures/{d.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 404
