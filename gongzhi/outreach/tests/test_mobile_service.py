"""R3.2a 流动服务: routes, stops and visits planned by township and county staff, the
resident's next visits near them, cases taken at a stop with the mobile_stop channel."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, TOWNSHIP_B, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.outreach import actions, queries
from gongzhi.outreach.models import ServiceRoute, ServiceStop, ServiceVisit
from gongzhi.outreach.tests.conftest import COMMUNITY_A2, SERVICE, schedule, soon

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict[field]]


class TestPlanning:
    def test_township_staff_plan_a_route_stop_and_visit_each_in_the_ledger(
        self, world: Personas, stop_a: ServiceStop
    ) -> None:
        visit = schedule(stop_a, world.street_staff, note="带齐身份证")
        assert visit.region_code == COMMUNITY_A
        assert visit.services == [SERVICE, "neighbour-dispute"]
        types = set(Event.objects.values_list("type", flat=True))
        assert {
            EventType.OUTREACH_ROUTE_SAVED,
            EventType.OUTREACH_STOP_SAVED,
            EventType.OUTREACH_VISIT_SCHEDULED,
        } <= types
        event = Event.objects.get(type=EventType.OUTREACH_VISIT_SCHEDULED)
        assert event.region_code == COMMUNITY_A
        assert event.summary["services"] == visit.services

    def test_county_staff_plan_routes_too(self, world: Personas) -> None:
        route = actions.do_save_route(
            name="和平街道代办点",
            township=TOWNSHIP_B,
            vehicle="便民代办点",
            actor=world.county_admin,
        )
        assert route.region_code == TOWNSHIP_B

    @pytest.mark.parametrize("who", ["staff_a", "grid_worker", "resident", "system_admin"])
    def test_community_staff_and_others_cannot_plan_routes(self, world: Personas, who: str) -> None:
        with pytest.raises(PermissionDenied):
            actions.do_save_route(
                name="线路", township=TOWNSHIP, vehicle="车", actor=getattr(world, who)
            )
        assert not ServiceRoute.objects.exists()

    def test_street_staff_cannot_plan_in_another_township(self, world: Personas) -> None:
        with pytest.raises(PermissionDenied):
            actions.do_save_route(
                name="线路", township=TOWNSHIP_B, vehicle="车", actor=world.street_staff
            )

    def test_a_stop_must_lie_in_the_routes_township(
        self, world: Personas, route: ServiceRoute
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.do_save_stop(
                route, community=COMMUNITY_B, place_name="红云社区", actor=world.county_admin
            )
        assert _messages(caught.value, "community") == ["服务点须在线路所属的爱国街道内"]
        assert not ServiceStop.objects.exists()

    def test_a_stop_point_outside_the_league_is_refused(
        self, world: Personas, route: ServiceRoute
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.do_save_stop(
                route,
                community=COMMUNITY_A,
                place_name="门前",
                lon=116.4,
                lat=39.9,
                actor=world.street_staff,
            )
        assert _messages(caught.value, "lon") == ["标出的位置不在本盟范围内"]

    def test_the_end_must_follow_the_start(self, world: Personas, stop_a: ServiceStop) -> None:
        with pytest.raises(ValidationError) as caught:
            schedule(stop_a, world.street_staff, start_time=time(14, 0), end_time=time(9, 0))
        assert _messages(caught.value, "end_time") == ["结束时间须晚于开始时间"]
        assert not ServiceVisit.objects.exists()
        assert not Event.objects.filter(type=EventType.OUTREACH_VISIT_SCHEDULED).exists()

    def test_a_new_visit_cannot_lie_in_the_past(self, world: Personas, stop_a: ServiceStop) -> None:
        yesterday = timezone.localdate() - timedelta(days=1)
        with pytest.raises(ValidationError) as caught:
            schedule(stop_a, world.street_staff, day=yesterday)
        assert _messages(caught.value, "date") == ["服务日期不能早于今天"]

    def test_services_must_be_known_categories(self, world: Personas, stop_a: ServiceStop) -> None:
        with pytest.raises(ValidationError) as caught:
            schedule(stop_a, world.street_staff, services=["no-such-thing"])
        assert _messages(caught.value, "services") == ["服务事项不存在或已停用：no-such-thing"]
        with pytest.raises(ValidationError) as caught:
            schedule(stop_a, world.street_staff, services=[])
        assert _messages(caught.value, "services") == ["请至少选择一项服务事项"]

    def test_cancelling_needs_a_reason_and_happens_once(
        self, world: Personas, stop_a: ServiceStop
    ) -> None:
        visit = schedule(stop_a, world.street_staff)
        with pytest.raises(ValidationError) as caught:
            actions.do_cancel_visit(visit, reason=" ", actor=world.street_staff)
        assert _messages(caught.value, "reason") == ["请填写取消原因"]
        actions.do_cancel_visit(visit, reason="暴雪封路", actor=world.street_staff)
        visit.refresh_from_db()
        assert visit.is_cancelled and visit.cancel_reason == "暴雪封路"
        assert Event.objects.filter(type=EventType.OUTREACH_VISIT_CANCELLED).count() == 1
        with pytest.raises(ValidationError):
            actions.do_cancel_visit(visit, reason="再取消一次", actor=world.street_staff)

    def test_community_staff_cannot_cancel(self, world: Personas, stop_a: ServiceStop) -> None:
        visit = schedule(stop_a, world.street_staff)
        with pytest.raises(PermissionDenied):
            actions.do_cancel_visit(visit, reason="不来了", actor=world.staff_a)


class TestResidentsSeeTheNextVisits:
    def test_own_community_first_then_the_township_soonest_first(
        self, world: Personas, stop_a: ServiceStop, linked: object
    ) -> None:
        stop_a2 = actions.do_save_stop(
            stop_a.route, community=COMMUNITY_A2, place_name="二社区广场", actor=world.street_staff
        )
        later = schedule(stop_a, world.street_staff, day=soon(10))
        sooner = schedule(stop_a, world.street_staff, day=soon(2))
        nearby_elsewhere = schedule(stop_a2, world.street_staff, day=soon(1))
        other_township = actions.do_save_route(
            name="和平线", township=TOWNSHIP_B, vehicle="车", actor=world.county_admin
        )
        stop_b = actions.do_save_stop(
            other_township, community=COMMUNITY_B, place_name="红云", actor=world.county_admin
        )
        schedule(stop_b, world.county_admin)
        nearby = queries.nearby_visits(world.resident)
        assert nearby.community is not None and nearby.community.region_code == COMMUNITY_A
        assert [v.pk for v in nearby.own] == [sooner.pk, later.pk]
        assert [v.pk for v in nearby.township_visits] == [nearby_elsewhere.pk]
        assert nearby.own[0].service_names == ["高龄津贴", "邻里纠纷"]

    def test_past_visits_drop_out(
        self, world: Personas, stop_a: ServiceStop, linked: object
    ) -> None:
        today = timezone.localdate()
        visit = schedule(stop_a, world.street_staff, day=today)
        assert [v.pk for v in queries.nearby_visits(world.resident).own] == [visit.pk]
        tomorrow = today + timedelta(days=1)
        assert queries.nearby_visits(world.resident, today=tomorrow).own == []

    def test_the_portal_page_shows_services_and_cancellations(
        self, world: Personas, stop_a: ServiceStop, linked: object
    ) -> None:
        schedule(stop_a, world.street_staff, day=soon(1))
        cancelled = schedule(stop_a, world.street_staff, day=soon(2))
        actions.do_cancel_visit(cancelled, reason="车辆检修", actor=world.street_staff)
        page = client_for(world.resident).get(reverse("portal:mobile_service"))
        text = page.content.decode()
        assert page.status_code == 200
        assert "社区服务站门前" in text and "高龄津贴、邻里纠纷" in text
        assert "车辆检修" in text
        assert "现场受理登记" in text

    def test_without_a_record_the_page_says_so(self, world: Personas) -> None:
        world.resident.region = None
        world.resident.save(update_fields=["region"])
        page = client_for(world.resident).get(reverse("portal:mobile_service"))
        assert "还没有关联居民档案" in page.content.decode()

    def test_anonymous_visitors_are_asked_to_log_in(self, world: Personas) -> None:
        from django.test import Client

        page = Client().get(reverse("portal:mobile_service"))
        assert page.status_code == 200
        assert "登录后可以查看" in page.content.decode()


class TestConsole:
    def test_the_schedule_links_to_window_registration_with_the_stop_channel(
        self, world: Personas, stop_a: ServiceStop
    ) -> None:
        schedule(stop_a, world.street_staff)
        page = client_for(world.staff_a).get(reverse("outreach:index"))
        assert page.status_code == 200
        assert "?channel=mobile_stop" in page.content.decode()
        window = client_for(world.staff_a).get(reverse("cases:window") + "?channel=mobile_stop")
        assert window.context["form"]["channel"].value() == "mobile_stop"

    def test_community_staff_of_another_township_see_neither_route_nor_visit(
        self, world: Personas, stop_a: ServiceStop
    ) -> None:
        visit = schedule(stop_a, world.street_staff)
        client = client_for(world.staff_b)
        assert client.get(reverse("outreach:route", args=[stop_a.route_id])).status_code == 404
        assert client.get(reverse("outreach:visit_cancel", args=[visit.pk])).status_code == 404
        assert "社区服务站门前" not in client.get(reverse("outreach:index")).content.decode()

    def test_planning_through_the_pages(self, world: Personas) -> None:
        client = client_for(world.street_staff)
        response = client.post(
            reverse("outreach:route_create"),
            {
                "name": "牧区流动服务车",
                "township": TOWNSHIP,
                "vehicle": "服务车",
                "is_active": "on",
            },
        )
        route = ServiceRoute.objects.get()
        assert response.status_code == 302
        client.post(
            reverse("outreach:stop_create", args=[route.pk]),
            {"community": COMMUNITY_A, "place_name": "嘎查委员会", "is_active": "on"},
        )
        stop = ServiceStop.objects.get()
        bad = client.post(
            reverse("outreach:visit_create", args=[stop.pk]),
            {
                "date": soon().isoformat(),
                "start_time": "10:00",
                "end_time": "09:00",
                "services": [SERVICE],
            },
        )
        assert bad.status_code == 200 and "结束时间须晚于开始时间" in bad.content.decode()
        good = client.post(
            reverse("outreach:visit_create", args=[stop.pk]),
            {
                "date": soon().isoformat(),
                "start_time": "09:00",
                "end_time": "12:00",
                "services": [SERVICE],
            },
        )
        assert good.status_code == 302
        assert ServiceVisit.objects.count() == 1
        detail = client.get(reverse("outreach:route", args=[route.pk]))
        assert "嘎查委员会" in detail.content.decode()

    def test_community_staff_get_403_on_the_planning_pages(self, world: Personas) -> None:
        assert client_for(world.staff_a).get(reverse("outreach:route_create")).status_code == 403

    def test_the_navigation_has_the_module(self, world: Personas) -> None:
        from gongzhi.console.context_processors import modules_for

        assert "outreach:index" in [m.url_name for m in modules_for(world.staff_a)]
        assert "outreach:index" not in [m.url_name for m in modules_for(world.audit_admin)]
