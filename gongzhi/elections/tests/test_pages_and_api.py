"""Console, public and portal pages and the API: jurisdiction 404s, permissions, and what a
user sees at each step (R2.3d)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.api.tests.conftest import issue_token
from gongzhi.elections import actions
from gongzhi.elections.models import Election
from gongzhi.elections.tests.conftest import ELECTION_DAY, at, published, slate
from gongzhi.residents.models import Resident

pytestmark = pytest.mark.django_db


def api(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user)}"}


STEP_PAGES = ["detail", "voters", "proxies", "candidates", "stations", "results"]


def test_every_step_page_renders_for_community_staff(election: Election, world: Personas) -> None:
    published(election, world.staff_a)
    client = client_for(world.staff_a)
    for name in STEP_PAGES:
        response = client.get(
            f"/console/elections/{election.pk}/{'' if name == 'detail' else name + '/'}"
        )
        assert response.status_code == 200, name
    assert "选民00" in client.get(f"/console/elections/{election.pk}/voters/").content.decode()


def test_staff_of_another_community_get_404_on_every_page_and_the_api(
    election: Election, world: Personas
) -> None:
    client = client_for(world.staff_b)
    for name in STEP_PAGES:
        path = f"/console/elections/{election.pk}/{'' if name == 'detail' else name + '/'}"
        assert client.get(path).status_code == 404, name
    assert client.post(f"/console/elections/{election.pk}/voters/build/").status_code == 404
    response = Client().get(f"/api/v1/elections/{election.pk}", headers=api(world.staff_b))
    assert response.status_code == 404


def test_the_street_overview_lists_each_deadline(election: Election, world: Personas) -> None:
    page = client_for(world.street_staff).get("/console/elections/").content.decode()
    assert election.committee.name in page
    assert "选民名单公布" in page and "完成工作移交" in page


def test_the_overview_of_another_street_does_not_show_it(
    election: Election, world: Personas
) -> None:
    page = client_for(world.staff_b).get("/console/elections/").content.decode()
    assert election.committee.name not in page


def test_the_county_sees_the_election_and_a_resident_does_not_enter_the_console(
    election: Election, world: Personas
) -> None:
    assert (
        election.committee.name
        in client_for(world.county_admin).get("/console/elections/").content.decode()
    )
    assert client_for(world.resident).get("/console/elections/").status_code == 302


def test_administrators_do_not_run_elections(election: Election, world: Personas) -> None:
    response = client_for(world.system_admin).get(f"/console/elections/{election.pk}/")
    assert response.status_code == 404


def test_community_staff_cannot_open_the_scheduling_form(
    world: Personas, on_schedule_day: None
) -> None:
    assert client_for(world.staff_a).get("/console/elections/new/").status_code == 403
    assert client_for(world.street_staff).get("/console/elections/new/").status_code == 200


def test_street_staff_schedule_through_the_form(
    world: Personas, committee_a: Any, on_schedule_day: None
) -> None:
    response = client_for(world.street_staff).post(
        "/console/elections/new/",
        {
            "committee": committee_a.pk,
            "kind": "regular",
            "election_day": "2026-06-30",
            "seats_director": 1,
            "seats_deputy": 1,
            "seats_member": 3,
        },
    )
    assert response.status_code == 302
    assert Election.objects.filter(committee=committee_a).count() == 1


def test_a_refused_proxy_shows_the_rule_beside_the_field(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    response = client_for(world.staff_a).post(
        f"/console/elections/{election.pk}/proxies/",
        {"grantor": voters[0].pk, "holder": voters[0].pk, "relationship": "配偶"},
    )
    assert response.status_code == 200
    assert "不能委托本人" in response.content.decode()


def test_the_public_list_is_404_before_publication_and_readable_without_login_after(
    election: Election, world: Personas
) -> None:
    assert Client().get(f"/xuanju/{election.pk}/").status_code == 404
    published(election, world.staff_a)
    page = Client().get(f"/xuanju/{election.pk}/").content.decode()
    assert "选民名单" in page
    printable = Client().get(f"/xuanju/{election.pk}/voters/?group=none").content.decode()
    assert "选民00" in printable and "window.print" in printable
    resident = Resident.objects.get(name="选民00")
    assert resident.id_number_masked not in printable


def test_results_are_public_once_certified(
    election: Election, world: Personas, clerk2: Any
) -> None:
    made = slate(election, world.staff_a, published(election, world.staff_a))
    actions.do_save_station(election, name="第一投票站", actor=world.staff_a)
    votes = {made["director"][0].pk: 8, made["deputy_director"][0].pk: 7}
    votes.update({c.pk: 9 - i for i, c in enumerate(made["member"][:3])})
    with at(ELECTION_DAY):
        for clerk in (world.staff_a, clerk2):
            response = Client().post(
                f"/api/v1/elections/{election.pk}/stations/{election.stations.get().pk}/sheets",
                data={
                    "ballots_issued": 12,
                    "ballots_cast": 10,
                    "ballots_invalid": 0,
                    "votes": votes,
                },
                content_type="application/json",
                headers=api(clerk),
            )
            assert response.status_code == 201, response.content
        response = Client().post(
            f"/api/v1/elections/{election.pk}/actions/tally", headers=api(world.staff_a)
        )
        assert response.status_code == 200
        assert "当选" not in Client().get(f"/xuanju/{election.pk}/").content.decode()
        actions.do_certify_election(election, acknowledge_breaches=True, actor=world.staff_a)
    page = Client().get(f"/xuanju/{election.pk}/").content.decode()
    assert "当选" in page and made["director"][0].name in page
    data = (
        Client()
        .get(f"/api/v1/elections/{election.pk}/results", headers=api(world.street_staff))
        .json()
    )
    assert data["rounds"][0]["is_valid"] is True


def test_the_api_lists_elections_with_deadlines_and_refuses_scheduling_to_community_staff(
    election: Election, world: Personas, committee_b: Any
) -> None:
    data = Client().get("/api/v1/elections", headers=api(world.street_staff)).json()
    assert data["count"] == 1
    assert {d["key"] for d in data["items"][0]["deadlines"]} >= {"list_published", "handover"}
    response = Client().post(
        "/api/v1/elections",
        data={"committee": election.committee_id, "election_day": "2026-07-30", "seats_member": 4},
        content_type="application/json",
        headers=api(world.staff_a),
    )
    assert response.status_code == 403
    response = Client().post(
        "/api/v1/elections",
        data={"committee": committee_b.pk, "election_day": "2026-07-30", "seats_member": 4},
        content_type="application/json",
        headers=api(world.street_staff),
    )
    assert response.status_code == 404


def test_a_resident_sees_in_the_portal_that_they_are_on_the_list(
    election: Election, world: Personas
) -> None:
    published(election, world.staff_a)
    Resident.objects.filter(name="选民03").update(user=world.resident)
    page = client_for(world.resident).get("/portal/elections/").content.decode()
    assert "您在选民名单上" in page


def test_the_overview_reads_a_fixed_number_of_queries_whatever_the_elections(
    world: Personas,
    committee_a: Any,
    committee_b: Any,
    on_schedule_day: None,
    django_assert_max_num_queries: Any,
) -> None:
    from gongzhi.elections.tests.conftest import schedule

    schedule(world.county_admin, committee_a)
    schedule(world.county_admin, committee_b)
    client = client_for(world.county_admin)
    client.get("/console/elections/")
    with django_assert_max_num_queries(40):
        assert client.get("/console/elections/").status_code == 200


def test_committees_whose_term_has_ended_without_an_election_show_as_overdue(
    world: Personas, committee_a: Any, committee_b: Any, on_schedule_day: None
) -> None:
    from datetime import date

    from gongzhi.elections import queries
    from gongzhi.organisations.models import Organisation

    Organisation.objects.filter(pk=committee_a.pk).update(
        term_start=date(2021, 7, 1), term_end=date(2026, 4, 30)
    )
    Organisation.objects.filter(pk=committee_b.pk).update(
        term_start=date(2021, 7, 1), term_end=date(2026, 8, 31)
    )
    assert queries.committees_due(world.county_admin, date(2026, 5, 1)) == {"due": 1, "overdue": 1}
    assert queries.committees_due(world.street_staff, date(2026, 5, 1)) == {"due": 0, "overdue": 1}
    from gongzhi.elections.tests.conftest import schedule

    schedule(world.street_staff, committee_a)
    assert queries.committees_due(world.street_staff, date(2026, 5, 1)) == {"due": 0, "overdue": 0}


def test_the_ballot_prints_each_post_with_its_seats_once_candidates_are_published(
    election: Election, world: Personas
) -> None:
    client = client_for(world.staff_a)
    voters = published(election, world.staff_a)
    assert client.get(f"/console/elections/{election.pk}/ballot/").status_code == 302
    made = slate(election, world.staff_a, voters)
    page = client.get(f"/console/elections/{election.pk}/ballot/").content.decode()
    assert "应选 3 名" in page and made["member"][0].name in page and "另选他人" in page
