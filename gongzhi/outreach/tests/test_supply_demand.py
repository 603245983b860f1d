"""R3.2b 供需对接: residents post needs, organisations, businesses, volunteers and
residents post offers, community staff match them or turn a need into a case — inside
their jurisdiction only, with every step in the ledger and nothing half-written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases.enums import CaseStatus, Channel
from gongzhi.cases.models import Case, Category, Notification
from gongzhi.ledger.models import Event, EventType
from gongzhi.outreach import actions, queries
from gongzhi.outreach.enums import NeedStatus, ProviderKind, ServiceKind
from gongzhi.outreach.models import Match, Need, Offer
from gongzhi.outreach.tests.conftest import COMPLAINT, SERVICE
from gongzhi.residents.models import Resident

pytestmark = pytest.mark.django_db


def post_need(user: Any, **extra: Any) -> Need:
    extra.setdefault("kind", ServiceKind.CONVENIENCE)
    extra.setdefault("title", "需要有人帮忙代购药品")
    extra.setdefault("description", "老伴腿脚不便，每周需要去药店买一次降压药。")
    return actions.do_post_need(actor=user, **extra)


def township_offer(staff: Any, region: str = TOWNSHIP, **extra: Any) -> Offer:
    extra.setdefault("provider_kind", ProviderKind.VOLUNTEER)
    extra.setdefault("provider_name", "爱国街道青年志愿者服务队")
    extra.setdefault("kind", ServiceKind.PUBLIC_WELFARE)
    extra.setdefault("title", "代购代办")
    extra.setdefault("description", "为行动不便的老人代购药品和生活用品")
    return actions.do_post_offer(actor=staff, region=region, **extra)


def _messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict[field]]


class TestPosting:
    def test_a_resident_posts_a_need_for_the_community_of_their_record(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident)
        assert need.region_code == COMMUNITY_A and need.status == NeedStatus.OPEN
        event = Event.objects.get(type=EventType.SERVICE_NEED_POSTED)
        assert event.region_code == COMMUNITY_A
        assert "乌云" not in str(event.summary)

    def test_without_a_linked_record_a_resident_cannot_post(self, world: Personas) -> None:
        with pytest.raises(ValidationError) as caught:
            post_need(world.resident)
        assert _messages(caught.value, "community") == [
            "您的账号还没有关联居民档案，请联系社区工作人员关联后再发布"
        ]
        assert not Need.objects.exists()

    def test_missing_text_is_named(self, world: Personas, linked: Resident) -> None:
        with pytest.raises(ValidationError) as caught:
            post_need(world.resident, title=" ", description="", kind="nonsense")
        errors = caught.value.message_dict
        assert errors["title"] == ["请填写标题"]
        assert errors["description"] == ["请填写具体需求"]
        assert errors["kind"] == ["请选择服务类别"]

    def test_staff_cannot_post_needs(self, world: Personas) -> None:
        with pytest.raises(PermissionDenied):
            post_need(world.staff_a)

    def test_a_resident_offers_mutual_aid_only(self, world: Personas, linked: Resident) -> None:
        offer = actions.do_post_offer(
            actor=world.resident,
            kind=ServiceKind.MUTUAL_AID,
            title="周末帮忙接送孩子",
            description="周六上午有空",
        )
        assert offer.provider_kind == ProviderKind.RESIDENT
        assert offer.region_code == COMMUNITY_A
        assert actions.provider_label(offer) == "乌*"
        with pytest.raises(ValidationError) as caught:
            actions.do_post_offer(
                actor=world.resident,
                kind=ServiceKind.CONVENIENCE,
                title="开店",
                description="便利店",
            )
        assert _messages(caught.value, "kind") == ["居民只能发布邻里互助服务"]

    def test_staff_record_offers_inside_their_jurisdiction_only(self, world: Personas) -> None:
        offer = township_offer(world.street_staff)
        assert offer.region_code == TOWNSHIP
        assert Event.objects.filter(type=EventType.SERVICE_OFFER_POSTED).count() == 1
        with pytest.raises(PermissionDenied):
            township_offer(world.staff_b)
        with pytest.raises(ValidationError) as caught:
            township_offer(world.street_staff, provider_name="")
        assert _messages(caught.value, "provider_name") == ["请填写提供方名称"]


class TestJurisdiction:
    def test_staff_b_cannot_touch_community_as_needs(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident)
        offer = township_offer(world.street_staff)
        with pytest.raises(Http404):
            queries.access_need(world.staff_b, need.pk)
        client = client_for(world.staff_b)
        assert client.get(reverse("outreach:need", args=[need.pk])).status_code == 404
        assert (
            client.post(
                reverse("outreach:need_match", args=[need.pk]), {"offer": offer.pk}
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("outreach:need_to_case", args=[need.pk]), {"category": SERVICE}
            ).status_code
            == 404
        )
        assert client.post(reverse("outreach:need_close", args=[need.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            actions.do_match(need, offer, actor=world.staff_b)
        need.refresh_from_db()
        assert need.status == NeedStatus.OPEN and not Match.objects.exists()

    @pytest.mark.parametrize(
        ("who", "allowed"),
        [
            ("staff_a", True),
            ("street_staff", True),
            ("county_admin", True),
            ("staff_b", False),
            ("grid_worker", False),
            ("resident", False),
            ("system_admin", False),
        ],
    )
    def test_who_may_match_a_need_of_community_a(
        self, world: Personas, linked: Resident, who: str, allowed: bool
    ) -> None:
        need = post_need(world.resident)
        assert getattr(world, who).has_perm("outreach.match_need", need) is allowed

    def test_staff_list_shows_only_their_needs(
        self, world: Personas, linked: Resident, resident_b: Any
    ) -> None:
        mine = post_need(world.resident)
        theirs = post_need(resident_b, title="红云的需求")
        assert list(queries.needs_for(world.staff_a)) == [mine]
        assert list(queries.needs_for(world.staff_b)) == [theirs]
        assert set(queries.needs_for(world.county_admin)) == {mine, theirs}
        page = client_for(world.staff_a).get(reverse("outreach:needs"))
        assert "红云的需求" not in page.content.decode()

    def test_a_resident_cannot_close_someone_elses_need(
        self, world: Personas, linked: Resident, neighbour: Any
    ) -> None:
        need = post_need(world.resident)
        response = client_for(neighbour).post(reverse("portal:need_close", args=[need.pk]))
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            actions.do_close_need(need, actor=neighbour)
        need.refresh_from_db()
        assert need.status == NeedStatus.OPEN


class TestMatching:
    def test_staff_match_a_need_with_an_appointment_and_both_sides_hear(
        self, world: Personas, linked: Resident, django_capture_on_commit_callbacks: Any
    ) -> None:
        need = post_need(world.resident)
        offer = township_offer(world.street_staff)
        when = timezone.now() + timedelta(days=2)
        with django_capture_on_commit_callbacks(execute=True):
            match = actions.do_match(
                need, offer, appointment_at=when, note="周三上午上门", actor=world.staff_a
            )
        need.refresh_from_db()
        assert need.status == NeedStatus.MATCHED
        assert match.region_code == COMMUNITY_A and match.matched_by == world.staff_a
        assert Notification.objects.filter(user=world.resident).count() == 1
        assert Notification.objects.filter(user=world.street_staff).count() == 1
        event = Event.objects.get(type=EventType.SERVICE_MATCHED)
        assert event.summary["need"] == need.pk and event.summary["offer"] == offer.pk

    def test_an_appointment_in_the_past_is_refused_and_nothing_is_written(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident)
        offer = township_offer(world.street_staff)
        with pytest.raises(ValidationError) as caught:
            actions.do_match(
                need, offer, appointment_at=timezone.now() - timedelta(hours=1), actor=world.staff_a
            )
        assert _messages(caught.value, "appointment_at") == ["预约时间须晚于现在"]
        need.refresh_from_db()
        assert need.status == NeedStatus.OPEN
        assert not Match.objects.exists()
        assert not Event.objects.filter(type=EventType.SERVICE_MATCHED).exists()

    def test_an_offer_must_serve_the_needs_community(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident)
        elsewhere = township_offer(world.county_admin, region=COMMUNITY_B)
        with pytest.raises(ValidationError) as caught:
            actions.do_match(need, elsewhere, actor=world.county_admin)
        assert _messages(caught.value, "offer") == ["该服务的服务范围不含需求所在社区"]

    def test_a_matched_need_is_not_matched_twice(self, world: Personas, linked: Resident) -> None:
        need = post_need(world.resident)
        offer = township_offer(world.street_staff)
        actions.do_match(need, offer, actor=world.staff_a)
        other = township_offer(world.street_staff, title="第二项")
        with pytest.raises(ValidationError) as caught:
            actions.do_match(need, other, actor=world.staff_a)
        assert _messages(caught.value, "need") == ["该需求当前为“已对接”，不能再对接"]

    def test_matching_through_the_page(self, world: Personas, linked: Resident) -> None:
        need = post_need(world.resident)
        offer = township_offer(world.street_staff)
        client = client_for(world.staff_a)
        detail = client.get(reverse("outreach:need", args=[need.pk]))
        assert detail.status_code == 200 and "代购代办" in detail.content.decode()
        response = client.post(
            reverse("outreach:need_match", args=[need.pk]),
            {"offer": offer.pk, "appointment_at": "", "note": ""},
        )
        assert response.status_code == 302
        assert Match.objects.filter(need=need, offer=offer).exists()


class TestNeedToCase:
    def test_staff_turn_a_need_into_a_case_for_the_resident(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident, title="想申请高龄津贴", kind=ServiceKind.PUBLIC_WELFARE)
        case = actions.do_need_to_case(need, category=SERVICE, actor=world.staff_a)
        assert case.channel == Channel.PORTAL
        assert case.reporter == world.resident
        assert case.resident == linked
        assert case.first_responsible == world.staff_a
        assert case.community.region_code == COMMUNITY_A
        assert case.status == CaseStatus.SUBMITTED
        assert case.title == "想申请高龄津贴"
        need.refresh_from_db()
        assert need.case == case and need.status == NeedStatus.MATCHED
        assert Event.objects.filter(type=EventType.CASE_SUBMITTED).count() == 1
        event = Event.objects.get(type=EventType.SERVICE_NEED_TO_CASE)
        assert event.summary == {"case": case.number, "category": SERVICE}

    def test_a_complaint_category_is_allowed(self, world: Personas, linked: Resident) -> None:
        need = post_need(world.resident, kind=ServiceKind.MUTUAL_AID)
        case = actions.do_need_to_case(need, category=COMPLAINT, actor=world.staff_a)
        assert case.kind == "complaint"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("exposed-garbage", "需求只能转为服务申请或诉求类办件"),
            ("no-such-category", "事项不存在或已停用，请重新选择"),
            ("minimum-living-allowance", "该事项有必填的附加信息，请通过一窗受理登记"),
        ],
    )
    def test_unsuitable_categories_are_refused_and_nothing_is_written(
        self, world: Personas, linked: Resident, code: str, message: str
    ) -> None:
        need = post_need(world.resident)
        with pytest.raises(ValidationError) as caught:
            actions.do_need_to_case(need, category=code, actor=world.staff_a)
        assert _messages(caught.value, "category") == [message]
        need.refresh_from_db()
        assert need.case is None and need.status == NeedStatus.OPEN
        assert not Case.objects.exists()

    def test_a_failure_after_the_case_rolls_the_case_back(
        self, world: Personas, linked: Resident, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        need = post_need(world.resident)

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("ledger unavailable")

        monkeypatch.setattr(actions, "record_event", broken)
        with pytest.raises(RuntimeError):
            actions.do_need_to_case(need, category=SERVICE, actor=world.staff_a)
        assert not Case.objects.exists()
        assert not Event.objects.filter(type=EventType.CASE_SUBMITTED).exists()
        need.refresh_from_db()
        assert need.case is None and need.status == NeedStatus.OPEN

    def test_an_inactive_category_through_the_page_shows_the_message(
        self, world: Personas, linked: Resident
    ) -> None:
        need = post_need(world.resident)
        Category.objects.filter(code=SERVICE).update(is_active=False)
        response = client_for(world.staff_a).post(
            reverse("outreach:need_to_case", args=[need.pk]), {"category": SERVICE}
        )
        assert response.status_code == 400
        assert not Case.objects.exists()


class TestPortal:
    def test_neighbours_see_surname_only_and_no_phone(
        self, world: Personas, linked: Resident, neighbour: Any
    ) -> None:
        post_need(world.resident, title="需要帮忙修水管")
        actions.do_post_offer(
            actor=world.resident,
            kind=ServiceKind.MUTUAL_AID,
            title="会修自行车",
            description="周末在家",
        )
        township_offer(world.street_staff)
        page = client_for(neighbour).get(reverse("portal:supply_demand"))
        text = page.content.decode()
        assert page.status_code == 200
        assert "需要帮忙修水管" in text and "会修自行车" in text and "代购代办" in text
        assert "乌*" in text
        assert "乌云" not in text
        assert linked.phone_masked == "" or linked.phone_masked not in text

    def test_residents_of_another_community_see_none_of_it(
        self, world: Personas, linked: Resident, resident_b: Any
    ) -> None:
        post_need(world.resident, title="需要帮忙修水管")
        township_offer(world.street_staff)
        text = client_for(resident_b).get(reverse("portal:supply_demand")).content.decode()
        assert "需要帮忙修水管" not in text and "代购代办" not in text

    def test_posting_a_need_on_the_portal(self, world: Personas, linked: Resident) -> None:
        client = client_for(world.resident)
        bad = client.post(reverse("portal:need_new"), {"kind": "convenience", "title": ""})
        assert bad.status_code == 200 and "请填写标题" in bad.content.decode()
        assert not Need.objects.exists()
        good = client.post(
            reverse("portal:need_new"),
            {"kind": "convenience", "title": "代购药品", "description": "每周一次"},
        )
        assert good.status_code == 302
        assert Need.objects.get().poster == world.resident
        mine = client.get(reverse("portal:supply_demand")).content.decode()
        assert "代购药品" in mine and "待对接" in mine

    def test_the_home_page_links_both_services(self, world: Personas) -> None:
        text = client_for(world.resident).get(reverse("portal:home")).content.decode()
        assert reverse("portal:mobile_service") in text
        assert reverse("portal:supply_demand") in text
