"""composition_warnings(): each rule of a committee's composition shows as a Chinese warning."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import COMMUNITY_A
from gongzhi.organisations.actions import do_end_membership, do_save_organisation
from gongzhi.organisations.composition import composition_warnings
from gongzhi.organisations.models import Organisation, Post

from .conftest import add_member, committee_of, party_committee_of

FEMALE, MALE = "2", "1"


def sound_committee() -> Organisation:
    """万佳社区居委会 with 5 members: local director, local members, a woman."""
    committee = committee_of(COMMUNITY_A)
    add_member(committee, Post.DIRECTOR, name="主任甲", local=True, sex=FEMALE)
    add_member(committee, Post.DEPUTY_DIRECTOR, name="副主任乙", local=True)
    add_member(committee, Post.MEMBER, name="委员丙", local=False)
    add_member(committee, Post.MEMBER, name="委员丁", local=False)
    add_member(committee, Post.MEMBER, name="委员戊", local=False)
    return committee


def warnings_about(committee: Organisation, word: str) -> list[str]:
    return [warning for warning in composition_warnings(committee) if word in warning]


@pytest.mark.django_db
class TestCompositionWarnings:
    def test_a_sound_committee_has_no_warnings(self, seeded: None) -> None:
        assert composition_warnings(sound_committee()) == []

    def test_it_warns_when_there_is_no_director(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.MEMBER, name="委员甲", sex=FEMALE)
        assert warnings_about(committee, "未配备主任")

    def test_it_warns_when_the_director_is_not_a_local_resident(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="外来主任", local=False, sex=FEMALE)
        add_member(committee, Post.MEMBER, name="本地委员", local=True)
        found = warnings_about(committee, "不是本社区居民")
        assert found and "外来主任" in found[0] and "R2.3d" in found[0]

    def test_it_warns_when_no_member_besides_the_director_is_local(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="本地主任", local=True, sex=FEMALE)
        for name in ("甲", "乙", "丙", "丁"):
            add_member(committee, Post.MEMBER, name=f"委员{name}", local=False)
        found = warnings_about(committee, "除主任外")
        assert found and "R2.3d" in found[0]

    def test_a_local_director_does_not_count_as_the_local_member(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="本地主任", local=True, sex=FEMALE)
        assert warnings_about(committee, "除主任外")

    def test_it_warns_when_members_fall_short_of_the_posts_set(self, seeded: None) -> None:
        committee = sound_committee()
        committee.posts_set = 7
        do_save_organisation(committee, actor=None)
        found = warnings_about(committee, "核定职数")
        assert found and "5 人" in found[0] and "7 人" in found[0]

    def test_it_warns_when_members_exceed_the_posts_set(self, seeded: None) -> None:
        committee = sound_committee()
        committee.posts_set = 5
        do_save_organisation(committee, actor=None)
        add_member(committee, Post.MEMBER, name="第六人")
        assert warnings_about(committee, "与核定职数 5 人不符")

    def test_without_posts_set_it_warns_outside_the_legal_size(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="主任", local=True, sex=FEMALE)
        add_member(committee, Post.MEMBER, name="委员", local=True)
        found = warnings_about(committee, "法定")
        assert found and "5–9" in found[0]

    def test_grid_heads_and_staff_do_not_count_as_members(self, seeded: None) -> None:
        committee = sound_committee()
        add_member(committee, Post.GRID_HEAD, name="网格长")
        add_member(committee, Post.STAFF, name="专职工作者")
        assert composition_warnings(committee) == []

    def test_it_warns_when_there_is_no_woman(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="主任", local=True, sex=MALE)
        add_member(committee, Post.MEMBER, name="委员", local=True, sex=MALE)
        assert warnings_about(committee, "没有女性")

    def test_a_member_who_left_no_longer_counts(self, seeded: None) -> None:
        committee = sound_committee()
        woman = committee.memberships.get(person_name="主任甲")
        do_end_membership(woman, end_date=datetime.date(2025, 1, 1), actor=None)
        assert warnings_about(committee, "未配备主任")
        assert warnings_about(committee, "没有女性")

    def test_it_warns_when_the_term_has_ended(self, seeded: None) -> None:
        committee = sound_committee()
        committee.term_start = datetime.date(2016, 4, 1)
        committee.term_end = datetime.date(2021, 3, 31)
        do_save_organisation(committee, actor=None)
        found = warnings_about(committee, "届满")
        assert found and "2021年3月31日" in found[0]

    def test_it_has_nothing_to_say_about_a_party_organisation(self, seeded: None) -> None:
        assert composition_warnings(party_committee_of(COMMUNITY_A)) == []

    def test_it_runs_two_queries(self, seeded: None, django_assert_num_queries: Any) -> None:
        """The members, and the rules in force (DESIGN rule 5) in one more."""
        committee = sound_committee()
        with django_assert_num_queries(2):
            composition_warnings(committee)
