"""Fixtures for the organisations tests: the seeded directory and small builders."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import COMMUNITY_A, LEAGUE, make_user
from gongzhi.organisations.actions import do_save_member, do_save_organisation
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind, Post
from gongzhi.organisations.seed import seed_organisations
from gongzhi.regions.actions import do_save_building, do_save_compound, do_save_grid
from gongzhi.regions.models import Region

START = datetime.date(2024, 4, 1)


@pytest.fixture
def seeded(regions: None) -> None:
    seed_organisations()


@pytest.fixture
def department_staff(regions: None) -> Any:
    """职能部门工作人员 of the league (read-only in this directory)."""
    return make_user("dept_staff", "department_staff", LEAGUE, full_name="孙敏")


@pytest.fixture
def league_staff(regions: None) -> Any:
    """盟 staff: county/league staff bound to the league."""
    return make_user("league_staff", "county_staff", LEAGUE, full_name="周平")


def committee_of(code: str) -> Organisation:
    return Organisation.objects.get(
        region__region_code=code,
        kind__in=[
            OrganisationKind.RESIDENTS_COMMITTEE,
            OrganisationKind.VILLAGERS_COMMITTEE,
            OrganisationKind.GACHA_COMMITTEE,
        ],
    )


def party_committee_of(code: str) -> Organisation:
    return Organisation.objects.get(region__region_code=code, kind=OrganisationKind.PARTY_COMMITTEE)


def add_member(
    organisation: Organisation,
    post: str = Post.MEMBER,
    *,
    name: str = "测试成员",
    local: bool = True,
    sex: str = "1",
    start: datetime.date = START,
    actor: Any = None,
) -> Membership:
    return do_save_member(
        Membership(
            organisation=organisation,
            person_name=name,
            post=post,
            is_local_resident=local,
            sex=sex,
            ethnicity="01",
            start_date=start,
        ),
        actor=actor,
    )


@pytest.fixture
def places(regions: None) -> dict[str, Any]:
    """Two compounds with a building each in community A, and one compound in community B."""
    community_a = Region.objects.get(region_code=COMMUNITY_A)
    community_b = Region.objects.get(region_code="152201002001")
    grid_a = do_save_grid(community_a, name="测试网格甲", boundary=None, actor=None)
    grid_b = do_save_grid(community_b, name="测试网格乙", boundary=None, actor=None)
    compound_1 = do_save_compound(
        grid_a,
        name="甲一小区",
        total_units=100,
        occupied_units=80,
        committee_region=community_a,
        actor=None,
    )
    compound_2 = do_save_compound(
        grid_a,
        name="甲二小区",
        total_units=60,
        occupied_units=50,
        committee_region=community_a,
        actor=None,
    )
    compound_b = do_save_compound(
        grid_b,
        name="乙一小区",
        total_units=90,
        occupied_units=70,
        committee_region=community_b,
        actor=None,
    )
    return {
        "community_a": community_a,
        "community_b": community_b,
        "compound_1": compound_1,
        "compound_2": compound_2,
        "compound_b": compound_b,
        "building_1": do_save_building(compound_1, name="1号楼", actor=None),
        "building_2": do_save_building(compound_2, name="1号楼", actor=None),
    }


def make_branch(compound: Any, parent: Organisation, name: str = "测试党支部") -> Organisation:
    return do_save_organisation(
        Organisation(
            kind=OrganisationKind.PARTY_BRANCH,
            name=name,
            region=compound.grid.community,
            compound=compound,
            parent=parent,
        ),
        actor=None,
    )
