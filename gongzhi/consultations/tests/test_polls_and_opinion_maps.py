"""A consultation uses polls and opinion maps (R2.3e, R3.1d): staff see them on the
consultation's page and start new ones from it, residents find the open ones on the
topic's page, and the participation record (R3.1f) counts them — that a resident voted,
never how in a secret poll."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.consultations.enums import PhaseKey
from gongzhi.consultations.models import Consultation
from gongzhi.opinions import actions as opinion_actions
from gongzhi.opinions.models import Conversation
from gongzhi.polls import actions as poll_actions
from gongzhi.polls.models import Poll
from gongzhi.residents.models import Resident

pytestmark = pytest.mark.django_db

SECRET_OPTIONS = ["六盏太阳能路灯甲方案", "四盏市电路灯乙方案"]


def in_phase(consultation: Consultation, phase: PhaseKey) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(phase=phase)
    return Consultation.objects.get(pk=consultation.pk)


def linked_poll(staff: Any, consultation: Consultation, title: str = "路灯方案投票") -> Poll:
    now = timezone.now()
    poll = poll_actions.do_save_poll(
        region=COMMUNITY_A,
        title=title,
        question="北门加装哪种路灯？",
        options=SECRET_OPTIONS,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        consultation=consultation,
        actor=staff,
    )
    return poll_actions.do_open_poll(poll, actor=staff)


def linked_map(staff: Any, consultation: Consultation) -> Conversation:
    return opinion_actions.do_create_conversation(
        region=COMMUNITY_A,
        title="路灯装在哪里",
        statements=["路灯应当避开一楼住户的窗户", "北门到菜市场一段最需要照明"],
        moderate_first=False,
        consultation=consultation,
        actor=staff,
    )


def test_the_console_page_lists_them_and_starts_new_ones(
    world: Personas, consultation: Consultation
) -> None:
    poll = linked_poll(world.staff_a, consultation)
    conversation = linked_map(world.staff_a, consultation)
    page = (
        client_for(world.staff_a)
        .get(reverse("consultations:consultation", args=[consultation.pk]))
        .content.decode()
    )
    assert "投票与意见地图" in page
    assert reverse("polls:detail", args=[poll.pk]) in page and "投票中" in page
    assert reverse("opinions:detail", args=[conversation.pk]) in page and "征集中" in page
    assert f"{reverse('polls:create')}?consultation={consultation.pk}" in page
    assert f"{reverse('opinions:create')}?consultation={consultation.pk}" in page
    assert "当前“征集”阶段不开放投票" in page
    # A grid worker reads the page, without the buttons.
    grid = (
        client_for(world.grid_worker)
        .get(reverse("consultations:consultation", args=[consultation.pk]))
        .content.decode()
    )
    assert "路灯方案投票" in grid and "为本协商发起投票" not in grid


def test_the_resident_finds_the_open_ones_on_the_topic_page(
    world: Personas, consultation: Consultation, neighbour: Any
) -> None:
    poll = linked_poll(world.staff_a, consultation)
    conversation = linked_map(world.staff_a, consultation)
    draft = poll_actions.do_save_poll(
        region=COMMUNITY_A,
        title="尚未发布的草稿投票",
        question="？",
        options=["是", "否"],
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        consultation=consultation,
        actor=world.staff_a,
    )
    client = client_for(neighbour)
    url = reverse("portal:topic", args=[consultation.topic_id])
    page = client.get(url).content.decode()
    assert reverse("portal:poll", args=[poll.pk]) in page
    assert reverse("portal:opinion", args=[conversation.pk]) in page
    assert draft.title not in page
    # In 征集 the map is open (comments), the poll is not (voting opens in 决策).
    assert "不开放投票" in page and "去表态" in page and "去投票" not in page
    in_phase(consultation, PhaseKey.DECIDE)
    page = client.get(url).content.decode()
    assert "去投票" in page and "不开放发表意见" in page
    poll_actions.do_cast_vote(poll, choices=[poll.options.first().pk], actor=neighbour)  # type: ignore[union-attr]
    assert "您已投票" in client.get(url).content.decode()


def test_my_participation_lists_polls_and_opinion_maps_without_choices(
    world: Personas, consultation: Consultation, neighbour: Any
) -> None:
    consultation = in_phase(consultation, PhaseKey.DECIDE)
    poll = linked_poll(world.staff_a, consultation)
    poll_actions.do_cast_vote(poll, choices=[poll.options.first().pk], actor=neighbour)  # type: ignore[union-attr]
    consultation = in_phase(consultation, PhaseKey.DELIBERATE)
    conversation = linked_map(world.staff_a, consultation)
    for statement in conversation.statements.all():
        opinion_actions.do_vote(statement, 1, actor=neighbour)
    opinion_actions.do_add_statement(conversation, text="路灯要有定时开关", actor=neighbour)
    page = client_for(neighbour).get(reverse("portal:my_participation")).content.decode()
    assert "我参加的投票（1）" in page and "路灯方案投票" in page and "网上投票" in page
    assert "无记名投票，不记录您投了哪一项" in page
    for label in SECRET_OPTIONS:
        assert label not in page
    assert "我参与的意见地图（1）" in page and "表态 2 次，提出观点 1 条" in page
    # A neighbour who did nothing sees empty sections.
    empty = client_for(world.resident).get(reverse("portal:my_participation")).content.decode()
    assert "我参加的投票（0）" in empty and "我参与的意见地图（0）" in empty


def test_staff_see_the_same_counts(
    world: Personas, consultation: Consultation, neighbour: Any
) -> None:
    consultation = in_phase(consultation, PhaseKey.DECIDE)
    poll = linked_poll(world.staff_a, consultation)
    poll_actions.do_cast_vote(poll, choices=[poll.options.first().pk], actor=neighbour)  # type: ignore[union-attr]
    consultation = in_phase(consultation, PhaseKey.COLLECT)
    conversation = linked_map(world.staff_a, consultation)
    opinion_actions.do_vote(conversation.statements.first(), -1, actor=neighbour)  # type: ignore[arg-type]
    record = Resident.objects.get(user=neighbour)
    url = reverse("consultations:participation", args=[record.pk])
    page = client_for(world.staff_a).get(url).content.decode()
    assert "参加投票" in page and "1 次" in page
    assert "参与 1 个，表态 1 次，提出观点 0 条" in page
    assert client_for(world.staff_b).get(url).status_code == 404


def test_the_portal_topic_page_does_not_query_per_poll(
    world: Personas, consultation: Consultation, neighbour: Any
) -> None:
    consultation = in_phase(consultation, PhaseKey.DECIDE)
    client = client_for(neighbour)
    url = reverse("portal:topic", args=[consultation.topic_id])
    linked_poll(world.staff_a, consultation)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        linked_poll(world.staff_a, consultation, title=f"路灯方案投票{n}")
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four.captured_queries) == len(one.captured_queries)
