"""seed_organisations(): departments at the league, a body per township, a committee and a
party organisation per community; idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.models import (
    COMMITTEE_KINDS,
    OFFICE_KINDS,
    Organisation,
    OrganisationKind,
)
from gongzhi.organisations.seed import (
    community_committee,
    community_place_name,
    party_committee_name,
    seed_organisations,
    township_body,
)
from gongzhi.regions.models import Level, Region

K = OrganisationKind


def department_rows() -> list[dict[str, str]]:
    with (Path(settings.BASE_DIR) / "data" / "departments.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
class TestSeedOrganisations:
    def test_it_places_every_department_of_the_seed_at_the_league(self, regions: None) -> None:
        seed_organisations()
        departments = Organisation.objects.filter(kind=K.DEPARTMENT)
        rows = department_rows()
        assert departments.count() == len(rows)
        assert set(departments.values_list("region_code", flat=True)) == {"1522"}
        short_names = set(departments.values_list("short_name", flat=True))
        for named in (
            "盟委组织部",
            "盟委宣传部",
            "盟民政局",
            "盟财政局",
            "盟司法局",
            "盟公安局",
            "盟纪委监委",
            "盟民委",
        ):
            assert named in short_names
        civil_affairs = departments.get(short_name="盟民政局")
        assert "二（三）" in civil_affairs.description

    def test_it_gives_every_township_a_body_or_a_reason(self, regions: None) -> None:
        result = seed_organisations()
        townships = Region.objects.filter(level=Level.TOWNSHIP, is_active=True)
        with_office = set(
            Organisation.objects.filter(kind__in=OFFICE_KINDS).values_list("region_id", flat=True)
        )
        skipped = {code for code, _name, _reason in result.skipped}
        for township in townships:
            assert (township.pk in with_office) != (township.region_code in skipped), township.name
        skipped_townships = [name for code, name, _r in result.skipped if len(code) == 9]
        assert sorted(skipped_townships) == sorted(
            ["内蒙古自治区图牧吉强制隔离戒毒所", "内蒙古自治区监狱管理局东部分局"]
        )
        assert Organisation.objects.get(region__region_code="152201001").name == "爱国街道办事处"
        assert Organisation.objects.get(region__name="乌兰哈达镇").name == "乌兰哈达镇人民政府"
        assert Organisation.objects.get(region__name="乌兰毛都苏木").name == "乌兰毛都苏木人民政府"
        park = Organisation.objects.get(region__name="兴安盟经济技术开发区", kind__in=OFFICE_KINDS)
        assert (park.kind, park.name) == (K.MANAGEMENT_COMMITTEE, "兴安盟经济技术开发区管理委员会")

    def test_it_gives_every_real_community_a_committee_and_a_party_organisation(
        self, regions: None
    ) -> None:
        result = seed_organisations()
        communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
        skipped = {code for code, _name, _reason in result.skipped if len(code) == 12}
        committees = dict(
            Organisation.objects.filter(kind__in=COMMITTEE_KINDS).values_list("region_id", "name")
        )
        party = set(
            Organisation.objects.filter(kind=K.PARTY_COMMITTEE).values_list("region_id", flat=True)
        )
        for community in communities:
            if community.region_code in skipped:
                assert "虚拟" in community.name or community.name.endswith("生活区")
                assert community.pk not in committees
            else:
                assert community.pk in committees, community.name
                assert community.pk in party, community.name
        assert len(committees) == communities.count() - len(skipped)
        assert result.committees == len(committees)

    def test_committees_hang_under_their_township_office(self, regions: None) -> None:
        seed_organisations()
        committee = Organisation.objects.get(
            region__region_code="152201001001", kind__in=COMMITTEE_KINDS
        )
        assert committee.name == "万佳社区居委会"
        assert committee.parent is not None and committee.parent.name == "爱国街道办事处"

    def test_running_it_again_creates_nothing(self, regions: None) -> None:
        first = seed_organisations()
        count = Organisation.objects.count()
        events = Event.objects.filter(type=EventType.ORGANISATION_SAVED).count()
        second = seed_organisations()
        assert first.created == count
        assert second.created == 0
        assert Organisation.objects.count() == count
        assert Event.objects.filter(type=EventType.ORGANISATION_SAVED).count() == events

    def test_it_keeps_a_renamed_committee_instead_of_adding_another(self, regions: None) -> None:
        seed_organisations()
        committee = Organisation.objects.get(
            region__region_code="152201001001", kind__in=COMMITTEE_KINDS
        )
        Organisation.objects.filter(pk=committee.pk).update(name="万佳社区居民委员会")
        seed_organisations()
        names = list(
            Organisation.objects.filter(
                region=committee.region, kind__in=COMMITTEE_KINDS
            ).values_list("name", flat=True)
        )
        assert names == ["万佳社区居民委员会"]

    def test_it_writes_one_ledger_event_for_a_seeding(self, regions: None) -> None:
        before = Event.objects.count()
        seed_organisations()
        assert Event.objects.count() == before + 1
        event = Event.objects.order_by("-seq").first()
        assert event is not None and event.type == EventType.ORGANISATION_SAVED
        assert event.summary["seeded"] is True


class TestNaming:
    @pytest.mark.parametrize(
        ("name", "kind", "committee"),
        [
            ("万佳社区居委会", K.RESIDENTS_COMMITTEE, "万佳社区居委会"),
            ("努木尔根社区", K.RESIDENTS_COMMITTEE, "努木尔根社区居委会"),
            ("兴科居委会", K.RESIDENTS_COMMITTEE, "兴科居委会"),
            ("水泉村居委会", K.RESIDENTS_COMMITTEE, "水泉村居委会"),
            ("永联嘎查", K.GACHA_COMMITTEE, "永联嘎查委员会"),
            ("宝力根花嘎查委会", K.GACHA_COMMITTEE, "宝力根花嘎查委会"),
            ("三河嘎查人民委员会", K.GACHA_COMMITTEE, "三河嘎查人民委员会"),
            ("红光村委会", K.VILLAGERS_COMMITTEE, "红光村委会"),
            ("明水村", K.VILLAGERS_COMMITTEE, "明水村委会"),
            ("巨力河村村民委会", K.VILLAGERS_COMMITTEE, "巨力河村村民委会"),
        ],
    )
    def test_it_names_the_committee_after_the_division(
        self, name: str, kind: str, committee: str
    ) -> None:
        plan = community_committee(Region(code="152201001001", name=name, level=Level.COMMUNITY))
        assert not isinstance(plan, str)
        assert (plan.kind, plan.name) == (kind, committee)

    @pytest.mark.parametrize(
        "name", ["绿水村虚拟生活区", "红星林场生活区", "科右前旗工业园区虚拟社区"]
    )
    def test_it_skips_living_areas_and_placeholders(self, name: str) -> None:
        assert isinstance(community_committee(Region(code="152222100500", name=name, level=4)), str)

    def test_it_skips_detention_institutions(self) -> None:
        region = Region(code="152223400000", name="内蒙古自治区图牧吉强制隔离戒毒所", level=3)
        assert isinstance(township_body(region), str)

    @pytest.mark.parametrize(
        ("kind", "name", "party"),
        [
            (K.RESIDENTS_COMMITTEE, "万佳社区居委会", "万佳社区党委"),
            (K.RESIDENTS_COMMITTEE, "兴科居委会", "兴科社区党委"),
            (K.VILLAGERS_COMMITTEE, "兴盛村村民委员会", "兴盛村党支部"),
            (K.VILLAGERS_COMMITTEE, "红光村委会", "红光村党支部"),
            (K.GACHA_COMMITTEE, "宝力根花嘎查委会", "宝力根花嘎查党支部"),
        ],
    )
    def test_it_names_the_party_organisation_after_the_community(
        self, kind: str, name: str, party: str
    ) -> None:
        assert party_committee_name(kind, name) == party
        assert community_place_name(kind, name) in party
