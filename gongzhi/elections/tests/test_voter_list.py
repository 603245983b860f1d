"""The voter list built from the registry (R2.3d; 村民委员会组织法 第十三条、第十四条)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import COMMUNITY_B, Personas
from gongzhi.elections import actions
from gongzhi.elections.enums import RequestKind, RequestStatus, VoterCategory
from gongzhi.elections.models import Election, Voter
from gongzhi.elections.tests.conftest import at, person, schedule

pytestmark = pytest.mark.django_db


def listed(election: Election) -> set[str]:
    return set(
        Voter.objects.filter(election=election, is_listed=True).values_list(
            "resident__name", flat=True
        )
    )


def test_someone_turning_18_on_election_day_is_listed_and_a_day_younger_is_not(
    election: Election, world: Personas
) -> None:
    person("今天成年", birth=date(2008, 6, 30))
    person("明天成年", birth=date(2008, 7, 1))
    actions.do_build_voter_list(election, actor=world.staff_a)
    assert "今天成年" in listed(election)
    assert "明天成年" not in listed(election)


def test_registered_elsewhere_and_away_are_not_listed_but_counted_for_application(
    election: Election, world: Personas
) -> None:
    person("人户一致")
    person("人在户不在", residence_situation="registered_elsewhere", moved_in_on=date(2024, 1, 1))
    person("户在人不在", residence_situation="living_elsewhere")
    person("户籍码在外", registered_region_code="150102")
    report = actions.do_build_voter_list(election, actor=world.staff_a)
    assert listed(election) == {"人户一致", "户籍码在外"}
    assert report.may_apply_resident == 1
    assert report.may_apply_away == 1
    flagged = Voter.objects.get(election=election, resident__name="户籍码在外")
    assert flagged.registered_elsewhere


def test_building_twice_adds_nobody_twice(election: Election, world: Personas) -> None:
    person("张三")
    actions.do_build_voter_list(election, actor=world.staff_a)
    report = actions.do_build_voter_list(election, actor=world.staff_a)
    assert report.added == 0 and report.already == 1


def test_nobody_is_on_two_lists_of_one_round(
    election: Election, world: Personas, committee_b: Any
) -> None:
    moved = person("两地人")
    election_b = schedule(
        world.street_staff.__class__.objects.get(username="county_admin"), committee_b
    )
    actions.do_build_voter_list(election, actor=world.staff_a)
    # The same person now also lives in B (a registry error or a move): B's build leaves them out.
    from gongzhi.residents.models import Resident

    Resident.objects.filter(pk=moved.pk).update(region_code=COMMUNITY_B)
    report = actions.do_build_voter_list(election_b, actor=world.staff_b)
    assert report.on_other_list == 1
    assert "两地人" in report.on_other_list_names


def test_a_resident_of_a_year_applies_with_the_meetings_consent(
    election: Election, world: Personas
) -> None:
    newcomer = person("新居民", residence_situation="migrant", moved_in_on=date(2025, 3, 1))
    person("张三")
    actions.do_build_voter_list(election, actor=world.staff_a)
    item = actions.do_file_list_request(
        election,
        kind=RequestKind.APPLY,
        resident=newcomer,
        filed_by="新居民",
        reason="居住一年以上，申请参加选举",
        actor=world.staff_a,
    )
    with pytest.raises(ValidationError) as error:
        actions.do_decide_list_request(item, upheld=True, note="同意", actor=world.staff_a)
    assert "会议" in str(error.value)
    item.meeting_approved_on = date(2026, 4, 20)
    item.save()
    actions.do_decide_list_request(
        item, upheld=True, note="经居民代表会议同意", actor=world.staff_a
    )
    voter = Voter.objects.get(election=election, resident=newcomer)
    assert voter.category == VoterCategory.RESIDENT_APPLIED and voter.registered_elsewhere


def test_a_resident_of_less_than_a_year_cannot_be_added(
    election: Election, world: Personas
) -> None:
    newcomer = person("刚来", residence_situation="migrant", moved_in_on=date(2026, 1, 1))
    item = actions.do_file_list_request(
        election,
        kind=RequestKind.APPLY,
        resident=newcomer,
        filed_by="刚来",
        reason="申请",
        meeting_approved_on=date(2026, 4, 20),
        actor=world.staff_a,
    )
    with pytest.raises(ValidationError) as error:
        actions.do_decide_list_request(item, upheld=True, note="同意", actor=world.staff_a)
    assert "一年以上" in str(error.value)


def test_objections_are_taken_within_five_days_of_publication(
    election: Election, world: Personas
) -> None:
    listed_person = person("张三")
    actions.do_build_voter_list(election, actor=world.staff_a)
    with at(date(2026, 5, 10)):
        actions.do_publish_voter_list(election, actor=world.staff_a)
    with at(date(2026, 5, 15)):
        item = actions.do_file_list_request(
            election,
            kind=RequestKind.OBJECT_INCLUDED,
            resident=listed_person,
            filed_by="李四",
            reason="已被剥夺政治权利",
            actor=world.staff_a,
        )
    with at(date(2026, 5, 16)), pytest.raises(ValidationError) as error:
        actions.do_file_list_request(
            election,
            kind=RequestKind.OBJECT_INCLUDED,
            resident=listed_person,
            filed_by="李四",
            reason="再次异议",
            actor=world.staff_a,
        )
    assert "五日" in str(error.value) or "5 日" in str(error.value)
    with at(date(2026, 5, 18)):
        decided = actions.do_decide_list_request(
            item, upheld=True, note="经核实属实", actor=world.staff_a
        )
    assert decided.status == RequestStatus.UPHELD
    assert "张三" not in listed(election)


def test_an_objection_answered_after_three_days_shows_as_late(
    election: Election, world: Personas
) -> None:
    from gongzhi.elections import deadlines

    listed_person = person("张三")
    actions.do_build_voter_list(election, actor=world.staff_a)
    with at(date(2026, 5, 10)):
        actions.do_publish_voter_list(election, actor=world.staff_a)
        item = actions.do_file_list_request(
            election,
            kind=RequestKind.OBJECT_INCLUDED,
            resident=listed_person,
            filed_by="李四",
            reason="不在本社区居住",
            actor=world.staff_a,
        )
    with at(date(2026, 5, 14)):
        actions.do_decide_list_request(item, upheld=False, note="经核实不属实", actor=world.staff_a)
    election.refresh_from_db()
    rows = {d.key: d for d in deadlines.deadlines(election, date(2026, 5, 14))}
    assert rows["answers"].state == deadlines.MISSED
