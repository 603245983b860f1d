"""Demo members for a few committees, and a "小三级" party chain under one community.

Names are synthetic (Faker zh_CN, fixed seed). 红云社区居委会 is deliberately composed
against the rules — its director lives outside the community, no member besides the
director is a local resident, it has no woman member and fewer members than its posts —
so the composition warnings have something to show. Everything goes through the actions
(actor None), so the ledger records it. Running it again adds nothing: a committee that
already has members is left alone, and the party chain is made only once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.organisations.actions import do_save_member, do_save_organisation
from gongzhi.organisations.models import (
    COMMITTEE_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Post,
)
from gongzhi.regions.models import Building, Compound

K = OrganisationKind
HAN, MONGOL, MANCHU = "01", "02", "11"
MALE, FEMALE = "1", "2"


# Synthetic given names. Faker's zh_CN lists mix men's and women's names, which would
# contradict the sex shown beside them; Mongolian names are used alone, without a surname.
GIVEN_NAMES = {
    (HAN, MALE): ("伟", "强", "军", "刚", "勇", "斌", "磊", "涛", "鹏", "建国", "志刚", "海涛"),
    (HAN, FEMALE): ("丽", "敏", "静", "艳", "芳", "秀英", "桂兰", "丽娟", "晓燕", "红梅"),
    (MONGOL, MALE): ("巴特尔", "额尔敦", "朝鲁", "苏和", "宝音", "孟和", "那顺", "阿拉坦"),
    (MONGOL, FEMALE): ("乌日娜", "萨仁", "其其格", "娜仁", "托娅", "高娃", "斯琴", "塔娜"),
}


def synthetic_name(fake: Any, sex: str, ethnicity: str) -> str:
    if ethnicity == MONGOL:
        return str(fake.random_element(GIVEN_NAMES[(MONGOL, sex)]))
    return f"{fake.last_name()}{fake.random_element(GIVEN_NAMES[(HAN, sex)])}"


@dataclass(frozen=True)
class MemberPlan:
    post: str
    sex: str
    ethnicity: str
    local: bool


@dataclass(frozen=True)
class CommitteePlan:
    region_code: str
    posts_set: int
    members: tuple[MemberPlan, ...]


def _m(post: str, sex: str, ethnicity: str, local: bool = True) -> MemberPlan:
    return MemberPlan(post, sex, ethnicity, local)


PLANS = (
    # 万佳社区居委会: sound — local director, local members, women, members = posts.
    CommitteePlan(
        "152201001001",
        7,
        (
            _m(Post.DIRECTOR, FEMALE, MONGOL),
            _m(Post.DEPUTY_DIRECTOR, MALE, HAN),
            _m(Post.MEMBER, FEMALE, HAN),
            _m(Post.MEMBER, MALE, MONGOL),
            _m(Post.MEMBER, FEMALE, MANCHU, local=False),
            _m(Post.MEMBER, MALE, HAN),
            _m(Post.MEMBER, FEMALE, HAN),
        ),
    ),
    # 红云社区居委会: breaks R2.3d and the other composition rules on purpose.
    CommitteePlan(
        "152201002001",
        7,
        (
            _m(Post.DIRECTOR, MALE, HAN, local=False),
            _m(Post.DEPUTY_DIRECTOR, MALE, MONGOL, local=False),
            _m(Post.MEMBER, MALE, HAN, local=False),
            _m(Post.MEMBER, MALE, HAN, local=False),
            _m(Post.MEMBER, MALE, MANCHU, local=False),
        ),
    ),
    # 联兴嘎查委员会 (科右前旗索伦镇): sound; its director is the 嘎查达.
    CommitteePlan(
        "152221101200",
        5,
        (
            _m(Post.DIRECTOR, MALE, MONGOL),
            _m(Post.DEPUTY_DIRECTOR, FEMALE, MONGOL),
            _m(Post.MEMBER, MALE, MONGOL),
            _m(Post.MEMBER, FEMALE, HAN),
            _m(Post.MEMBER, MALE, MONGOL),
        ),
    ),
    # 三合村委会 (乌兰哈达镇): sound.
    CommitteePlan(
        "152201100203",
        3,
        (
            _m(Post.DIRECTOR, MALE, HAN),
            _m(Post.DEPUTY_DIRECTOR, FEMALE, HAN),
            _m(Post.MEMBER, MALE, MONGOL),
        ),
    ),
)
# The community whose compound and building get the demo party branch and group.
PARTY_CHAIN_COMMUNITY = "152201001001"


@dataclass
class DemoMembersResult:
    members: int = 0
    committees: int = 0
    party_organisations: int = 0

    def __str__(self) -> str:
        return _(
            "演示组织成员 %(members)d 人（%(committees)d 个委员会），小三级党组织 %(party)d 个"
        ) % {
            "members": self.members,
            "committees": self.committees,
            "party": self.party_organisations,
        }


def create_demo_members(seed: int = 0) -> DemoMembersResult:
    """Add demo members to the committees in ``PLANS`` and a party chain under one community.

    Needs ``seed_organisations()`` to have run; committees it cannot find are skipped.
    """
    from faker import Faker  # dev dependency: demo data only

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    result = DemoMembersResult()
    today = timezone.localdate()
    # Committees are elected for five years; the demo term started last spring.
    term_start = datetime.date(today.year - 1, 4, 1)
    term_end = datetime.date(today.year + 4, 3, 31)
    for plan in PLANS:
        committee = (
            Organisation.objects.filter(
                region__region_code=plan.region_code, kind__in=COMMITTEE_KINDS, is_active=True
            )
            .select_related("region")
            .first()
        )
        if committee is None or committee.memberships.exists():
            continue
        committee.posts_set = plan.posts_set
        committee.term_start, committee.term_end = term_start, term_end
        do_save_organisation(committee, actor=None)
        for member in plan.members:
            name = synthetic_name(fake, member.sex, member.ethnicity)
            do_save_member(
                Membership(
                    organisation=committee,
                    person_name=name,
                    post=member.post,
                    is_local_resident=member.local,
                    sex=member.sex,
                    ethnicity=member.ethnicity,
                    start_date=term_start,
                ),
                actor=None,
            )
            result.members += 1
        result.committees += 1
    result.party_organisations = _create_party_chain(fake, term_start)
    return result


def _create_party_chain(fake: Any, since: datetime.date) -> int:
    """社区党委 → 小区党支部 → 楼栋党小组 in the first demo compound that has a building,
    with the branch built on the compound's owner committee (R2.1c)."""
    party_committee = Organisation.objects.filter(
        region__region_code=PARTY_CHAIN_COMMUNITY, kind=K.PARTY_COMMITTEE, is_active=True
    ).first()
    building = (
        Building.objects.within(PARTY_CHAIN_COMMUNITY)
        .select_related("compound__grid__community")
        .order_by("region_code")
        .first()
    )
    if party_committee is None or building is None:
        return 0
    compound: Compound = building.compound
    if Organisation.objects.filter(compound=compound, kind=K.PARTY_BRANCH).exists():
        return 0
    community = compound.grid.community
    owners = do_save_organisation(
        Organisation(
            kind=K.OWNER_COMMITTEE,
            name=f"{compound.name}业主委员会",
            region=community,
            compound=compound,
            established_on=since,
        ),
        actor=None,
    )
    branch = do_save_organisation(
        Organisation(
            kind=K.PARTY_BRANCH,
            name=f"{compound.name}党支部",
            region=community,
            compound=compound,
            parent=party_committee,
            attached_to=owners,
            term_start=since,
        ),
        actor=None,
    )
    group = do_save_organisation(
        Organisation(
            kind=K.PARTY_GROUP,
            name=f"{compound.name}{building.name}党小组",
            region=community,
            building=building,
            parent=branch,
        ),
        actor=None,
    )
    for organisation, post, sex in (
        (party_committee, Post.SECRETARY, FEMALE),
        (branch, Post.SECRETARY, MALE),
        (group, Post.GROUP_LEADER, FEMALE),
    ):
        if organisation.memberships.filter(post=post).exists():
            continue
        name = synthetic_name(fake, sex, HAN)
        do_save_member(
            Membership(
                organisation=organisation,
                person_name=name,
                post=post,
                is_local_resident=True,
                sex=sex,
                ethnicity=HAN,
                start_date=since,
            ),
            actor=None,
        )
    return 3
