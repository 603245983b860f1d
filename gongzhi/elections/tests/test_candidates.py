"""Candidates: more than the seats, a woman among them, a smaller ethnic group in a
multi-ethnic community (村民委员会组织法 第十五条; Inner Mongolia's measures)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.elections import actions
from gongzhi.elections.enums import CandidateStatus, ElectionStatus
from gongzhi.elections.models import Election
from gongzhi.elections.tests.conftest import person, published, slate, voter_of

pytestmark = pytest.mark.django_db


def test_a_competitive_slate_with_a_woman_is_published(election: Election, world: Personas) -> None:
    voters = published(election, world.staff_a)
    made = slate(election, world.staff_a, voters)
    election.refresh_from_db()
    assert election.status == ElectionStatus.CANDIDATES_PUBLISHED
    assert all(c.status == CandidateStatus.NOMINEE for c in made["director"])  # stale objects
    assert election.candidates.filter(status=CandidateStatus.CANDIDATE).count() == 8


def test_as_many_candidates_as_seats_is_not_competitive(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    actions.do_nominate_candidate(
        election, voter=voters[0], post="director", nominations=5, actor=world.staff_a
    )
    with pytest.raises(ValidationError) as error:
        actions.do_publish_candidates(election, actor=world.staff_a)
    assert "应多于应选名额" in str(error.value)


def test_a_slate_without_a_woman_is_refused_in_inner_mongolia(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a, women=0)
    with pytest.raises(ValidationError) as error:
        slate(election, world.staff_a, voters)
    assert "妇女" in str(error.value) and "内蒙古" in str(error.value)


def test_a_multiethnic_community_needs_a_smaller_group_candidate(
    election: Election, world: Personas
) -> None:
    person("巴特尔", ethnicity="蒙古族")
    voters = published(election, world.staff_a)
    with pytest.raises(ValidationError) as error:
        slate(election, world.staff_a, voters)
    assert "人数较少的民族" in str(error.value)
    mongol = voter_of(election, election.voters.get(resident__name="巴特尔").resident)
    actions.do_nominate_candidate(
        election, voter=mongol, post="member", nominations=6, actor=world.staff_a
    )
    actions.do_publish_candidates(election, actor=world.staff_a)
