"""Console, portal and API of the opinion map: staff see the groups (the minority's too,
R3.1d), residents vote one statement at a time and see where they stand; jurisdiction
404s everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.api.tests.conftest import ApiClient, issue_token
from gongzhi.opinions import actions
from gongzhi.opinions.models import Conversation, Statement, Vote
from gongzhi.opinions.tests.conftest import link_record

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def voted(conversation: Conversation, world: Personas) -> Conversation:
    """Eight residents of A who agree with every statement, four who disagree with all."""
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    for i in range(12):
        user = make_user(f"voter{i}", "resident", COMMUNITY_A, full_name=f"居民{i}")
        link_record(user, COMMUNITY_A, name=f"居民{i}")
        for n, statement in enumerate(statements):
            value = ("agree" if n != 2 else "pass") if i < 8 else "disagree"
            actions.do_vote(statement, value, actor=user)
    for statement in statements:
        actions.do_vote(statement, "agree", actor=world.resident)
    actions.do_compute_opinion_map(conversation, actor=world.staff_a)
    return conversation


def test_the_console_shows_every_group_with_its_statements(
    client: Client, voted: Conversation, world: Personas
) -> None:
    response = login(client, world.staff_a).get(reverse("opinions:detail", args=[voted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "circle" in html
    assert "观点组 A" in html and "观点组 B" in html
    assert "少数意见" in html
    assert "重新计算" in html


def test_the_console_list_and_navigation(
    client: Client, conversation: Conversation, world: Personas
) -> None:
    response = login(client, world.street_staff).get(reverse("opinions:index"))
    assert response.status_code == 200
    assert conversation.title in response.content.decode()
    assert (
        reverse("opinions:index")
        in login(client, world.staff_a).get(reverse("console:home")).content.decode()
    )


def test_staff_of_another_community_get_404_pages(
    client: Client, conversation: Conversation, world: Personas
) -> None:
    login(client, world.staff_b)
    statement = Statement.objects.filter(conversation=conversation).first()
    assert statement is not None
    assert client.get(reverse("opinions:detail", args=[conversation.pk])).status_code == 404
    assert client.post(reverse("opinions:recompute", args=[conversation.pk])).status_code == 404
    assert (
        client.post(
            reverse("opinions:statement_moderate", args=[statement.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    assert conversation.title not in client.get(reverse("opinions:index")).content.decode()


def test_staff_create_a_conversation_from_the_form(client: Client, world: Personas) -> None:
    login(client, world.staff_a)
    response = client.post(
        reverse("opinions:create"),
        {
            "region": COMMUNITY_A,
            "title": "垃圾分类怎么推进",
            "statements": "应当设置定时定点投放\n应当给分类好的家庭积分\n",
            "allow_statements": "on",
            "moderate_first": "on",
        },
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert conversation.statements.count() == 2
    bad = client.post(reverse("opinions:create"), {"region": "", "title": ""})
    assert bad.status_code == 200
    assert "请填写议题" in bad.content.decode()


def test_the_recompute_button_computes(
    client: Client, conversation: Conversation, world: Personas
) -> None:
    response = login(client, world.staff_a).post(
        reverse("opinions:recompute", args=[conversation.pk]), follow=True
    )
    assert response.status_code == 200
    assert "还没有居民表态" in response.content.decode()


def test_a_resident_votes_one_statement_at_a_time(
    client: Client, conversation: Conversation, world: Personas
) -> None:
    login(client, world.resident)
    page = client.get(reverse("portal:opinion", args=[conversation.pk]))
    first = Statement.objects.filter(conversation=conversation).order_by("id").first()
    assert first is not None
    assert first.text in page.content.decode()
    client.post(reverse("portal:opinion_vote", args=[conversation.pk, first.pk]), {"value": "1"})
    after = client.get(reverse("portal:opinion", args=[conversation.pk])).content.decode()
    assert first.text not in after
    # Changing the vote from the statement's own page.
    client.post(reverse("portal:opinion_vote", args=[conversation.pk, first.pk]), {"value": "-1"})
    assert Vote.objects.get(statement=first, voter=world.resident).value == -1


def test_a_resident_adds_a_statement_and_sees_it_pending(
    client: Client, conversation: Conversation, world: Personas
) -> None:
    login(client, world.resident)
    url = reverse("portal:opinion_statement_new", args=[conversation.pk])
    response = client.post(url, {"text": "停车位应当优先给本小区居民"}, follow=True)
    assert "审核后公开" in response.content.decode()
    assert "待审核" in client.get(url).content.decode()


def test_a_resident_sees_the_groups_and_where_they_stand(
    client: Client, voted: Conversation, world: Personas
) -> None:
    response = login(client, world.resident).get(reverse("portal:opinion_groups", args=[voted.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "您在观点组" in html
    assert "我的表态" in html


def test_a_resident_of_another_community_gets_404(
    client: Client, conversation: Conversation, resident_b: Any
) -> None:
    login(client, resident_b)
    assert client.get(reverse("portal:opinion", args=[conversation.pk])).status_code == 404
    assert client.get(reverse("portal:opinion_groups", args=[conversation.pk])).status_code == 404
    assert conversation.title not in client.get(reverse("portal:opinions")).content.decode()


def test_the_api_lists_statements_and_takes_votes(
    voted: Conversation, world: Personas, resident_b: Any
) -> None:
    api = ApiClient(issue_token(world.resident))
    listing = api.get("/api/v1/opinions/conversations").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == voted.pk
    statements = api.get(f"/api/v1/opinions/conversations/{voted.pk}/statements").json()
    assert all(s["my_vote"] == "agree" for s in statements)
    target = statements[0]["id"]
    answer = api.post(f"/api/v1/opinions/statements/{target}/vote", {"value": "disagree"})
    assert answer.status_code == 200 and answer.json()["value"] == "disagree"
    bad = api.post(f"/api/v1/opinions/statements/{target}/vote", {"value": "x"})
    assert bad.status_code == 422
    groups = api.get(f"/api/v1/opinions/conversations/{voted.pk}/map").json()
    assert len(groups["groups"]) >= 2 and groups["my_group"] is not None
    outsider = ApiClient(issue_token(resident_b))
    assert outsider.get(f"/api/v1/opinions/conversations/{voted.pk}").status_code == 404
    refused = outsider.post(f"/api/v1/opinions/statements/{target}/vote", {"value": "agree"})
    assert refused.status_code == 404
    staff_b = ApiClient(issue_token(world.staff_b))
    assert staff_b.get("/api/v1/opinions/conversations").json()["count"] == 0
