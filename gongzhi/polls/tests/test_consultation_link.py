"""A poll that belongs to a consultation (R2.3e, R3.1a): who may link it to which
consultation, and residents vote in it only while the consultation's current phase opens
voting (``Feature.POLL``); an unlinked poll is not affected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.api.tests.conftest import issue_token
from gongzhi.consultations import actions as consultation_actions
from gongzhi.consultations.enums import ConsultationForm, Feature, PhaseKey
from gongzhi.consultations.models import Consultation
from gongzhi.ledger.models import Event, EventType
from gongzhi.polls import actions
from gongzhi.polls.models import Turnout
from gongzhi.polls.tests.conftest import make_poll, option_ids

pytestmark = pytest.mark.django_db

COMMUNITY_A2 = "152201001002"  # another community of 爱国街道


def consultation_in(staff: Any, community: str = COMMUNITY_A, **accept: Any) -> Consultation:
    topic = consultation_actions.do_raise_topic(
        community=community,
        title="东门空地的用途",
        description="东门空地闲置多年，社区提议协商其用途。",
        actor=staff,
    )
    return consultation_actions.do_accept_topic(
        topic, form=ConsultationForm.RESIDENTS_MEETING, actor=staff, **accept
    )


def in_phase(consultation: Consultation, phase: PhaseKey) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(phase=phase)
    return Consultation.objects.get(pk=consultation.pk)


def api(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def test_staff_link_a_poll_to_a_consultation_of_its_place(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    poll = make_poll(world.staff_a, open_it=False, consultation=consultation.pk)
    assert poll.consultation == consultation
    assert list(consultation.polls.all()) == [poll]
    event = Event.objects.filter(type=EventType.POLL_SAVED).latest("seq")
    assert event.summary["consultation"] == consultation.pk


def test_a_consultation_out_of_sight_cannot_be_linked(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    with pytest.raises(ValidationError) as refused:
        make_poll(world.staff_b, region="152201002001", consultation=consultation.pk)
    assert refused.value.message_dict["consultation"] == ["请选择您辖区内的协商事项"]


def test_the_poll_must_be_run_by_a_place_taking_part(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    with pytest.raises(ValidationError) as refused:
        make_poll(world.street_staff, region=COMMUNITY_A2, consultation=consultation.pk)
    assert "须是其牵头辖区或参与社区：万佳社区居委会" in refused.value.message_dict["region"][0]


def test_a_cross_community_consultation_takes_polls_of_the_street_and_its_communities(
    world: Personas,
) -> None:
    # R3.1a: led by the street, both communities take part.
    consultation = consultation_in(world.street_staff, affected=[COMMUNITY_A2])
    assert consultation.region_code == "152201001"
    for region in ("152201001", COMMUNITY_A, COMMUNITY_A2):
        poll = make_poll(
            world.street_staff, region=region, open_it=False, consultation=consultation
        )
        assert poll.consultation_id == consultation.pk


def test_residents_vote_only_while_the_phase_opens_voting(world: Personas, alice: Any) -> None:
    consultation = consultation_in(world.staff_a)
    poll = make_poll(world.staff_a, consultation=consultation)
    choice = option_ids(poll)[:1]
    with pytest.raises(ValidationError) as refused:
        actions.do_cast_vote(poll, choices=choice, actor=alice)
    message = refused.value.message_dict["poll"][0]
    assert "东门空地的用途" in message and "“征集”阶段" in message and "不开放投票" in message
    assert not Turnout.objects.filter(poll=poll).exists()
    in_phase(consultation, PhaseKey.DECIDE)  # the blueprint opens voting in 决策
    actions.do_cast_vote(poll, choices=choice, actor=alice)
    assert Turnout.objects.filter(poll=poll, resident=alice.record).exists()


def test_switching_voting_on_in_a_phase_opens_the_poll(
    world: Personas, alice: Any, bob: Any
) -> None:
    consultation = consultation_in(world.staff_a)
    poll = make_poll(world.staff_a, consultation=consultation)
    assert actions.voting_window_error(poll) is not None
    consultation_actions.do_set_phase_features(
        consultation,
        phase=PhaseKey.COLLECT,
        features=[Feature.COMMENT, Feature.POLL],
        actor=world.staff_a,
    )
    assert actions.voting_window_error(poll) is None
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    consultation = consultation_actions.do_advance_phase(consultation, actor=world.staff_a)
    with pytest.raises(ValidationError, match="“协商”阶段"):
        actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=bob)


def test_an_unlinked_poll_takes_votes_in_any_case(world: Personas, alice: Any) -> None:
    consultation_in(world.staff_a)
    poll = make_poll(world.staff_a)
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    assert actions.phase_error(poll) is None


def test_a_booth_hands_out_no_ballot_while_the_phase_is_closed(world: Personas, alice: Any) -> None:
    consultation = consultation_in(world.staff_a)
    poll = make_poll(world.staff_a, open_it=False, consultation=consultation)
    booth = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    poll = actions.do_open_poll(poll, actor=world.staff_a)
    with pytest.raises(ValidationError) as refused:
        actions.do_mark_paper_voter(booth, alice.record, actor=world.staff_a)
    assert "不开放投票" in refused.value.message_dict["resident"][0]
    in_phase(consultation, PhaseKey.DECIDE)
    actions.do_mark_paper_voter(booth, alice.record, actor=world.staff_a)


def test_the_portal_names_the_phase_and_offers_no_ballot(world: Personas, alice: Any) -> None:
    consultation = consultation_in(world.staff_a)
    poll = make_poll(world.staff_a, consultation=consultation)
    client = client_for(alice)
    page = client.get(f"/portal/polls/{poll.pk}/").content.decode()
    assert "当前处于“征集”阶段，现在不开放投票" in page
    assert 'name="choices"' not in page
    response = client.post(f"/portal/polls/{poll.pk}/vote/", {"choices": option_ids(poll)[0]})
    assert response.status_code == 422
    assert "不开放投票" in response.content.decode()
    listed = client.get("/portal/polls/").content.decode()
    assert "去投票" not in listed
    in_phase(consultation, PhaseKey.DECIDE)
    assert 'name="choices"' in client.get(f"/portal/polls/{poll.pk}/").content.decode()


def test_the_console_form_preselects_the_consultation(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    client = client_for(world.staff_a)
    page = client.get(f"/console/polls/new/?consultation={consultation.pk}").content.decode()
    assert f'<option value="{consultation.pk}" selected>' in page
    assert f'<option value="{COMMUNITY_A}" selected>' in page
    assert (
        client_for(world.staff_b)
        .get(f"/console/polls/new/?consultation={consultation.pk}")
        .status_code
        == 404
    )
    response = client.post(
        "/console/polls/new/",
        {
            "consultation": consultation.pk,
            "region": COMMUNITY_A,
            "title": "东门空地用途投票",
            "question": "东门空地用作什么？",
            "options": "停车位\n健身场地",
            "choice_kind": "single",
            "opens_at": "2030-01-01T08:00",
            "closes_at": "2030-01-10T08:00",
            "is_secret": "on",
            "results_visibility": "after_close",
        },
    )
    assert response.status_code == 302
    poll = consultation.polls.get()
    detail = client.get(f"/console/polls/{poll.pk}/").content.decode()
    assert f"/console/consultations/consultations/{consultation.pk}/" in detail


def test_the_api_reads_and_writes_consultation_id(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    payload = {
        "region": COMMUNITY_A,
        "title": "东门空地用途投票",
        "question": "东门空地用作什么？",
        "options": ["停车位", "健身场地"],
        "opens_at": "2030-01-01T08:00:00+08:00",
        "closes_at": "2030-01-10T08:00:00+08:00",
        "consultation_id": consultation.pk,
    }
    created = Client().post(
        "/api/v1/polls", payload, content_type="application/json", headers=api(world.staff_a)
    )
    assert created.status_code == 201, created.content
    assert created.json()["consultation_id"] == consultation.pk
    listed = (
        Client()
        .get(f"/api/v1/polls?consultation_id={consultation.pk}", headers=api(world.staff_a))
        .json()
    )
    assert [p["id"] for p in listed["items"]] == [created.json()["id"]]
    refused = Client().post(
        "/api/v1/polls",
        {**payload, "region": "152201002001"},
        content_type="application/json",
        headers=api(world.staff_b),
    )
    assert refused.status_code == 422
    assert refused.json()["fields"]["consultation_id"] == "请选择您辖区内的协商事项"
