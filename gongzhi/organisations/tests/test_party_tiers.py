"""R2.1a "小三级": a branch sits at a compound under its community's party committee, a
group at a building under its compound's branch; R2.1c attachments."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_A, COMMUNITY_B
from gongzhi.organisations.actions import do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind

from .conftest import committee_of, make_branch, party_committee_of

K = OrganisationKind


def save(**fields: Any) -> Organisation:
    return do_save_organisation(Organisation(**fields), actor=None)


def errors_of(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return raised.value.message_dict


@pytest.mark.django_db
class TestPartyTiers:
    def test_a_branch_sits_at_its_compound_under_the_community_party_committee(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        branch = make_branch(places["compound_1"], party_committee_of(COMMUNITY_A))
        assert branch.region_code == places["compound_1"].region_code
        assert branch.region == places["community_a"]
        assert branch.region_code.startswith(COMMUNITY_A)

    def test_a_group_sits_at_its_building_under_the_compound_branch(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        branch = make_branch(places["compound_1"], party_committee_of(COMMUNITY_A))
        group = save(
            kind=K.PARTY_GROUP,
            name="1号楼党小组",
            region=places["community_a"],
            building=places["building_1"],
            parent=branch,
        )
        assert group.compound == places["compound_1"]
        assert group.region_code == places["building_1"].region_code

    def test_it_refuses_a_branch_without_a_compound(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_BRANCH,
                name="无小区党支部",
                region=places["community_a"],
                parent=party_committee_of(COMMUNITY_A),
            )
        assert "compound" in errors_of(raised)

    def test_it_refuses_a_branch_without_a_parent(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_BRANCH,
                name="孤立党支部",
                region=places["community_a"],
                compound=places["compound_1"],
            )
        assert "小三级" in errors_of(raised)["parent"][0]

    def test_it_refuses_a_branch_under_another_communitys_party_committee(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            make_branch(places["compound_1"], party_committee_of(COMMUNITY_B))
        assert "parent" in errors_of(raised)

    def test_it_refuses_a_branch_under_a_committee_instead_of_the_party_tier_above(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            make_branch(places["compound_1"], committee_of(COMMUNITY_A))
        assert "社区党委/党总支" in errors_of(raised)["parent"][0]

    def test_it_refuses_a_compound_of_another_community(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_BRANCH,
                name="错位党支部",
                region=places["community_a"],
                compound=places["compound_b"],
                parent=party_committee_of(COMMUNITY_A),
            )
        assert "compound" in errors_of(raised)

    def test_it_refuses_a_group_under_the_branch_of_another_compound(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        branch = make_branch(places["compound_1"], party_committee_of(COMMUNITY_A))
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_GROUP,
                name="错位党小组",
                region=places["community_a"],
                building=places["building_2"],
                parent=branch,
            )
        assert "本楼栋所在小区的党支部" in errors_of(raised)["parent"][0]

    def test_it_refuses_a_group_directly_under_the_community_tier(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_GROUP,
                name="越级党小组",
                region=places["community_a"],
                building=places["building_1"],
                parent=party_committee_of(COMMUNITY_A),
            )
        assert "小区党支部" in errors_of(raised)["parent"][0]

    def test_it_refuses_a_community_party_committee_at_a_township(self, seeded: None) -> None:
        township = committee_of(COMMUNITY_A).region.parent
        with pytest.raises(ValidationError) as raised:
            save(kind=K.PARTY_COMMITTEE, name="错位党委", region=township)
        assert "region" in errors_of(raised)

    def test_it_refuses_a_second_community_party_committee(self, seeded: None) -> None:
        community = committee_of(COMMUNITY_A).region
        with pytest.raises(ValidationError) as raised:
            save(kind=K.PARTY_COMMITTEE, name="第二党委", region=community)
        assert "不能重复设立" in errors_of(raised)["kind"][0]

    def test_a_branch_may_be_built_on_the_compounds_owner_committee(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        owners = save(
            kind=K.OWNER_COMMITTEE,
            name="甲一小区业主委员会",
            region=places["community_a"],
            compound=places["compound_1"],
        )
        branch = save(
            kind=K.PARTY_BRANCH,
            name="甲一小区业委会党支部",
            region=places["community_a"],
            compound=places["compound_1"],
            parent=party_committee_of(COMMUNITY_A),
            attached_to=owners,
        )
        assert list(owners.party_organisations.all()) == [branch]

    def test_it_refuses_attaching_to_a_body_of_another_community(
        self, seeded: None, places: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            save(
                kind=K.PARTY_BRANCH,
                name="错挂党支部",
                region=places["community_a"],
                compound=places["compound_1"],
                parent=party_committee_of(COMMUNITY_A),
                attached_to=committee_of(COMMUNITY_B),
            )
        assert "attached_to" in errors_of(raised)

    def test_only_party_organisations_are_attached(self, seeded: None) -> None:
        committee = committee_of(COMMUNITY_A)
        committee.attached_to = committee_of(COMMUNITY_B)
        with pytest.raises(ValidationError) as raised:
            do_save_organisation(committee, actor=None)
        assert "attached_to" in errors_of(raised)
