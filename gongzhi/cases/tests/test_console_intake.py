"""Taking cases in from the console: 一窗受理 with the category's typed extra fields, a
linked resident and 全程代办 (R3.2e, R3.6b), the printable receipt (受理回执), and the
grid worker's event report with a point placed in its grid (R3.1e)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases.enums import Channel
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import submit
from gongzhi.ledger.models import Event
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.models import Region
from gongzhi.residents.actions import do_link_resident_account
from gongzhi.residents.tests.helpers import household_in, resident_in

pytestmark = pytest.mark.django_db
WINDOW = reverse("cases:window")
REPORT = reverse("cases:report")
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.05, 46.08], [122.06, 46.08], [122.06, 46.09], [122.05, 46.09], [122.05, 46.08]]
    ],
}


def text(response: Any) -> str:
    return str(response.content.decode())


def community_pk(code: str = COMMUNITY_A) -> int:
    return int(Region.objects.get(region_code=code).pk)


def window_data(**extra: Any) -> dict[str, Any]:
    data = {
        "category": "residence-certificate",
        "description": "为孩子入学开具居住证明",
        "community": community_pk(),
        "urgency": "normal",
        "channel": Channel.WINDOW,
        "reporter_name": "乌云其其格",
        "reporter_phone": "13812345678",
        "attr_purpose": "school",
    }
    data.update(extra)
    return data


class TestWindowPage:
    @pytest.mark.parametrize("persona", ["staff_a", "street_staff", "county_admin"])
    def test_case_staff_open_the_window_form(self, world: Personas, persona: str) -> None:
        page = text(client_for(getattr(world, persona)).get(WINDOW))
        assert "一窗受理" in page and "全程代办" in page
        assert "<optgroup" in page and "居住证明" in page

    @pytest.mark.parametrize("persona", ["grid_worker", "system_admin"])
    def test_others_are_refused(self, world: Personas, persona: str) -> None:
        assert client_for(getattr(world, persona)).get(WINDOW).status_code == 403

    def test_choosing_a_category_shows_its_commitment_documents_and_fields(
        self, world: Personas
    ) -> None:
        client = client_for(world.staff_a)
        fragment = text(
            client.get(reverse("cases:category_fields"), {"category": "minimum-living-allowance"})
        )
        assert "受理 1 工作日内，办结 30 工作日内" in fragment
        assert "家庭收入和财产状况声明" in fragment
        assert 'name="attr_household_size"' in fragment and 'type="number"' in fragment
        page = text(client.get(WINDOW, {"category": "disability-subsidies"}))
        assert 'type="checkbox" name="attr_subsidy"' in page

    def test_only_communities_of_the_jurisdiction_are_offered(self, world: Personas) -> None:
        page = text(client_for(world.staff_a).get(WINDOW))
        assert "万佳社区" in page and "红云社区" not in page


class TestRegistering:
    def test_it_registers_with_attributes_and_shows_the_receipt(self, world: Personas) -> None:
        client = client_for(world.staff_a)
        response = client.post(WINDOW, window_data(as_agent="on"))
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:receipt", args=[case.pk])
        assert case.attributes == {"purpose": "school"}
        assert case.channel == Channel.WINDOW
        assert case.first_responsible == world.staff_a and case.agent == world.staff_a
        assert case.reporter_phone_masked == "138****5678"
        receipt = text(client.get(response["Location"]))
        assert case.number in receipt and "受理回执" in receipt
        assert "受理 4 工作小时内，办结 1 工作日内" in receipt
        assert "户口簿或房产证、租房合同" in receipt and "data-print" in receipt
        assert "13812345678" not in receipt and "乌云其其格" not in receipt

    def test_a_missing_required_attribute_is_named_in_chinese(self, world: Personas) -> None:
        before = (Case.objects.count(), Event.objects.count())
        response = client_for(world.staff_a).post(WINDOW, window_data(attr_purpose=""))
        page = text(response)
        assert response.status_code == 200
        assert "请填写“证明用途”" in page
        assert (Case.objects.count(), Event.objects.count()) == before

    def test_typed_attributes_are_checked(self, world: Personas) -> None:
        data = window_data(
            category="minimum-living-allowance",
            attr_household_size="三口人",
            attr_monthly_income="1200",
        )
        page = text(client_for(world.staff_a).post(WINDOW, data))
        assert "“共同生活家庭成员人数”须为数字" in page
        assert not Case.objects.exists()

    def test_multivalue_attributes_are_saved_as_lists(self, world: Personas) -> None:
        data = window_data(category="disability-subsidies", attr_subsidy=["living", "care"])
        client_for(world.staff_a).post(WINDOW, data)
        assert Case.objects.get().attributes == {"subsidy": ["living", "care"]}

    def test_every_field_error_at_once(self, world: Personas) -> None:
        page = text(
            client_for(world.staff_a).post(
                WINDOW, window_data(description="", reporter_phone="12ab", attr_purpose="")
            )
        )
        for message in ("请填写具体内容", "联系电话须为", "请填写“证明用途”"):
            assert message in page

    def test_a_community_outside_the_jurisdiction_is_not_a_choice(self, world: Personas) -> None:
        page = text(
            client_for(world.staff_a).post(WINDOW, window_data(community=community_pk(COMMUNITY_B)))
        )
        assert "选择一个有效的选项" in page and not Case.objects.exists()

    def test_it_links_a_registered_resident_and_their_account(self, world: Personas) -> None:
        household = household_in(COMMUNITY_A)
        resident = resident_in(household, name="乌云", phone="13900001111")
        do_link_resident_account(resident, world.resident, actor=None)
        client = client_for(world.staff_a)
        found = text(client.get(reverse("cases:resident_lookup"), {"resident_q": "乌云"}))
        assert f'value="{resident.pk}"' in found and resident.id_number_masked in found
        client.post(WINDOW, window_data(resident=resident.pk, reporter_name=""))
        case = Case.objects.get()
        assert case.resident == resident and case.reporter == world.resident
        assert case.reporter_name == "乌云"

    def test_a_resident_of_another_community_cannot_be_linked(self, world: Personas) -> None:
        resident = resident_in(household_in(COMMUNITY_B), name="王五")
        page = text(client_for(world.staff_a).post(WINDOW, window_data(resident=resident.pk)))
        assert "关联的居民不在您的辖区内" in page and not Case.objects.exists()

    def test_the_receipt_is_404_outside_the_jurisdiction(self, world: Personas) -> None:
        case = submit(world.resident)
        url = reverse("cases:receipt", args=[case.pk])
        assert client_for(world.staff_b).get(url).status_code == 404
        assert client_for(world.staff_a).get(url).status_code == 200


class TestGridReport:
    def test_a_grid_worker_opens_the_mobile_report_form(self, world: Personas) -> None:
        page = text(client_for(world.grid_worker).get(REPORT))
        assert "使用我的位置" in page and "js/case_report.js" in page
        assert "暴露垃圾" in page and "居住证明" not in page  # events only

    def test_a_point_is_placed_in_its_grid(self, world: Personas) -> None:
        grid = do_save_grid(
            Region.objects.get(region_code=COMMUNITY_A), name="一网格", boundary=SQUARE, actor=None
        )
        response = client_for(world.grid_worker).post(
            REPORT,
            {
                "category": "manhole-cover",
                "description": "井盖缺失",
                "lon": "122.055",
                "lat": "46.085",
                "urgency": "urgent",
            },
        )
        case = Case.objects.get()
        assert response.status_code == 302
        assert case.grid == grid and case.region_code == grid.region_code
        assert case.channel == Channel.GRID_PATROL and case.reporter == world.grid_worker
        page = text(client_for(world.grid_worker).get(response["Location"]))
        assert "一网格" in page

    def test_a_point_outside_the_league_is_refused_beside_the_fields(self, world: Personas) -> None:
        page = text(
            client_for(world.grid_worker).post(
                REPORT,
                {
                    "category": "manhole-cover",
                    "description": "井盖",
                    "lon": "116.4",
                    "lat": "39.9",
                    "urgency": "normal",
                },
            )
        )
        assert "标出的位置不在本盟范围内" in page and not Case.objects.exists()

    def test_without_a_point_the_community_places_it(self, world: Personas) -> None:
        client_for(world.grid_worker).post(
            REPORT,
            {
                "category": "street-lamp",
                "description": "路灯不亮",
                "community": community_pk(),
                "urgency": "normal",
            },
        )
        assert Case.objects.get().region_code == COMMUNITY_A

    def test_residents_and_administrators_cannot_report(self, world: Personas) -> None:
        assert client_for(world.audit_admin).get(REPORT).status_code == 403
        assert client_for(world.resident).get(REPORT).status_code == 302
