"""An opinion map that belongs to a consultation (R2.3e, R3.1a, R3.1d): who may link it,
and residents vote and add statements only while the consultation's current phase opens
commenting (``Feature.COMMENT``); staff and unlinked maps are not held by a phase."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.api.tests.conftest import issue_token
from gongzhi.consultations import actions as consultation_actions
from gongzhi.consultations.enums import ConsultationForm, PhaseKey
from gongzhi.consultations.models import Consultation
from gongzhi.opinions import actions
from gongzhi.opinions.models import Conversation, Vote
from gongzhi.opinions.tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

COMMUNITY_A2 = "152201001002"  # another community of 爱国街道


def consultation_in(staff: Any, form: str = ConsultationForm.RESIDENTS_MEETING) -> Consultation:
    topic = consultation_actions.do_raise_topic(
        community=COMMUNITY_A,
        title="小区停车难",
        description="车位不够，晚归居民常常找不到车位。",
        actor=staff,
    )
    return consultation_actions.do_accept_topic(topic, form=form, actor=staff)


def in_phase(consultation: Consultation, phase: PhaseKey) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(phase=phase)
    return Consultation.objects.get(pk=consultation.pk)


def linked_map(staff: Any, consultation: Consultation) -> Conversation:
    return actions.do_create_conversation(
        region=COMMUNITY_A,
        title="停车位怎么分",
        statements=SEEDS,
        moderate_first=False,
        consultation=consultation.pk,
        actor=staff,
    )


def test_staff_link_a_map_to_a_consultation_of_its_place(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    conversation = linked_map(world.staff_a, consultation)
    assert list(consultation.opinion_maps.all()) == [conversation]
    with pytest.raises(ValidationError) as refused:
        actions.do_create_conversation(
            region=COMMUNITY_A2, title="停车", consultation=consultation, actor=world.street_staff
        )
    assert "须是其牵头辖区或参与社区" in refused.value.message_dict["region"][0]
    with pytest.raises(ValidationError) as hidden:
        actions.do_create_conversation(
            region="152201002001", title="停车", consultation=consultation, actor=world.staff_b
        )
    assert hidden.value.message_dict["consultation"] == ["请选择您辖区内的协商事项"]


def test_editing_links_and_unlinks(world: Personas, conversation: Conversation) -> None:
    consultation = consultation_in(world.staff_a)
    edited = actions.do_edit_conversation(
        conversation, title=conversation.title, consultation=consultation, actor=world.staff_a
    )
    assert edited.consultation == consultation
    edited = actions.do_edit_conversation(conversation, title="小区停车", actor=world.staff_a)
    assert edited.consultation is None


def test_residents_vote_only_while_the_phase_opens_comments(
    world: Personas, neighbour: Any
) -> None:
    consultation = consultation_in(world.staff_a)
    conversation = linked_map(world.staff_a, consultation)
    statement = conversation.statements.first()
    assert statement is not None
    actions.do_vote(statement, 1, actor=neighbour)  # 征集 opens comments
    in_phase(consultation, PhaseKey.DECIDE)  # 决策 does not (blueprints.MEETING)
    with pytest.raises(ValidationError) as refused:
        actions.do_vote(statement, -1, actor=neighbour)
    message = refused.value.message_dict["value"][0]
    assert "小区停车难" in message and "“决策”阶段" in message and "不开放发表意见" in message
    assert Vote.objects.get(statement=statement, voter=neighbour).value == 1
    with pytest.raises(ValidationError, match="“决策”阶段"):
        actions.do_add_statement(conversation, text="地下车库对外开放", actor=neighbour)
    # Staff add statements whatever the phase.
    actions.do_add_statement(conversation, text="错峰共享单位车位", actor=world.staff_a)


def test_an_unlinked_map_takes_votes_in_any_case(
    world: Personas, conversation: Conversation, neighbour: Any
) -> None:
    in_phase(consultation_in(world.staff_a), PhaseKey.DECIDE)
    statement = conversation.statements.first()
    assert statement is not None
    actions.do_vote(statement, 1, actor=neighbour)
    assert actions.phase_error(conversation) is None


def test_the_portal_names_the_phase_and_hides_the_buttons(world: Personas, neighbour: Any) -> None:
    consultation = in_phase(consultation_in(world.staff_a), PhaseKey.DECIDE)
    conversation = linked_map(world.staff_a, consultation)
    client = client_for(neighbour)
    page = client.get(reverse("portal:opinion", args=[conversation.pk])).content.decode()
    assert "当前处于“决策”阶段，现在不开放发表意见" in page
    assert 'name="value"' not in page
    statement = conversation.statements.first()
    assert statement is not None
    client.post(reverse("portal:opinion_vote", args=[conversation.pk, statement.pk]), {"value": 1})
    assert not Vote.objects.filter(voter=neighbour).exists()


def test_the_console_form_preselects_the_consultation(world: Personas) -> None:
    consultation = consultation_in(world.staff_a)
    client = client_for(world.staff_a)
    url = f"{reverse('opinions:create')}?consultation={consultation.pk}"
    page = client.get(url).content.decode()
    assert f'<option value="{consultation.pk}" selected>' in page
    assert client_for(world.staff_b).get(url).status_code == 404
    response = client.post(
        url,
        {
            "consultation": consultation.pk,
            "region": COMMUNITY_A,
            "title": "停车位怎么分",
            "statements": "\n".join(SEEDS),
            "allow_statements": "on",
        },
    )
    assert response.status_code == 302
    conversation = consultation.opinion_maps.get()
    detail = client.get(reverse("opinions:detail", args=[conversation.pk])).content.decode()
    assert reverse("consultations:consultation", args=[consultation.pk]) in detail
    api = Client().get(
        f"/api/v1/opinions/conversations/{conversation.pk}",
        headers={"Authorization": f"Bearer {issue_token(world.staff_a)}"},
    )
    assert api.json()["consultation_id"] == consultation.pk
