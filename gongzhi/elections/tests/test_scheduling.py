"""Street staff schedule elections in their jurisdiction and follow their deadlines (R2.3d)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from gongzhi.elections import actions, deadlines
from gongzhi.elections.enums import CommitteeRole, ElectionStatus
from gongzhi.elections.models import Election
from gongzhi.elections.tests.conftest import ELECTION_DAY, at, person, schedule
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_street_staff_schedule_an_election_of_a_committee_in_their_street(
    world: Personas, committee_a: Organisation, on_schedule_day: None
) -> None:
    election = schedule(world.street_staff, committee_a)
    assert election.status == ElectionStatus.SCHEDULED
    assert election.seats == 5
    assert (
        Event.objects.filter(type=EventType.ELECTION_SCHEDULED, object_id=str(election.pk)).count()
        == 1
    )


def test_street_staff_cannot_schedule_for_another_street(
    world: Personas, committee_b: Organisation, on_schedule_day: None
) -> None:
    with pytest.raises(PermissionDenied):
        schedule(world.street_staff, committee_b)


def test_community_staff_do_not_schedule_elections(
    world: Personas, committee_a: Organisation, on_schedule_day: None
) -> None:
    with pytest.raises(PermissionDenied):
        schedule(world.staff_a, committee_a)


def test_seats_outside_the_legal_committee_size_are_refused(
    world: Personas, committee_a: Organisation, on_schedule_day: None
) -> None:
    with pytest.raises(ValidationError) as error:
        schedule(world.street_staff, committee_a, seats_deputy=0, seats_member=2)
    assert "5–9" in str(error.value.message_dict["seats_member"])


def test_a_committee_has_one_open_election_at_a_time(election: Election, world: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        schedule(world.street_staff, election.committee)
    assert "进行中的选举" in str(error.value.message_dict["committee"])


def test_a_nominated_election_committee_member_leaves_the_election_committee(
    election: Election, world: Personas
) -> None:
    chair = person("选委主任")
    member = actions.do_appoint_committee_member(
        election,
        person_name="选委主任",
        role=CommitteeRole.CHAIR,
        resident=chair,
        actor=world.street_staff,
    )
    actions.do_build_voter_list(election, actor=world.staff_a)
    actions.do_publish_voter_list(election, actor=world.staff_a)
    voter = election.voters.get(resident=chair)
    actions.do_nominate_candidate(
        election, voter=voter, post="director", nominations=12, actor=world.staff_a
    )
    member.refresh_from_db()
    assert member.left_on is not None
    assert "退出选举委员会" in member.left_reason


def test_the_list_deadline_is_twenty_days_before_election_day(election: Election) -> None:
    assert deadlines.list_published_by(election) == date(2026, 6, 10)
    with at(date(2026, 6, 11)):
        rows = {d.key: d for d in deadlines.deadlines(election, date(2026, 6, 11))}
    assert rows["list_published"].state == deadlines.MISSED
    assert "2025年修订" in rows["list_published"].source


def test_publishing_the_list_late_is_refused_with_the_rule_cited(
    election: Election, world: Personas
) -> None:
    person("王五")
    actions.do_build_voter_list(election, actor=world.staff_a)
    with at(date(2026, 6, 11)), pytest.raises(ValidationError) as error:
        actions.do_publish_voter_list(election, actor=world.staff_a)
    assert "二十日" in str(error.value) or "20" in str(error.value)
    assert "2025年修订" in str(error.value)
    with at(date(2026, 6, 10)):
        actions.do_publish_voter_list(election, actor=world.staff_a)
    election.refresh_from_db()
    rows = {d.key: d for d in deadlines.deadlines(election, date(2026, 6, 10))}
    assert rows["list_published"].state == deadlines.MET


def test_election_day_cannot_move_closer_than_twenty_days_after_publication(
    election: Election, world: Personas
) -> None:
    person("王五")
    actions.do_build_voter_list(election, actor=world.staff_a)
    actions.do_publish_voter_list(election, actor=world.staff_a)
    with pytest.raises(ValidationError):
        actions.do_reschedule_election(
            election, election_day=date(2026, 5, 15), actor=world.street_staff
        )
    moved = actions.do_reschedule_election(
        election, election_day=date(2026, 5, 21), actor=world.street_staff
    )
    assert moved.election_day == date(2026, 5, 21)
    assert moved.election_day != ELECTION_DAY
