"""Who may manage what: the role × place matrix for the organisation and member actions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from conftest import COMMUNITY_A, TOWNSHIP, Personas, make_user
from gongzhi.ledger.models import Event
from gongzhi.organisations.actions import (
    do_deactivate_organisation,
    do_end_membership,
    do_save_member,
    do_save_organisation,
)
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind, Post

from .conftest import add_member, committee_of

K = OrganisationKind

ALL = (
    "resident",
    "grid_worker",
    "staff_a",
    "staff_b",
    "street_staff",
    "county_admin",
    "department_staff",
    "league_staff",
    "system_admin",
    "security_admin",
    "audit_admin",
)
COMMITTEE_A_MANAGERS = {"staff_a", "street_staff", "county_admin", "league_staff"}
TOWNSHIP_OFFICE_MANAGERS = {"street_staff", "county_admin", "league_staff"}
LEAGUE_DEPARTMENT_MANAGERS = {"league_staff"}
READERS_OF_COMMITTEE_A = {
    "grid_worker",
    "staff_a",
    "street_staff",
    "county_admin",
    "department_staff",
    "league_staff",
}


@pytest.fixture
def everyone(
    personas: Personas, department_staff: Any, league_staff: Any, seeded: None
) -> dict[str, Any]:
    people = personas.all()
    people["department_staff"] = department_staff
    people["league_staff"] = league_staff
    return people


def edit(organisation: Organisation, actor: Any) -> None:
    organisation.address = "兴安南大路 1 号"
    do_save_organisation(organisation, actor=actor)


def add(organisation: Organisation, actor: Any) -> None:
    post = Post.MEMBER if Post.MEMBER in organisation.posts else organisation.posts[-1]
    add_member(organisation, post, name="新成员", actor=actor)


def end(organisation: Organisation, actor: Any) -> None:
    membership = Membership.objects.filter(organisation=organisation).first()
    assert membership is not None
    do_end_membership(membership, end_date=datetime.date(2025, 6, 1), actor=actor)


def edit_member(organisation: Organisation, actor: Any) -> None:
    membership = Membership.objects.filter(organisation=organisation).first()
    assert membership is not None
    membership.is_local_resident = not membership.is_local_resident
    do_save_member(membership, actor=actor)


def deactivate(organisation: Organisation, actor: Any) -> None:
    do_deactivate_organisation(organisation, actor=actor)


ACTIONS: dict[str, Callable[[Organisation, Any], None]] = {
    "edit": edit,
    "add_member": add,
    "edit_member": edit_member,
    "end_membership": end,
    "deactivate": deactivate,
}


def attempt(action: str, organisation: Organisation, actor: Any) -> bool:
    add_member(
        organisation,
        Post.HEAD if organisation.kind in {K.DEPARTMENT, K.TOWNSHIP_OFFICE} else Post.DIRECTOR,
    )
    before = Event.objects.count()
    try:
        ACTIONS[action](organisation, actor)
    except PermissionDenied:
        assert Event.objects.count() == before, "a refused action writes nothing to the ledger"
        return False
    assert Event.objects.count() == before + 1, "an action writes exactly one ledger event"
    return True


@pytest.mark.django_db
class TestActionPermissions:
    @pytest.mark.parametrize("action", sorted(ACTIONS))
    @pytest.mark.parametrize("persona", ALL)
    def test_committee_of_community_a(
        self, everyone: dict[str, Any], persona: str, action: str
    ) -> None:
        allowed = attempt(action, committee_of(COMMUNITY_A), everyone[persona])
        assert allowed == (persona in COMMITTEE_A_MANAGERS)

    @pytest.mark.parametrize("action", ["edit", "add_member"])
    @pytest.mark.parametrize("persona", ALL)
    def test_township_office(self, everyone: dict[str, Any], persona: str, action: str) -> None:
        office = Organisation.objects.get(region__region_code=TOWNSHIP, kind=K.TOWNSHIP_OFFICE)
        allowed = attempt(action, office, everyone[persona])
        assert allowed == (persona in TOWNSHIP_OFFICE_MANAGERS)

    @pytest.mark.parametrize("persona", ALL)
    def test_league_department(self, everyone: dict[str, Any], persona: str) -> None:
        department = Organisation.objects.get(kind=K.DEPARTMENT, short_name="盟民政局")
        allowed = attempt("edit", department, everyone[persona])
        assert allowed == (persona in LEAGUE_DEPARTMENT_MANAGERS)

    def test_community_staff_bound_above_a_community_manage_only_communities(
        self, seeded: None
    ) -> None:
        misplaced = make_user("misplaced", "community_staff", TOWNSHIP)
        office = Organisation.objects.get(region__region_code=TOWNSHIP, kind=K.TOWNSHIP_OFFICE)
        assert not misplaced.has_perm("organisations.manage_organisation", office)
        assert misplaced.has_perm("organisations.manage_organisation", committee_of(COMMUNITY_A))

    @pytest.mark.parametrize("persona", ALL)
    def test_reading_committee_a(self, everyone: dict[str, Any], persona: str) -> None:
        committee = committee_of(COMMUNITY_A)
        allowed = everyone[persona].has_perm("organisations.view_organisation", committee)
        assert allowed == (persona in READERS_OF_COMMITTEE_A)

    def test_staff_cannot_create_an_organisation_outside_their_community(
        self, everyone: dict[str, Any]
    ) -> None:
        other = committee_of("152201002001").region
        with pytest.raises(PermissionDenied):
            do_save_organisation(
                Organisation(kind=K.SOCIAL_ORGANISATION, name="红云志愿服务队", region=other),
                actor=everyone["staff_a"],
            )

    def test_staff_create_a_social_organisation_in_their_community(
        self, everyone: dict[str, Any]
    ) -> None:
        community = committee_of(COMMUNITY_A).region
        created = do_save_organisation(
            Organisation(kind=K.SOCIAL_ORGANISATION, name="万佳志愿服务队", region=community),
            actor=everyone["staff_a"],
        )
        assert created.region_code == COMMUNITY_A
