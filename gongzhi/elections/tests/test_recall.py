"""Recall (罢免): one fifth of the voters or one third of the representatives propose; more
than half of the registered voters must vote and more than half of the votes cast approve
(村民委员会组织法 第十六条)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from gongzhi.elections import recall
from gongzhi.elections.enums import RecallStatus
from gongzhi.elections.models import Recall
from gongzhi.organisations.actions import do_save_member
from gongzhi.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(committee_a: Organisation) -> Membership:
    return do_save_member(
        Membership(
            organisation=committee_a,
            person_name="王委员",
            post="member",
            sex="1",
            start_date=date(2021, 7, 1),
        ),
        actor=None,
    )


def propose(world: Personas, member: Membership, **extra: object) -> Recall:
    fields = {"basis": "voters", "base": 1000, "signatures": 200, "reason": "长期不履职"}
    fields.update(extra)
    return recall.do_propose_recall(membership=member, actor=world.staff_a, **fields)  # type: ignore[arg-type]


def test_exactly_one_fifth_of_the_voters_may_propose_and_one_less_may_not(
    world: Personas, member: Membership
) -> None:
    with pytest.raises(ValidationError) as error:
        propose(world, member, signatures=199)
    assert "至少 200 人" in str(error.value) and "组织法" in str(error.value)
    assert propose(world, member, signatures=200).status == RecallStatus.PROPOSED


def test_one_third_of_the_representatives_may_propose(world: Personas, member: Membership) -> None:
    with pytest.raises(ValidationError):
        propose(world, member, basis="representatives", base=31, signatures=10)
    propose(world, member, basis="representatives", base=31, signatures=11)


def test_a_recall_passed_by_a_majority_of_a_valid_vote_ends_the_membership(
    world: Personas, member: Membership
) -> None:
    proposal = propose(world, member)
    decided = recall.do_record_recall_vote(
        proposal,
        registered=1000,
        ballots_cast=501,
        votes_for=251,
        actor=world.staff_a,
    )
    assert decided.status == RecallStatus.PASSED
    member.refresh_from_db()
    assert member.end_date is not None


def test_exactly_half_voting_makes_the_recall_vote_invalid(
    world: Personas, member: Membership
) -> None:
    proposal = propose(world, member)
    decided = recall.do_record_recall_vote(
        proposal,
        registered=1000,
        ballots_cast=500,
        votes_for=500,
        actor=world.staff_a,
    )
    assert decided.status == RecallStatus.INVALID
    member.refresh_from_db()
    assert member.end_date is None


def test_exactly_half_the_votes_cast_does_not_recall(world: Personas, member: Membership) -> None:
    proposal = propose(world, member)
    decided = recall.do_record_recall_vote(
        proposal,
        registered=1000,
        ballots_cast=600,
        votes_for=300,
        actor=world.staff_a,
    )
    assert decided.status == RecallStatus.REJECTED


def test_staff_of_another_community_cannot_propose(world: Personas, member: Membership) -> None:
    with pytest.raises(PermissionDenied):
        recall.do_propose_recall(
            membership=member,
            basis="voters",
            base=10,
            signatures=5,
            reason="理由",
            actor=world.staff_b,
        )


def test_the_recall_page_records_a_proposal_and_hides_other_communities(
    world: Personas, member: Membership
) -> None:
    from gongzhi.accounts.testing import client_for

    client = client_for(world.staff_a)
    response = client.post(
        "/console/elections/recalls/",
        {
            "membership": member.pk,
            "basis": "voters",
            "base": 100,
            "signatures": 19,
            "reason": "理由",
        },
    )
    assert "至少 20 人" in response.content.decode()
    client.post(
        "/console/elections/recalls/",
        {
            "membership": member.pk,
            "basis": "voters",
            "base": 100,
            "signatures": 20,
            "reason": "理由",
        },
    )
    proposal = Recall.objects.get()
    assert "王委员" in client.get("/console/elections/recalls/").content.decode()
    other = client_for(world.staff_b)
    assert "王委员" not in other.get("/console/elections/recalls/").content.decode()
    assert other.post(f"/console/elections/recalls/{proposal.pk}/vote/", {}).status_code == 404
