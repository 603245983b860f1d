"""do_save_organisation / do_deactivate_organisation: placement, fields, ledger."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_A, COMMUNITY_B
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.actions import do_deactivate_organisation, do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind, Post
from gongzhi.regions.models import Region

from .conftest import add_member, committee_of, make_branch, party_committee_of

K = OrganisationKind


@pytest.mark.django_db
class TestSaveOrganisation:
    def test_it_records_what_changed_in_the_ledger(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.phone = "0482-8266403"
        committee.posts_set = 7
        do_save_organisation(committee, actor=None)
        event = Event.objects.order_by("-seq").first()
        assert event is not None and event.type == EventType.ORGANISATION_SAVED
        assert event.object_id == str(committee.pk)
        assert event.region_code == COMMUNITY_A
        assert event.summary["changes"]["phone"] == ["", "0482-8266403"]
        assert event.summary["changes"]["posts_set"] == [None, 7]

    def test_it_refuses_an_invalid_credit_code(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.credit_code = "91350100M000100Y44"
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(committee, actor=None)
        assert "credit_code" in raised.value.message_dict

    def test_it_refuses_a_credit_code_used_by_another_organisation(self, seeded: None) -> None:
        first, second = committee_of(COMMUNITY_A), committee_of(COMMUNITY_B)
        first.credit_code = "91350100M000100Y43"
        do_save_organisation(first, actor=None)
        second.credit_code = "91350100m000100y43"
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(second, actor=None)
        assert "已被其他组织使用" in str(raised.value)

    def test_it_refuses_posts_outside_the_legal_size(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.posts_set = 11
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(committee, actor=None)
        assert "5 至 9" in raised.value.message_dict["posts_set"][0]

    def test_it_refuses_a_committee_at_a_township(self, seeded: None) -> None:
        township = Region.objects.get(region_code="152201001")
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(
                Organisation(kind=K.RESIDENTS_COMMITTEE, name="错位居委会", region=township),
                actor=None,
            )
        assert "嘎查村社区" in raised.value.message_dict["region"][0]

    def test_it_refuses_a_second_committee_in_a_community(self, seeded: None) -> None:
        community = Region.objects.get(region_code=COMMUNITY_A)
        with pytest.raises(ValidationError):
            do_save_organisation(
                Organisation(kind=K.VILLAGERS_COMMITTEE, name="第二委员会", region=community),
                actor=None,
            )

    def test_a_committee_may_become_a_residents_committee(self, seeded: None) -> None:
        committee = committee_of("152201100203")  # 三合村委会
        committee.kind = K.RESIDENTS_COMMITTEE
        committee.name = "三合社区居委会"
        do_save_organisation(committee, actor=None)
        committee.refresh_from_db()
        assert committee.kind == K.RESIDENTS_COMMITTEE

    def test_it_refuses_turning_a_committee_into_a_party_organisation(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.kind = K.PARTY_COMMITTEE
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(committee, actor=None)
        assert "kind" in raised.value.message_dict

    def test_it_refuses_moving_an_organisation_to_another_division(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.region = Region.objects.get(region_code="152201001004")
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(committee, actor=None)
        assert "region" in raised.value.message_dict


@pytest.mark.django_db
class TestDeactivateOrganisation:
    def test_it_ends_the_current_memberships(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        member = add_member(committee, Post.DIRECTOR, sex="2")
        do_deactivate_organisation(committee, actor=None)
        committee.refresh_from_db()
        member.refresh_from_db()
        assert committee.is_active is False
        assert member.end_date is not None and not member.is_current()
        event = Event.objects.order_by("-seq").first()
        assert event is not None and event.summary["deactivated"] is True
        assert event.summary["memberships_ended"] == 1

    def test_it_refuses_while_a_lower_tier_is_active(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        party = party_committee_of(COMMUNITY_A)
        make_branch(places["compound_1"], party)
        with pytest.raises(ValidationError) as raised:
            do_deactivate_organisation(party, actor=None)
        assert "下级组织" in str(raised.value)

    def test_a_deactivated_organisation_frees_its_place(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        do_deactivate_organisation(committee, actor=None)
        new = do_save_organisation(
            Organisation(
                kind=K.RESIDENTS_COMMITTEE, name="万佳社区居委会（新）", region=committee.region
            ),
            actor=None,
        )
        assert new.is_active
