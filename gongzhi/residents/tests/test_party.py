"""Party members (R2.1a): linked to a party organisation of their community and the grid
they serve in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.actions import do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.models import Grid, Region
from gongzhi.residents.actions import do_set_party_membership
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in

pytestmark = pytest.mark.django_db


def party_committee(code: str) -> Organisation:
    return do_save_organisation(
        Organisation(
            kind=OrganisationKind.PARTY_COMMITTEE,
            name=f"{code}社区党委",
            region=Region.objects.get(region_code=code),
        ),
        actor=None,
    )


def grid_in(code: str) -> Grid:
    return do_save_grid(
        Region.objects.get(region_code=code), name="第一网格", boundary=None, actor=None
    )


@pytest.fixture
def member(personas: Personas) -> Resident:
    return resident_in(household_in(COMMUNITY_A), name="王芳", political_status="中共党员")


class TestPartyMembership:
    def test_a_member_is_linked_to_the_party_organisation_and_grid_of_the_community(
        self, personas: Personas, member: Resident
    ) -> None:
        committee, grid = party_committee(COMMUNITY_A), grid_in(COMMUNITY_A)
        do_set_party_membership(
            member, party_organisation=committee, serving_grid=grid, actor=personas.staff_a
        )
        member.refresh_from_db()
        assert member.party_organisation == committee
        assert member.serving_grid == grid
        event = Event.objects.get(type=EventType.PARTY_MEMBERSHIP_SET)
        assert event.summary["fields"] == ["party_organisation", "serving_grid"]
        assert list(committee.party_members.all()) == [member]

    def test_it_refuses_a_party_organisation_of_another_community(
        self, personas: Personas, member: Resident
    ) -> None:
        elsewhere = party_committee(COMMUNITY_B)
        with pytest.raises(ValidationError) as raised:
            do_set_party_membership(member, party_organisation=elsewhere, actor=personas.staff_a)
        assert raised.value.message_dict["party_organisation"] == ["所在党组织须在居民所属社区内"]

    def test_it_refuses_an_organisation_that_is_not_a_party_organisation(
        self, personas: Personas, member: Resident
    ) -> None:
        committee = do_save_organisation(
            Organisation(
                kind=OrganisationKind.RESIDENTS_COMMITTEE,
                name="万佳社区居委会",
                region=Region.objects.get(region_code=COMMUNITY_A),
            ),
            actor=None,
        )
        with pytest.raises(ValidationError) as raised:
            do_set_party_membership(member, party_organisation=committee, actor=personas.staff_a)
        assert "party_organisation" in raised.value.message_dict

    def test_it_refuses_a_serving_grid_of_another_community(
        self, personas: Personas, member: Resident
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            do_set_party_membership(
                member,
                party_organisation=None,
                serving_grid=grid_in(COMMUNITY_B),
                actor=None,
            )
        assert "serving_grid" in raised.value.message_dict

    def test_it_refuses_someone_who_is_not_a_party_member(self, personas: Personas) -> None:
        citizen = resident_in(household_in(COMMUNITY_A), name="张伟", political_status="群众")
        with pytest.raises(ValidationError) as raised:
            do_set_party_membership(
                citizen, party_organisation=party_committee(COMMUNITY_A), actor=personas.staff_a
            )
        assert "political_status" in raised.value.message_dict


class TestPartyPages:
    def test_the_resident_page_links_the_party_form_for_party_members(
        self, personas: Personas, member: Resident
    ) -> None:
        page = client_for(personas.staff_a).get(reverse("residents:detail", args=[member.pk]))
        assert reverse("residents:party_membership", args=[member.pk]) in page.content.decode()

    def test_the_form_offers_only_the_party_organisations_of_the_community(
        self, personas: Personas, member: Resident
    ) -> None:
        mine, elsewhere = party_committee(COMMUNITY_A), party_committee(COMMUNITY_B)
        client = client_for(personas.staff_a)
        url = reverse("residents:party_membership", args=[member.pk])
        page = client.get(url).content.decode()
        assert mine.name in page
        assert elsewhere.name not in page
        response = client.post(url, {"party_organisation": mine.pk, "serving_grid": ""})
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.party_organisation == mine
