"""The audit pages: only the audit administrator, only their jurisdiction, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY, OTHER_COUNTY, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import Event, EventType, Outcome
from gongzhi.ledger.tests.conftest import append_events

pytestmark = pytest.mark.django_db

LIST = reverse("ledger:event_list")
OTHER_ROLES = [
    "resident",
    "grid_worker",
    "staff_a",
    "staff_b",
    "street_staff",
    "county_admin",
    "system_admin",
    "security_admin",
]


def seqs(response: Any) -> list[int]:
    return [event.seq for event in response.context["page"].events]


@pytest.fixture
def places(personas: Any) -> dict[str, Event]:
    """One event in each place that matters, plus one that belongs to no place."""
    return {
        "community_a": record_event(
            EventType.GRID_SAVED, region_code=COMMUNITY_A, summary={"name": "一网格"}
        ),
        "community_b": record_event(
            EventType.GRID_SAVED, region_code=COMMUNITY_B, summary={"name": "二网格"}
        ),
        "other_county": record_event(EventType.COMPOUND_SAVED, region_code=OTHER_COUNTY),
        "unplaced": record_event(
            EventType.LOGIN_FAILED, outcome=Outcome.FAILED, summary={"username": "ghost"}
        ),
    }


@pytest.fixture
def county_auditor(regions: None) -> Any:
    return make_user("county_auditor", "audit_admin", COUNTY, full_name="旗县审计管理员")


class TestWhoMayLook:
    @pytest.mark.parametrize("persona", OTHER_ROLES)
    def test_it_refuses_everyone_but_the_audit_administrator(
        self, personas: Any, places: Any, persona: str
    ) -> None:
        client = client_for(getattr(personas, persona))
        assert client.get(LIST).status_code == 403
        assert (
            client.get(reverse("ledger:event_detail", args=[places["community_a"].seq])).status_code
            == 403
        )
        assert client.get(reverse("ledger:verify")).status_code == 403
        assert client.get(reverse("ledger:event_export", args=["csv"])).status_code == 403
        exported = Event.objects.filter(type=EventType.LEDGER_EXPORTED)
        assert not exported.exists()
        denied = Event.objects.filter(type=EventType.PERMISSION_DENIED, object_id=LIST)
        assert denied.get().actor_username == persona

    def test_it_sends_a_visitor_to_the_login_page(self, db: None) -> None:
        response = Client().get(LIST)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_the_audit_administrator_browses_the_log(self, personas: Any, places: Any) -> None:
        response = client_for(personas.audit_admin).get(LIST)
        assert response.status_code == 200
        assert "审计日志" in response.content.decode()
        assert places["community_a"].seq in seqs(response)

    def test_nobody_can_post_edits_or_deletions(self, personas: Any, places: Any) -> None:
        client = client_for(personas.audit_admin)
        detail = reverse("ledger:event_detail", args=[places["community_a"].seq])
        assert client.post(detail, {"outcome": "failed"}).status_code == 405
        assert client.post(LIST).status_code == 405
        page = client.get(detail).content.decode()
        assert "删除" not in page and "编辑" not in page


class TestScope:
    def test_a_league_auditor_also_sees_events_with_no_place(
        self, personas: Any, places: Any
    ) -> None:
        shown = seqs(client_for(personas.audit_admin).get(LIST))
        assert {e.seq for e in places.values()} <= set(shown)

    def test_a_county_auditor_sees_only_the_county(
        self, personas: Any, places: Any, county_auditor: Any
    ) -> None:
        client = client_for(county_auditor)
        shown = set(seqs(client.get(LIST)))
        assert {places["community_a"].seq, places["community_b"].seq} <= shown
        assert places["other_county"].seq not in shown
        assert places["unplaced"].seq not in shown
        for outside in ("other_county", "unplaced"):
            url = reverse("ledger:event_detail", args=[places[outside].seq])
            assert client.get(url).status_code == 404

    def test_a_narrowed_league_auditor_no_longer_sees_events_with_no_place(
        self, personas: Any, places: Any
    ) -> None:
        client = client_for(personas.audit_admin)
        client.post(reverse("console:switch_jurisdiction"), {"region_code": COUNTY})
        shown = set(seqs(client.get(LIST)))
        assert places["community_a"].seq in shown
        assert places["unplaced"].seq not in shown and places["other_county"].seq not in shown

    def test_a_region_filter_outside_the_jurisdiction_is_refused_in_chinese(
        self, personas: Any, places: Any, county_auditor: Any
    ) -> None:
        response = client_for(county_auditor).get(LIST, {"region": OTHER_COUNTY})
        assert response.status_code == 200
        assert seqs(response) == []
        assert (
            f"辖区编码前缀：辖区编码前缀 {OTHER_COUNTY} 不在您的辖区（{COUNTY}）内"
            in response.content.decode()
        )


class TestFilters:
    def test_it_filters_by_type_area_actor_region_outcome_and_object(
        self, personas: Any, places: Any
    ) -> None:
        client = client_for(personas.audit_admin)
        grid_saves = {places["community_a"].seq, places["community_b"].seq}
        assert set(seqs(client.get(LIST, {"type": str(EventType.GRID_SAVED.value)}))) == grid_saves
        area = set(seqs(client.get(LIST, {"type": "area:3"})))
        assert grid_saves | {places["other_county"].seq} <= area
        assert {Event.objects.get(seq=s).type // 1000 for s in area} == {3}
        created = seqs(
            client.get(LIST, {"type": str(EventType.USER_CREATED.value), "region": COMMUNITY_A})
        )
        assert {Event.objects.get(seq=s).object_id for s in created} == {
            str(personas.resident.pk),
            str(personas.grid_worker.pk),
            str(personas.staff_a.pk),
        }
        assert seqs(client.get(LIST, {"outcome": "failed"})) == [places["unplaced"].seq]
        assert seqs(client.get(LIST, {"region": COMMUNITY_B, "type": "area:3"})) == [
            places["community_b"].seq
        ]
        by_object = seqs(
            client.get(
                LIST, {"object_type": "accounts.user", "object_id": str(personas.staff_b.pk)}
            )
        )
        assert [Event.objects.get(seq=s).type for s in by_object] == [EventType.USER_CREATED]

    def test_it_filters_by_actor(self, personas: Any, places: Any) -> None:
        mine = record_event(EventType.LOGIN, actor=personas.staff_a)
        client = client_for(personas.audit_admin)
        assert seqs(client.get(LIST, {"actor": "staff_a"})) == [mine.seq]

    def test_it_filters_by_date_and_refuses_a_reversed_range(
        self, personas: Any, places: Any
    ) -> None:
        from django.utils import timezone

        client = client_for(personas.audit_admin)
        today = timezone.localdate().isoformat()
        assert places["unplaced"].seq in seqs(
            client.get(LIST, {"date_from": today, "date_to": today})
        )
        assert seqs(client.get(LIST, {"date_to": "2020-01-01"})) == []
        response = client.get(LIST, {"date_from": today, "date_to": "2020-01-01"})
        assert seqs(response) == []
        assert "截止日期不能早于起始日期" in response.content.decode()


class TestPaging:
    def test_it_pages_by_seq_cursor_both_ways(self, personas: Any) -> None:
        events = append_events(120, region_code=COMMUNITY_A)
        client = client_for(personas.audit_admin)
        query = {"region": COMMUNITY_A, "type": str(EventType.SETTING_CHANGED.value)}
        first = client.get(LIST, query).context["page"]
        newest = [e.seq for e in reversed(events)]
        assert [e.seq for e in first.events] == newest[:50]
        assert first.newer_cursor is None and first.older_cursor == newest[49]
        second = client.get(LIST, {**query, "before": first.older_cursor}).context["page"]
        assert [e.seq for e in second.events] == newest[50:100]
        third = client.get(LIST, {**query, "before": second.older_cursor}).context["page"]
        assert [e.seq for e in third.events] == newest[100:]
        assert third.older_cursor is None
        back = client.get(LIST, {**query, "after": third.newer_cursor}).context["page"]
        assert [e.seq for e in back.events] == newest[50:100]
        html = client.get(LIST, {**query, "before": first.older_cursor}).content.decode()
        assert f"after={second.newer_cursor}" in html and f"before={second.older_cursor}" in html

    def test_a_page_costs_the_same_queries_however_many_events_it_shows(
        self, personas: Any
    ) -> None:
        client = client_for(personas.audit_admin)
        append_events(3, region_code=COMMUNITY_A)
        client.get(LIST)
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        append_events(60, region_code=COMMUNITY_B)
        with CaptureQueriesContext(connection) as many:
            client.get(LIST)
        assert len(many) == len(few)


class TestDetailAndVerify:
    def test_the_detail_shows_the_summary_and_both_hashes(self, personas: Any, places: Any) -> None:
        event = places["community_a"]
        page = client_for(personas.audit_admin).get(
            reverse("ledger:event_detail", args=[event.seq])
        )
        html = page.content.decode()
        assert event.hash in html and event.prev_hash in html
        assert "一网格" in html
        assert "一致：内容与本条哈希相符" in html

    def test_the_detail_shows_when_an_event_was_altered(
        self, personas: Any, places: Any, tamper: Any
    ) -> None:
        event = places["community_a"]
        tamper("UPDATE ledger_event SET object_id = 'forged' WHERE seq = %s", [event.seq])
        html = (
            client_for(personas.audit_admin)
            .get(reverse("ledger:event_detail", args=[event.seq]))
            .content
        )
        assert "不一致：内容已被改动" in html.decode()

    def test_verifying_from_the_page_reports_and_records_the_result(
        self, personas: Any, places: Any
    ) -> None:
        client = client_for(personas.audit_admin)
        response = client.post(reverse("ledger:verify"), {"mode": "quick"})
        assert response.status_code == 200
        assert "审计链完整：" in response.content.decode()
        recorded = Event.objects.order_by("-seq").first()
        assert recorded is not None and recorded.type == EventType.LEDGER_VERIFIED
        assert recorded.actor_username == "audit_admin" and recorded.summary["ok"] is True

    def test_verifying_from_the_page_names_a_deleted_event(
        self, personas: Any, places: Any, tamper: Any
    ) -> None:
        missing = places["community_b"].seq
        tamper("DELETE FROM ledger_event WHERE seq = %s", [missing])
        response = client_for(personas.audit_admin).post(
            reverse("ledger:verify"), {"mode": "quick"}
        )
        assert f"第 #{missing} 条事件缺失（已被删除）" in response.content.decode()
        recorded = Event.objects.order_by("-seq").first()
        assert recorded is not None and recorded.outcome == Outcome.FAILED
        assert recorded.summary["problem"] == {"kind": "deleted", "seq": missing}

    def test_a_full_verification_runs_as_a_background_task(
        self, personas: Any, places: Any
    ) -> None:
        response = client_for(personas.audit_admin).post(reverse("ledger:verify"), {"mode": "full"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:task_list"))
