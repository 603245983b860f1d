"""村民委员会组织法 第三十二条: committee members and their close relatives may not serve on
the supervision committee. What the platform can check is listed in supervision.py."""

from __future__ import annotations

import pytest

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.disclosures.supervision import Candidate, are_close_relatives, bar_reasons
from gongzhi.disclosures.tests.conftest import Committees
from gongzhi.residents.actions import do_link_resident_account
from gongzhi.residents.tests.helpers import household_in, resident_in


@pytest.mark.parametrize(
    ("first", "second", "close"),
    [
        ("02", "10", True),  # householder and spouse
        ("12", "20", True),  # wife and son: mother and child
        ("20", "30", True),  # son and daughter: siblings
        ("02", "71", True),  # householder and elder brother
        ("20", "41", False),  # son and grandchild: parent or uncle — not guessed
        ("02", "99", False),  # not a relative
        ("02", "81", False),  # daughter-in-law: not a close relative in the Civil Code
    ],
)
def test_close_relatives_by_household_relationship(first: str, second: str, close: bool) -> None:
    assert are_close_relatives(first, second) is close


@pytest.mark.django_db
class TestBar:
    def test_a_committee_member_is_barred_by_account(self, committees: Committees) -> None:
        reasons = bar_reasons(Candidate("刘军", committees.committee_man.pk), COMMUNITY_A)
        assert reasons == [
            "刘军现任万佳社区居民委员会委员，居（村）民委员会成员不得担任监督委员会成员"
        ]

    def test_a_committee_member_is_barred_by_name_when_unlinked(
        self, committees: Committees
    ) -> None:
        assert bar_reasons(Candidate("刘军", None), COMMUNITY_A)

    def test_an_unrelated_resident_may_serve(self, committees: Committees) -> None:
        assert bar_reasons(Candidate("高娃", committees.supervisor.pk), COMMUNITY_A) == []

    def test_a_close_relative_in_the_same_household_is_barred(
        self, personas: Personas, committees: Committees
    ) -> None:
        household = household_in(COMMUNITY_A)
        husband = resident_in(household, name="刘军", relationship="户主")
        wife = resident_in(household, name="萨仁", relationship="妻子")
        do_link_resident_account(husband, committees.committee_man, actor=None)
        spouse = make_user("spouse", "resident", COMMUNITY_A, full_name="萨仁")
        do_link_resident_account(wife, spouse, actor=None)
        reasons = bar_reasons(Candidate("萨仁", spouse.pk), COMMUNITY_A)
        assert len(reasons) == 1
        assert "同户且为近亲属" in reasons[0]

    def test_the_bar_is_per_community(self, committees: Committees) -> None:
        assert bar_reasons(Candidate("刘军", committees.committee_man.pk), "152201002001") == []


@pytest.mark.django_db
def test_the_directory_refuses_a_barred_supervision_member(committees: Committees) -> None:
    """The bar holds where members are added (组织机构), not only at sign-off."""
    from django.core.exceptions import ValidationError

    from gongzhi.disclosures.tests.conftest import member

    with pytest.raises(ValidationError) as caught:
        member(committees.supervision_committee, "刘军", committees.committee_man)
    assert "不得担任监督委员会成员" in caught.value.message_dict["person_name"][0]
