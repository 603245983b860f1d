"""The election mode (选举方式) chosen when scheduling, and direct-election coverage on the
overview beside turnout and the shares of women, local residents and smaller ethnic groups
among the elected (R2.3d 扩大直接选举覆盖面; 城市居民委员会组织法 第八条; 村民委员会组织法
第十一条)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.elections import actions, queries
from gongzhi.elections.enums import ElectionMode, ElectionStatus
from gongzhi.elections.models import Election
from gongzhi.elections.tests.conftest import ELECTION_DAY, at, published, schedule, slate
from gongzhi.organisations.actions import do_save_organisation
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(world: Personas) -> Organisation:
    return do_save_organisation(
        Organisation(
            kind=OrganisationKind.VILLAGERS_COMMITTEE,
            name="红光村民委员会",
            region=Region.objects.get(region_code="152201008201"),
        ),
        actor=None,
    )


def test_a_residents_committee_is_elected_directly_unless_another_mode_is_chosen(
    world: Personas, committee_a: Any, on_schedule_day: None
) -> None:
    assert schedule(world.street_staff, committee_a).mode == ElectionMode.DIRECT
    allowed, rule = actions.allowed_modes(committee_a, ELECTION_DAY)
    assert allowed[0] == ElectionMode.DIRECT and len(allowed) == 3
    assert rule is not None and "2025年修订" in rule.source
    _allowed, rule = actions.allowed_modes(committee_a, date(2025, 6, 30))
    assert rule is not None and "（2018年修正）第八条" in rule.source


def test_a_residents_committee_may_be_elected_by_household_representatives(
    world: Personas, committee_a: Any, on_schedule_day: None
) -> None:
    election = schedule(world.street_staff, committee_a, mode=ElectionMode.HOUSEHOLD)
    assert election.mode == ElectionMode.HOUSEHOLD


def test_a_villagers_committee_is_only_elected_directly_and_the_law_is_cited(
    world: Personas, village: Organisation, on_schedule_day: None
) -> None:
    assert schedule(world.county_admin, village, seats_member=2).mode == ElectionMode.DIRECT
    Election.objects.filter(committee=village).update(status=ElectionStatus.CANCELLED)
    with pytest.raises(ValidationError) as error:
        schedule(world.county_admin, village, seats_member=2, mode=ElectionMode.HOUSEHOLD)
    assert "第十一条" in str(error.value.message_dict["mode"])


def test_the_scheduling_form_offers_the_mode(
    world: Personas, committee_a: Any, on_schedule_day: None
) -> None:
    client = client_for(world.street_staff)
    assert "户代表选举" in client.get("/console/elections/new/").content.decode()
    response = client.post(
        "/console/elections/new/",
        {
            "committee": committee_a.pk,
            "kind": "regular",
            "mode": "group_representatives",
            "election_day": "2026-06-30",
            "seats_director": 1,
            "seats_deputy": 1,
            "seats_member": 3,
        },
    )
    assert response.status_code == 302
    assert Election.objects.get().mode == ElectionMode.GROUP_REPRESENTATIVES


def certified(election: Election, staff: Any, clerk2: Any) -> Election:
    """Run ``election`` from the list to certification through the actions."""
    made = slate(election, staff, published(election, staff))
    actions.do_save_station(election, name="第一投票站", actor=staff)
    votes = {
        made["director"][0].pk: 8,
        made["deputy_director"][0].pk: 7,
        made["member"][0].pk: 9,
        made["member"][1].pk: 8,
        made["member"][2].pk: 6,
    }
    with at(ELECTION_DAY):
        for clerk in (staff, clerk2):
            actions.do_enter_sheet(
                election.stations.get(),
                ballots_issued=12,
                ballots_cast=10,
                ballots_invalid=0,
                votes=votes,
                actor=clerk,
            )
        actions.do_tally(election, actor=staff)
        actions.do_certify_election(election, acknowledge_breaches=True, actor=staff)
    election.refresh_from_db()
    return election


def test_the_overview_shows_direct_coverage_turnout_and_the_new_members_shares(
    election: Election, world: Personas, clerk2: Any
) -> None:
    certified(election, world.staff_a, clerk2)
    numbers = queries.stats(queries.elections_for(world.county_admin), date(2026, 7, 1))
    assert (numbers["direct"], numbers["committees_elected"], numbers["direct_share"]) == (
        1,
        1,
        100.0,
    )
    assert numbers["turnout"] == round(10 * 100 / 12, 1)
    # Elected: the director and deputy are women (voters 0 and 2), the members men.
    assert (numbers["elected"], numbers["women_share"], numbers["local_share"]) == (5, 40.0, 100.0)
    assert numbers["minority_share"] == 0.0
    with at(date(2026, 7, 1)):
        page = client_for(world.county_admin).get("/console/elections/").content.decode()
    assert "直接选举覆盖面" in page and "100.0%" in page and "1/1 个委员会" in page
    assert "选民直接选举" in page


def test_a_later_indirect_election_of_the_same_committee_lowers_the_coverage(
    election: Election, world: Personas, clerk2: Any
) -> None:
    certified(election, world.staff_a, clerk2)
    numbers = queries.stats(queries.elections_for(world.county_admin), date(2026, 7, 1))
    assert numbers["direct_share"] == 100.0
    # Move the certified election five years back and store the row a later certified
    # election by household representatives leaves: the latest election is the one that
    # counts, as the current term is what it made.
    Election.objects.filter(pk=election.pk).update(certified_on=date(2021, 6, 30))
    Election.objects.create(
        committee=election.committee,
        region=election.region,
        region_code=election.region_code,
        mode=ElectionMode.HOUSEHOLD,
        status=ElectionStatus.CERTIFIED,
        election_day=date(2026, 6, 30),
        certified_on=date(2026, 6, 30),
    )
    numbers = queries.stats(queries.elections_for(world.county_admin), date(2026, 7, 1))
    assert (numbers["direct"], numbers["committees_elected"]) == (0, 1)
    assert ("户代表选举", 1) in numbers["modes"]
