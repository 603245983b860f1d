"""The consultation pages and API for the people who use them, and 404 outside one's
jurisdiction (DESIGN rule 2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.api.tests.conftest import ApiClient, issue_token
from gongzhi.consultations import actions
from gongzhi.consultations.enums import ItemStatus, PhaseKey, TopicStatus
from gongzhi.consultations.models import Consultation, Topic
from gongzhi.consultations.tests.conftest import adopted_meeting, advance_to

pytestmark = pytest.mark.django_db


def _implemented(world: Personas, consultation: Consultation, *, days: int) -> Any:
    consultation = advance_to(consultation, PhaseKey.DECIDE, world.staff_a)
    meeting = adopted_meeting(consultation, world.staff_a)
    consultation = advance_to(consultation, PhaseKey.IMPLEMENT, world.staff_a)
    item = actions.do_create_item(
        consultation,
        meeting=meeting,
        title="北门加装路灯",
        owner_name="兴安物业公司",
        deadline=timezone.localdate() + timedelta(days=days),
        actor=world.staff_a,
    )
    return consultation, meeting, item


def test_staff_pages_render(world: Personas, consultation: Consultation) -> None:
    consultation, meeting, item = _implemented(world, consultation, days=-1)
    client = client_for(world.staff_a)
    for url in (
        reverse("consultations:index"),
        reverse("consultations:index") + "?status=accepted&q=路灯",
        reverse("consultations:topic_raise"),
        reverse("consultations:topic", args=[consultation.topic_id]),
        reverse("consultations:consultations"),
        reverse("consultations:consultation", args=[consultation.pk]),
        reverse("consultations:meeting", args=[meeting.pk]),
        reverse("consultations:item", args=[item.pk]),
        reverse("consultations:overdue"),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("consultations:consultation", args=[consultation.pk]))
    assert "已超期" in page.content.decode()
    assert "北门加装路灯" in client.get(reverse("consultations:overdue")).content.decode()
    decided = client.get(reverse("consultations:meeting", args=[meeting.pk])).content.decode()
    assert "少数意见" in decided and "居民委员会组织法" in decided


def test_an_item_on_time_is_not_flagged(world: Personas, consultation: Consultation) -> None:
    consultation, _meeting, item = _implemented(world, consultation, days=5)
    client = client_for(world.staff_a)
    assert "北门加装路灯" not in client.get(reverse("consultations:overdue")).content.decode()
    actions.do_update_item(
        item, progress=100, status=ItemStatus.DONE, note="已完成", actor=world.staff_a
    )


def test_out_of_jurisdiction_is_404(world: Personas, consultation: Consultation) -> None:
    consultation, meeting, item = _implemented(world, consultation, days=5)
    client = client_for(world.staff_b)
    for url in (
        reverse("consultations:topic", args=[consultation.topic_id]),
        reverse("consultations:consultation", args=[consultation.pk]),
        reverse("consultations:meeting", args=[meeting.pk]),
        reverse("consultations:item", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("consultations:topic_decline", args=[consultation.topic_id]), {"reason": "不予协商"}
    )
    assert response.status_code == 404


def test_staff_review_through_the_pages(world: Personas, topic: Topic) -> None:
    client = client_for(world.staff_a)
    response = client.post(reverse("consultations:topic_decline", args=[topic.pk]), {"reason": ""})
    assert response.status_code == 200 and "保存没有成功" in response.content.decode()
    response = client.post(
        reverse("consultations:topic_accept", args=[topic.pk]), {"form": "residents_meeting"}
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED
    assert response.status_code == 302


def test_a_grid_worker_reads_but_cannot_review(world: Personas, topic: Topic) -> None:
    client = client_for(world.grid_worker)
    assert client.get(reverse("consultations:topic", args=[topic.pk])).status_code == 200
    response = client.post(
        reverse("consultations:topic_accept", args=[topic.pk]), {"form": "residents_meeting"}
    )
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PROPOSED


def test_the_resident_pages_render_and_work(world: Personas, topic: Topic, neighbour: Any) -> None:
    client = client_for(neighbour)
    assert "小区北门加装路灯" in client.get(reverse("portal:consultations")).content.decode()
    assert client.get(reverse("portal:topic_new")).status_code == 200
    assert client.post(reverse("portal:topic_support", args=[topic.pk])).status_code == 302
    response = client.post(
        reverse("portal:topic_comment", args=[topic.pk]), {"body": "同意加装", "kind": "comment"}
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:topic", args=[topic.pk])).content.decode()
    assert "我已附议" in page and "同意加装" in page
    # The proposer's name is masked for neighbours.
    assert "乌云" not in page
    mine = client.get(reverse("portal:my_participation")).content.decode()
    assert "小区北门加装路灯" in mine


def test_a_resident_elsewhere_gets_404(world: Personas, topic: Topic, resident_b: Any) -> None:
    client = client_for(resident_b)
    assert client.get(reverse("portal:topic", args=[topic.pk])).status_code == 404
    assert client.post(reverse("portal:topic_support", args=[topic.pk])).status_code == 404


def test_the_proposer_sees_the_decline_reason_on_the_portal(world: Personas, topic: Topic) -> None:
    actions.do_decline_topic(topic, reason="该事项由市政部门负责", actor=world.staff_a)
    page = client_for(world.resident).get(reverse("portal:topic", args=[topic.pk])).content.decode()
    assert "该事项由市政部门负责" in page


def test_residents_see_the_outcome_and_rate_it(world: Personas, consultation: Consultation) -> None:
    consultation, _meeting, _item = _implemented(world, consultation, days=5)
    client = client_for(world.resident)
    page = client.get(reverse("portal:topic", args=[consultation.topic_id])).content.decode()
    assert "北门加装路灯" in page and "兴安物业公司" in page and "少数意见" in page
    response = client.post(
        reverse("portal:topic_rate", args=[consultation.topic_id]), {"rating": "5"}
    )
    assert response.status_code == 302
    assert consultation.ratings.get().rating == 5


def test_the_api_lists_and_writes_topics(
    world: Personas, topic: Topic, neighbour: Any, resident_b: Any
) -> None:
    api = ApiClient(issue_token(neighbour))
    listed = api.get("/api/v1/topics").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == topic.pk
    assert api.post(f"/api/v1/topics/{topic.pk}/support").json()["support_count"] == 1
    again = api.post(f"/api/v1/topics/{topic.pk}/support")
    assert again.status_code == 422
    created = api.post(
        "/api/v1/topics",
        {"title": "增设快递柜", "description": "小区没有快递柜，取件不便，建议增设。"},
    )
    assert created.status_code == 201
    bad = api.post("/api/v1/topics", {"title": "", "description": "短"})
    assert bad.status_code == 422 and "title" in bad.json()["fields"]
    other = ApiClient(issue_token(resident_b))
    assert other.get(f"/api/v1/topics/{topic.pk}").status_code == 404
    assert other.post(f"/api/v1/topics/{topic.pk}/support").status_code == 404


def test_the_api_shows_a_consultation_to_its_residents(
    world: Personas, consultation: Consultation, resident_b: Any
) -> None:
    consultation, _meeting, _item = _implemented(world, consultation, days=-2)
    api = ApiClient(issue_token(world.resident))
    body = api.get(f"/api/v1/consultations/{consultation.pk}").json()
    assert body["phase"]["code"] == "implement"
    assert body["decisions"][0]["outcome"]["code"] == "adopted"
    assert body["items"][0]["overdue"] is True
    assert (
        api.post(f"/api/v1/consultations/{consultation.pk}/rating", {"rating": 4}).status_code
        == 200
    )
    assert api.get("/api/v1/consultations").status_code == 403
    other = ApiClient(issue_token(resident_b))
    assert other.get(f"/api/v1/consultations/{consultation.pk}").status_code == 404


def test_every_label_on_the_staff_pages_points_at_its_own_input(
    world: Personas, topic: Topic, consultation: Consultation
) -> None:
    """The consultation page carries the meeting, item, participant, report and five phase
    forms at once; a shared id (two ``title`` inputs) sent the label 落实事项 to the hidden
    meeting form's input instead."""
    import re

    consultation, meeting, _item = _implemented(world, consultation, days=5)
    other = actions.do_propose_topic(
        title="三号楼前空地改建游乐场",
        description="三号楼前空地长期闲置，杂草丛生。",
        actor=world.resident,
    )
    client = client_for(world.staff_a)
    for url in (
        reverse("consultations:consultation", args=[consultation.pk]),
        reverse("consultations:topic", args=[other.pk]),
        reverse("consultations:meeting", args=[meeting.pk]),
    ):
        html = client.get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))
        for target in re.findall(r'<label for="([^"]+)"', html):
            assert target in ids, (url, target)
