"""do_save_member / do_end_membership: posts per kind, one holder of a single post, dates,
linked accounts, and what the ledger keeps."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.actions import do_end_membership, do_save_member
from gongzhi.organisations.models import Membership, Post

from .conftest import START, add_member, committee_of, party_committee_of


@pytest.mark.django_db
class TestMemberships:
    def test_a_member_scopes_like_its_organisation(self, seeded: None) -> None:
        member = add_member(committee_of(COMMUNITY_A), Post.DIRECTOR)
        assert member.region_code == COMMUNITY_A
        assert list(Membership.objects.within(COMMUNITY_B)) == []

    def test_it_refuses_a_post_the_kind_does_not_have(self, seeded: None) -> None:
        with pytest.raises(ValidationError) as raised:
            add_member(committee_of(COMMUNITY_A), Post.SECRETARY)
        assert "不设此职务" in raised.value.message_dict["post"][0]

    def test_a_party_organisation_has_a_secretary(self, seeded: None) -> None:
        member = add_member(party_committee_of(COMMUNITY_A), Post.SECRETARY)
        assert member.post_label == "书记"

    def test_a_gachas_director_is_the_gachada(self, seeded: None) -> None:
        member = add_member(committee_of("152221101200"), Post.DIRECTOR)
        assert member.post_label == "主任（嘎查达）"

    def test_it_refuses_a_second_director_while_the_first_is_in_office(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="现任主任")
        with pytest.raises(ValidationError) as raised:
            add_member(committee, Post.DIRECTOR, name="新主任")
        assert "现任主任" in raised.value.message_dict["post"][0]

    def test_a_new_director_may_start_when_the_old_one_has_left(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        old = add_member(committee, Post.DIRECTOR, name="前任主任")
        do_end_membership(old, end_date=datetime.date(2025, 1, 1), actor=None)
        new = add_member(committee, Post.DIRECTOR, name="新主任", start=datetime.date(2025, 1, 1))
        assert new.is_current() and not Membership.objects.get(pk=old.pk).is_current()

    def test_several_members_share_the_member_post(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.MEMBER, name="甲")
        add_member(committee, Post.MEMBER, name="乙")
        assert committee.memberships.current().count() == 2

    def test_it_refuses_an_end_before_the_start(self, seeded: None) -> None:
        member = add_member(committee_of(COMMUNITY_A))
        with pytest.raises(ValidationError) as raised:
            do_end_membership(member, end_date=START - datetime.timedelta(days=1), actor=None)
        assert "不能早于任职日期" in raised.value.message_dict["end_date"][0]

    def test_it_refuses_ending_a_membership_twice(self, seeded: None) -> None:
        member = add_member(committee_of(COMMUNITY_A))
        do_end_membership(member, end_date=datetime.date(2025, 1, 1), actor=None)
        with pytest.raises(ValidationError):
            do_end_membership(member, end_date=datetime.date(2025, 2, 1), actor=None)

    def test_ending_records_member_removed(self, seeded: None) -> None:
        member = add_member(committee_of(COMMUNITY_A), Post.DEPUTY_DIRECTOR)
        do_end_membership(member, end_date=datetime.date(2025, 1, 1), actor=None)
        event = Event.objects.order_by("-seq").first()
        assert event is not None and event.type == EventType.MEMBER_REMOVED
        assert event.summary == {
            "organisation": member.organisation_id,
            "post": Post.DEPUTY_DIRECTOR,
            "end_date": "2025-01-01",
        }

    def test_the_ledger_keeps_no_members_name(self, seeded: None) -> None:
        add_member(committee_of(COMMUNITY_A), Post.MEMBER, name="乌日娜")
        event = Event.objects.order_by("-seq").first()
        assert event is not None and event.type == EventType.MEMBER_SAVED
        assert "乌日娜" not in str(event.summary)

    def test_it_links_an_account_of_the_jurisdiction(
        self, personas: Personas, seeded: None
    ) -> None:
        member = Membership(
            organisation=committee_of(COMMUNITY_A),
            person_name="张丽",
            post=Post.DIRECTOR,
            sex="2",
            start_date=START,
            is_local_resident=True,
            user=personas.staff_a,
        )
        do_save_member(member, actor=personas.street_staff)
        assert list(personas.staff_a.memberships.all()) == [member]

    def test_it_refuses_linking_an_account_outside_the_jurisdiction(
        self, personas: Personas, seeded: None
    ) -> None:
        member = Membership(
            organisation=committee_of(COMMUNITY_A),
            person_name="王强",
            post=Post.MEMBER,
            sex="1",
            start_date=START,
            user=personas.staff_b,
        )
        with pytest.raises(ValidationError) as raised:
            do_save_member(member, actor=personas.staff_a)
        assert "user" in raised.value.message_dict

    def test_it_refuses_an_unknown_ethnicity_code(self, seeded: None) -> None:
        member = Membership(
            organisation=committee_of(COMMUNITY_A),
            person_name="某人",
            post=Post.MEMBER,
            sex="1",
            ethnicity="99",
            start_date=START,
        )
        with pytest.raises(ValidationError) as raised:
            do_save_member(member, actor=None)
        assert "ethnicity" in raised.value.message_dict
