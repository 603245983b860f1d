"""Proxies (委托投票): written, to a near relative on the list, in time, capped, never to a
candidate (村民委员会组织法 第十五条; Inner Mongolia's measures; 民政部选举规程)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.elections import actions
from gongzhi.elections.models import Election, Proxy
from gongzhi.elections.tests.conftest import at, published

pytestmark = pytest.mark.django_db


def test_a_proxy_to_a_near_relative_is_recorded(election: Election, world: Personas) -> None:
    voters = published(election, world.staff_a)
    proxy = actions.do_record_proxy(
        election, grantor=voters[0], holder=voters[1], relationship="配偶", actor=world.staff_a
    )
    assert proxy.is_active


def test_a_fourth_proxy_to_one_holder_is_refused_with_the_cap_cited(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    holder = voters[0]
    for grantor in voters[1:4]:
        actions.do_record_proxy(
            election, grantor=grantor, holder=holder, relationship="子女", actor=world.staff_a
        )
    with pytest.raises(ValidationError) as error:
        actions.do_record_proxy(
            election, grantor=voters[4], holder=holder, relationship="子女", actor=world.staff_a
        )
    message = " ".join(error.value.message_dict["holder"])
    assert "不得超过 3 人" in message and "选举规程" in message


def test_a_candidate_may_not_hold_a_proxy(election: Election, world: Personas) -> None:
    voters = published(election, world.staff_a)
    actions.do_nominate_candidate(
        election, voter=voters[0], post="director", nominations=8, actor=world.staff_a
    )
    with pytest.raises(ValidationError) as error:
        actions.do_record_proxy(
            election, grantor=voters[1], holder=voters[0], relationship="配偶", actor=world.staff_a
        )
    assert "候选人不得接受委托" in " ".join(error.value.message_dict["holder"])


def test_a_proxy_holder_cannot_be_nominated_until_the_proxy_is_withdrawn(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    proxy = actions.do_record_proxy(
        election, grantor=voters[1], holder=voters[0], relationship="配偶", actor=world.staff_a
    )
    with pytest.raises(ValidationError):
        actions.do_nominate_candidate(
            election, voter=voters[0], post="director", nominations=8, actor=world.staff_a
        )
    actions.do_withdraw_proxy(proxy, actor=world.staff_a)
    actions.do_nominate_candidate(
        election, voter=voters[0], post="director", nominations=8, actor=world.staff_a
    )


def test_in_inner_mongolia_a_proxy_two_days_before_election_day_is_late(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    with at(date(2026, 6, 27)):
        actions.do_record_proxy(
            election, grantor=voters[0], holder=voters[1], relationship="父母", actor=world.staff_a
        )
    with at(date(2026, 6, 28)), pytest.raises(ValidationError) as error:
        actions.do_record_proxy(
            election, grantor=voters[2], holder=voters[1], relationship="父母", actor=world.staff_a
        )
    message = " ".join(error.value.message_dict["filed_on"])
    assert "3 日" in message and "内蒙古" in message


def test_a_proxy_to_someone_who_is_not_a_near_relative_is_refused(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    with pytest.raises(ValidationError) as error:
        actions.do_record_proxy(
            election, grantor=voters[0], holder=voters[1], relationship="邻居", actor=world.staff_a
        )
    assert "近亲属" in " ".join(error.value.message_dict["relationship"])


def test_a_voter_gives_one_proxy_and_a_grantor_holds_none(
    election: Election, world: Personas
) -> None:
    voters = published(election, world.staff_a)
    actions.do_record_proxy(
        election, grantor=voters[0], holder=voters[1], relationship="配偶", actor=world.staff_a
    )
    with pytest.raises(ValidationError):
        actions.do_record_proxy(
            election, grantor=voters[0], holder=voters[2], relationship="配偶", actor=world.staff_a
        )
    with pytest.raises(ValidationError):
        actions.do_record_proxy(
            election, grantor=voters[3], holder=voters[0], relationship="配偶", actor=world.staff_a
        )
    assert Proxy.objects.filter(election=election, is_active=True).count() == 1


def test_a_voter_away_files_their_own_proxy_on_the_portal(
    election: Election, world: Personas
) -> None:
    from gongzhi.accounts.testing import client_for
    from gongzhi.residents.models import Resident

    voters = published(election, world.staff_a)
    Resident.objects.filter(pk=voters[0].resident_id).update(user=world.resident)
    holder = voters[1].resident
    client = client_for(world.resident)
    page = client.get("/portal/elections/").content.decode()
    assert "委托近亲属代投" in page
    wrong = client.post(
        f"/portal/elections/{election.pk}/proxy/",
        {
            "holder_name": holder.name,
            "holder_id_number": "152201199001011234",
            "relationship": "配偶",
        },
        follow=True,
    )
    assert "没有此姓名和身份证号" in wrong.content.decode()
    # The holder's relative types the full ID number they know (the test reads it sealed).
    typed = holder.id_number.reveal()
    client.post(
        f"/portal/elections/{election.pk}/proxy/",
        {"holder_name": holder.name, "holder_id_number": typed, "relationship": "配偶"},
    )
    proxy = Proxy.objects.get(election=election)
    assert proxy.grantor == voters[0] and proxy.holder == voters[1] and proxy.channel == "portal"
    assert "您已委托" in client.get("/portal/elections/").content.decode()


def test_someone_not_on_the_list_cannot_file_a_proxy(election: Election, world: Personas) -> None:
    from gongzhi.accounts.testing import client_for

    published(election, world.staff_a)
    response = client_for(world.resident).post(
        f"/portal/elections/{election.pk}/proxy/",
        {"holder_name": "某人", "holder_id_number": "152201199001011234", "relationship": "配偶"},
    )
    assert response.status_code == 404
