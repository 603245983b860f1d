"""Console, portal and API of polls: jurisdiction 404s, the resident's vote and what the
resident sees of it afterwards (that they voted, never what they chose in secret), results
hidden until the close."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.api.tests.conftest import issue_token
from gongzhi.polls import actions
from gongzhi.polls.models import Poll, Turnout
from gongzhi.polls.tests.conftest import make_poll, option_ids, voter
from gongzhi.residents.tests.helpers import new_id

pytestmark = pytest.mark.django_db


def api(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def test_staff_of_another_community_get_404_everywhere(world: Personas, poll: Poll) -> None:
    booth = actions.do_add_booth(poll, name="第一投票站", actor=world.staff_a)
    other = client_for(world.staff_b)
    for path in (
        f"/console/polls/{poll.pk}/",
        f"/console/polls/{poll.pk}/edit/",
        f"/console/polls/{poll.pk}/turnout/",
        f"/console/polls/{poll.pk}/booths/{booth.pk}/results/",
    ):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/console/polls/{poll.pk}/close/").status_code == 404
    response = Client().get(f"/api/v1/polls/{poll.pk}", headers=api(world.staff_b))
    assert response.status_code == 404
    assert client_for(world.street_staff).get(f"/console/polls/{poll.pk}/").status_code == 200


def test_a_resident_of_another_community_gets_404(
    world: Personas, poll: Poll, outsider: Any
) -> None:
    client = client_for(outsider)
    assert client.get(f"/portal/polls/{poll.pk}/").status_code == 404
    assert (
        client.post(f"/portal/polls/{poll.pk}/vote/", {"choices": option_ids(poll)[0]}).status_code
        == 404
    )
    response = Client().post(
        f"/api/v1/polls/{poll.pk}/vote",
        {"choices": option_ids(poll)[:1]},
        content_type="application/json",
        headers=api(outsider),
    )
    assert response.status_code == 404


def test_a_resident_votes_in_the_portal_and_sees_only_that_they_voted(
    world: Personas, poll: Poll, alice: Any
) -> None:
    client = client_for(alice)
    listing = client.get("/portal/polls/").content.decode()
    assert poll.title in listing and "去投票" in listing
    page = client.get(f"/portal/polls/{poll.pk}/").content.decode()
    assert "提交投票" in page and "不同意" in page
    chosen = option_ids(poll)[1]  # 不同意
    response = client.post(f"/portal/polls/{poll.pk}/vote/", {"choices": chosen})
    assert response.status_code == 302
    after = client.get(f"/portal/polls/{poll.pk}/").content.decode()
    assert "您已投票" in after
    assert "不同意" not in after  # neither the choice nor the ballot is shown again
    again = client.post(f"/portal/polls/{poll.pk}/vote/", {"choices": chosen})
    assert again.status_code == 422
    assert Turnout.objects.filter(poll=poll).count() == 1


def test_a_minor_sees_why_they_cannot_vote(world: Personas, poll: Poll, minor: Any) -> None:
    page = client_for(minor).get(f"/portal/polls/{poll.pk}/").content.decode()
    assert "本次投票仅限年满18周岁的居民参加。" in page and "提交投票" not in page


def test_console_hides_counts_until_the_close(world: Personas, poll: Poll, alice: Any) -> None:
    actions.do_cast_vote(poll, choices=option_ids(poll)[:1], actor=alice)
    client = client_for(world.staff_a)
    before = client.get(f"/console/polls/{poll.pk}/").content.decode()
    assert "本次投票截止后才显示计票结果。" in before and "网上 1" not in before
    assert client.post(f"/console/polls/{poll.pk}/close/").status_code == 302
    after = client.get(f"/console/polls/{poll.pk}/").content.decode()
    assert "网上 1" in after and "第十条" in after
    turnout = client.get(f"/console/polls/{poll.pk}/turnout/").content.decode()
    assert "alice" in turnout and "所投选项" not in turnout


def test_staff_draft_open_and_mark_paper_voters_in_the_console(world: Personas) -> None:
    number = new_id()
    alice = voter("paper_alice", id_number=number)
    client = client_for(world.staff_a)
    response = client.post(
        "/console/polls/new/",
        {
            "region": "152201001001",
            "title": "健身器材选址",
            "question": "新健身器材放在哪里？",
            "options": "北广场\n南门绿地\n",
            "choice_kind": "single",
            "opens_at": "2020-01-01T08:00",
            "closes_at": "2099-01-01T18:00",
            "is_secret": "on",
            "results_visibility": "after_close",
            "adults_only": "on",
            "include_migrants": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    poll = Poll.objects.get(title="健身器材选址")
    assert client.post(f"/console/polls/{poll.pk}/open/").status_code == 302
    assert (
        client.post(f"/console/polls/{poll.pk}/booths/new/", {"name": "北广场投票站"}).status_code
        == 302
    )
    booth = poll.booths.get()
    found = client.get(f"/console/polls/{poll.pk}/turnout/", {"q": number[-6:]}).content.decode()
    assert "登记领票" in found
    client.post(
        f"/console/polls/{poll.pk}/turnout/mark/", {"booth": booth.pk, "resident": alice.record.pk}
    )
    assert Turnout.objects.get(poll=poll).channel == "paper"


def test_the_api_votes_and_hides_a_secret_choice(world: Personas, alice: Any) -> None:
    poll = make_poll(world.staff_a)
    headers = api(alice)
    listed = Client().get("/api/v1/polls", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [poll.pk]
    assert listed["items"][0]["results"] is None
    response = Client().post(
        f"/api/v1/polls/{poll.pk}/vote",
        {"choices": option_ids(poll)[:1]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201 and response.json()["choices"] is None
    again = Client().post(
        f"/api/v1/polls/{poll.pk}/vote",
        {"choices": option_ids(poll)[:1]},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 422
    assert again.json()["fields"]["poll"] == "您已经投过票了，每人只能投一次"
    mine = Client().get(f"/api/v1/polls/{poll.pk}", headers=headers).json()["my_vote"]
    assert mine["channel"] == "online" and mine["choices"] is None
