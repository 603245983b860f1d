"""我的家庭档案: a resident sees their own household (masked) and who unmasked their data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import login
from gongzhi.cases.seed import seed_categories
from gongzhi.console.tests.a11y import assert_accessible
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.actions import do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.models import Region
from gongzhi.residents.actions import do_unmask_resident
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db

OWN_ID = new_id(date(1975, 8, 9), sex="2")
OWN_PHONE = "13812345678"


def page(user: Any) -> str:
    client = Client()
    login(client, user)
    response = client.get(reverse("portal:my_household"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def family(personas: Personas) -> dict[str, Any]:
    home = household_in(COMMUNITY_A)
    husband = resident_in(home, name="张建国", phone="13900002222")
    own = resident_in(home, name="乌云", relationship="配偶", id_number=OWN_ID, phone=OWN_PHONE)
    Resident.objects.filter(pk=own.pk).update(user=personas.resident)
    neighbour = resident_in(household_in(COMMUNITY_A), name="李邻居")
    stranger = resident_in(household_in(COMMUNITY_B), name="王远方")
    return {"own": own, "husband": husband, "neighbour": neighbour, "stranger": stranger}


class TestMyHousehold:
    def test_a_visitor_is_sent_to_log_in(self, regions: None) -> None:
        response = Client().get(reverse("portal:my_household"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next=/portal/me/household/"

    def test_the_resident_sees_their_own_household_masked(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        html = page(personas.resident)
        assert family["own"].household.number in html
        assert "张建国" in html and "乌云" in html
        assert "户主" in html and "配偶" in html
        assert family["own"].id_number_masked in html
        assert family["husband"].id_number_masked in html
        assert "138****5678" in html
        assert OWN_ID not in html and OWN_PHONE not in html
        assert "13900002222" not in html

    def test_the_resident_sees_no_other_household(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        html = page(personas.resident)
        assert "李邻居" not in html
        assert "王远方" not in html

    def test_the_views_list_shows_unmaskings_of_their_record_only(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        do_unmask_resident(family["own"], field="id_number", actor=personas.staff_a)
        do_unmask_resident(family["husband"], field="phone", actor=personas.staff_a)
        do_unmask_resident(family["stranger"], field="phone", actor=personas.staff_b)
        html = page(personas.resident)
        views = html.split('id="views-title"', 1)[1].split("</section>", 1)[0]
        assert views.count("<li>") == 1
        assert "查看了您的完整证件号码" in views
        assert "查看了您的完整电话号码" not in views
        assert "社区工作者" in views
        assert "万佳社区居委会" in views
        # PIPL transparency names the role and the place, not the staff member's account.
        assert "staff_a" not in html
        assert "张丽" not in html

    def test_without_any_unmasking_it_says_so(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        assert "还没有工作人员查看过您的完整证件号码或电话号码。" in page(personas.resident)
        assert not Event.objects.filter(type=EventType.PII_UNMASKED).exists()

    def test_an_account_without_a_record_is_told_to_contact_the_community(
        self, personas: Personas
    ) -> None:
        html = page(personas.resident)
        assert "您的账号还没有关联居民档案" in html
        assert "社区居委会" in html
        assert "家庭成员" not in html

    def test_correction_links_to_the_online_application_and_keeps_the_office(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        """R3.6b: 居民信息更正 is a real application, one link per member of the household."""
        seed_categories()
        committee = Organisation(
            kind=OrganisationKind.RESIDENTS_COMMITTEE,
            name="万佳社区居民委员会",
            region=Region.objects.get(region_code=COMMUNITY_A),
            phone="0482-8881234",
            address="万佳社区服务中心一楼",
        )
        do_save_organisation(committee, actor=None)
        html = page(personas.resident)
        correction = html.split('id="correction-title"', 1)[1].split("</section>", 1)[0]
        apply = reverse("portal:apply", args=["resident-information-correction"])
        assert f'href="{apply}?member={family["own"].pk}"' in correction
        assert f'href="{apply}?member={family["husband"].pk}"' in correction
        assert "我本人的信息有误" in correction and "张建国的信息有误" in correction
        assert "0482-8881234" in correction
        assert "万佳社区服务中心一楼" in correction
        assert "在线申请更正将随" not in correction

    def test_without_the_correction_category_it_points_to_the_office(
        self, personas: Personas, family: dict[str, Any]
    ) -> None:
        html = page(personas.resident)
        correction = html.split('id="correction-title"', 1)[1].split("</section>", 1)[0]
        assert "到社区居委会" in correction
        assert "?member=" not in correction

    def test_the_page_is_accessible(self, personas: Personas, family: dict[str, Any]) -> None:
        do_unmask_resident(family["own"], field="phone", actor=personas.staff_a)
        assert_accessible(page(personas.resident))

    def test_the_no_record_page_is_accessible(self, personas: Personas) -> None:
        assert_accessible(page(personas.resident))

    def test_me_links_to_the_household_page(self, personas: Personas) -> None:
        client = Client()
        login(client, personas.resident)
        html = client.get(reverse("portal:me")).content.decode()
        assert f'href="{reverse("portal:my_household")}"' in html


class TestDemoLink:
    def test_it_links_the_demo_account_to_a_family_once(self, regions: None) -> None:
        from gongzhi.accounts.demo import create_demo_accounts
        from gongzhi.residents.portal import link_demo_resident_account

        create_demo_accounts()
        alone = resident_in(household_in(COMMUNITY_A), name="独居者")
        family_home = household_in(COMMUNITY_A)
        first = resident_in(family_home, name="户主甲")
        resident_in(family_home, name="配偶乙", relationship="配偶")
        resident_in(household_in(COMMUNITY_B), name="别处丙")

        linked = link_demo_resident_account()
        assert linked is not None
        assert linked.pk == first.pk
        assert linked.user is not None and linked.user.username == "demo_resident"
        assert Resident.objects.get(pk=alone.pk).user is None
        events = Event.objects.filter(
            type=EventType.RESIDENT_ACCOUNT_LINKED, object_id=str(first.pk), actor__isnull=True
        )
        assert events.count() == 1

        again = link_demo_resident_account()
        assert again is not None and again.pk == first.pk
        assert events.count() == 1
        assert Resident.objects.filter(user__username="demo_resident").count() == 1

        html = page(linked.user)
        assert "户主甲" in html and "配偶乙" in html

    def test_without_the_demo_account_it_does_nothing(self, regions: None) -> None:
        from gongzhi.residents.portal import link_demo_resident_account

        home = household_in(COMMUNITY_A)
        resident_in(home, name="户主甲")
        resident_in(home, name="配偶乙", relationship="配偶")
        assert link_demo_resident_account() is None
        assert not Resident.objects.filter(user__isnull=False).exists()
