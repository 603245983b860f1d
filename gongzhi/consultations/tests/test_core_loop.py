"""The core loop (R2.3e): a resident's proposal → consultation → meeting decision →
implementation → report back → residents see and rate it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import COMMUNITY_A, Personas
from gongzhi.cases.models import Notification
from gongzhi.consultations import actions, queries
from gongzhi.consultations.enums import (
    DecisionOutcome,
    ItemStatus,
    MilestoneKind,
    PhaseKey,
    TopicStatus,
)
from gongzhi.consultations.models import Consultation, Topic
from gongzhi.consultations.tests.conftest import adopted_meeting, advance_to
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_resident_proposes_a_topic_for_their_own_community(world: Personas) -> None:
    topic = actions.do_propose_topic(
        title="楼道堆物清理",
        description="三号楼楼道堆放杂物，存在消防隐患，希望统一清理。",
        actor=world.resident,
    )
    assert topic.region_code == COMMUNITY_A
    assert topic.status == TopicStatus.PROPOSED
    assert Event.objects.filter(type=EventType.TOPIC_PROPOSED, object_id=str(topic.pk)).exists()


def test_a_resident_without_a_registry_record_cannot_propose(personas: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_propose_topic(
            title="楼道堆物清理",
            description="三号楼楼道堆放杂物，存在消防隐患，希望统一清理。",
            actor=personas.resident,
        )
    assert "community" in error.value.message_dict


def test_staff_cannot_propose_as_a_resident_but_may_raise(world: Personas) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_propose_topic(title="路灯问题", description="x" * 20, actor=world.staff_a)
    topic = actions.do_raise_topic(
        community=COMMUNITY_A,
        title="社区停车位规划",
        description="社区停车难，拟规划新增停车位，听取居民意见（R4.3a）。",
        actor=world.staff_a,
    )
    assert topic.raised_by_staff


def test_support_is_one_per_person(world: Personas, topic: Topic, neighbour: Any) -> None:
    topic = actions.do_support_topic(topic, actor=neighbour)
    assert topic.support_count == 1
    with pytest.raises(ValidationError):
        actions.do_support_topic(topic, actor=neighbour)
    topic.refresh_from_db()
    assert topic.support_count == 1


def test_the_proposer_does_not_support_their_own_topic(world: Personas, topic: Topic) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_support_topic(topic, actor=world.resident)


def test_declined_topic_shows_its_reason_to_the_proposer(
    world: Personas, topic: Topic, neighbour: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_decline_topic(
            topic, reason="属于物业服务合同范围，已转物业公司处理", actor=world.staff_a
        )
    seen = queries.resident_access_topic(world.resident, topic.pk)
    assert seen.status == TopicStatus.DECLINED
    assert seen.decline_reason == "属于物业服务合同范围，已转物业公司处理"
    assert Notification.objects.filter(
        user=world.resident, text__contains="属于物业服务合同范围"
    ).exists()
    # Other residents no longer see a declined topic.
    assert not queries.resident_topics(neighbour).filter(pk=topic.pk).exists()


def test_a_decline_needs_a_reason(world: Personas, topic: Topic) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_decline_topic(topic, reason=" ", actor=world.staff_a)
    assert "reason" in error.value.message_dict


def test_the_whole_loop_reaches_residents(
    world: Personas, topic: Topic, neighbour: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actions.do_support_topic(topic, actor=neighbour)
    consultation = actions.do_accept_topic(topic, form="residents_meeting", actor=world.staff_a)
    assert consultation.region_code == COMMUNITY_A
    actions.do_comment_topic(topic, body="建议用太阳能路灯，省电。", actor=neighbour)
    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    meeting = adopted_meeting(consultation, world.staff_a)
    assert meeting.outcome == DecisionOutcome.ADOPTED
    assert meeting.minority_opinion.startswith("部分居民")
    consultation = advance_to(consultation, PhaseKey.IMPLEMENT, world.staff_a)
    item = actions.do_create_item(
        consultation,
        meeting=meeting,
        title="北门加装 6 盏太阳能路灯",
        owner_name="兴安物业公司",
        deadline=timezone.localdate() + timedelta(days=30),
        actor=world.staff_a,
    )
    actions.do_update_item(
        item,
        progress=100,
        status=ItemStatus.DONE,
        note="6 盏路灯已安装并通电。",
        evidence="https://example.gov.cn/photos/lamps",
        actor=world.staff_a,
    )
    consultation = advance_to(consultation, PhaseKey.REPORT, world.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_report_outcome(
            consultation, report="路灯已装好，感谢居民参与。", actor=world.staff_a
        )
    rating = actions.do_rate_outcome(consultation, rating=5, comment="很好", actor=world.resident)
    assert rating.rating == 5
    # A later rating replaces the first: one per person.
    actions.do_rate_outcome(consultation, rating=4, actor=world.resident)
    assert consultation.ratings.count() == 1
    kinds = list(consultation.milestones.values_list("kind", flat=True))
    for kind in (
        MilestoneKind.ACCEPTED,
        MilestoneKind.DECISION,
        MilestoneKind.ITEM,
        MilestoneKind.PROGRESS,
        MilestoneKind.REPORTED,
    ):
        assert kind in kinds
    assert Notification.objects.filter(user=neighbour, text__contains="结果反馈").exists()
    record = queries.participation(neighbour)
    assert len(record.supported) == 1 and len(record.comments) == 1
    count = queries.participation_count(world.resident.pk)
    assert count is not None and count.proposed == 1 and count.rated == 1


def test_leaving_the_decide_phase_needs_a_decision(
    world: Personas, consultation: Consultation
) -> None:
    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    with pytest.raises(ValidationError):
        actions.do_advance_phase(consultation, actor=world.staff_a)


def test_only_adopted_decisions_become_items(world: Personas, consultation: Consultation) -> None:
    from gongzhi.consultations.tests.conftest import held_meeting

    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    meeting = held_meeting(consultation, world.staff_a)
    meeting = actions.do_record_decision(
        meeting,
        motion="加装路灯",
        votes_for=20,
        votes_against=30,
        votes_abstain=10,
        actor=world.staff_a,
    )
    assert meeting.outcome == DecisionOutcome.NOT_ADOPTED
    with pytest.raises(ValidationError) as error:
        actions.do_create_item(
            consultation,
            meeting=meeting,
            title="加装路灯",
            owner_name="物业",
            deadline=timezone.localdate(),
            actor=world.staff_a,
        )
    assert "meeting" in error.value.message_dict
