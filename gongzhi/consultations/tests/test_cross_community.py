"""R3.1a: a matter touching two or more communities is led by the street/township; every
affected community takes part."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, TOWNSHIP, Personas
from gongzhi.consultations import actions, queries
from gongzhi.consultations.enums import ConsultationForm, TopicStatus
from gongzhi.consultations.models import Topic
from gongzhi.consultations.tests.conftest import COMMUNITY_A2

pytestmark = pytest.mark.django_db


def test_community_staff_cannot_lead_a_cross_community_topic(world: Personas, topic: Topic) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_accept_topic(
            topic, form=ConsultationForm.DELIBERATION, affected=[COMMUNITY_A2], actor=world.staff_a
        )
    assert "街道" in error.value.message_dict["affected"][0]


def test_a_routed_topic_is_led_by_the_street_with_every_community(
    world: Personas, topic: Topic, resident_a2: Any, staff_a2: Any, resident_b: Any
) -> None:
    topic = actions.do_route_topic(
        topic, affected=[COMMUNITY_A2], note="两社区共用道路", actor=world.staff_a
    )
    assert topic.status == TopicStatus.ROUTED
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.DELIBERATION, actor=world.street_staff
    )
    assert consultation.region_code == TOWNSHIP
    assert sorted(consultation.communities.values_list("region_code", flat=True)) == [
        COMMUNITY_A,
        COMMUNITY_A2,
    ]
    # Residents of both communities take part; a resident of another street does not.
    assert resident_a2.has_perm("consultations.comment_topic", consultation.topic)
    assert queries.resident_topics(resident_a2).filter(pk=topic.pk).exists()
    assert not resident_b.has_perm("consultations.comment_topic", consultation.topic)
    with pytest.raises(Http404):
        queries.resident_access_topic(resident_b, topic.pk)
    # Staff of a taking-part community see it; only the street runs it.
    assert queries.consultations_for(staff_a2).filter(pk=consultation.pk).exists()
    assert not staff_a2.has_perm("consultations.manage_consultation", consultation)
    assert world.street_staff.has_perm("consultations.manage_consultation", consultation)
    with pytest.raises(Http404):
        queries.access_consultation(world.staff_b, consultation.pk)


def test_communities_of_two_streets_go_to_the_county(world: Personas, topic: Topic) -> None:
    assert actions.owner_code([COMMUNITY_A, COMMUNITY_B]) == COUNTY
    consultation = actions.do_accept_topic(
        topic, form=ConsultationForm.HEARING, affected=[COMMUNITY_B], actor=world.county_admin
    )
    assert consultation.region_code == COUNTY
