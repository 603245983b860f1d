"""create_demo_members(): members for four committees, one breaking the rules; a 小三级
chain when the demo places exist; nothing new on a second run."""

from __future__ import annotations

import pytest

from gongzhi.organisations.composition import composition_warnings
from gongzhi.organisations.demo import PLANS, create_demo_members
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind
from gongzhi.regions.demo import create_demo_places

from .conftest import committee_of

K = OrganisationKind


@pytest.mark.django_db
class TestDemoMembers:
    def test_it_fills_four_committees_and_only_hongyun_breaks_the_rules(self, seeded: None) -> None:
        result = create_demo_members()
        assert result.committees == len(PLANS) == 4
        for plan in PLANS:
            committee = committee_of(plan.region_code)
            warnings = composition_warnings(committee)
            if plan.region_code == "152201002001":
                assert any("不是本社区居民" in w for w in warnings)
                assert any("没有女性" in w for w in warnings)
            else:
                assert warnings == [], committee.name

    def test_it_builds_the_party_chain_when_demo_places_exist(self, seeded: None) -> None:
        create_demo_places()
        result = create_demo_members()
        assert result.party_organisations == 3
        group = Organisation.objects.get(kind=K.PARTY_GROUP)
        branch = group.parent
        assert branch is not None and branch.kind == K.PARTY_BRANCH
        assert branch.parent is not None and branch.parent.kind == K.PARTY_COMMITTEE
        assert branch.attached_to is not None and branch.attached_to.kind == K.OWNER_COMMITTEE

    def test_it_skips_the_party_chain_quietly_without_places(self, seeded: None) -> None:
        assert create_demo_members().party_organisations == 0

    def test_a_second_run_adds_nothing(self, seeded: None) -> None:
        create_demo_places()
        create_demo_members()
        members, organisations = Membership.objects.count(), Organisation.objects.count()
        again = create_demo_members()
        assert (again.members, again.party_organisations) == (0, 0)
        assert (Membership.objects.count(), Organisation.objects.count()) == (
            members,
            organisations,
        )
